"""`python -m offers`: the same as the `offers` command."""

from offers.cli import app

app()
