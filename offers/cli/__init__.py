"""The `offers` command: parses, calls the stage functions, shows progress and results.

No logic lives here; each command is a thin wrapper over a function in its stage module.
One module per group of commands; `app` holds what they share.
"""

from offers.cli import cycles, deals, load, plan, pos, render, report, segments
from offers.cli.app import app

__all__ = ["app", "cycles", "deals", "load", "plan", "pos", "render", "report", "segments"]
