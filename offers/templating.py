"""Where the wording comes from: jinja2 templates (and the rewards library) shipped in
offers/templates/, each overridden by a store's own copy of the same name in ./templates/
(relative to the working directory), so marketing staff change words without code."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import jinja2

STORE_TEMPLATES = Path("templates")
"""Templates here (relative to the working directory) override the shipped ones."""


def shipped_templates() -> Path:
    """The folder of templates that ship with the package."""
    return Path(str(resources.files("offers").joinpath("templates")))


def environment(*, autoescape: bool = True) -> jinja2.Environment:
    """A jinja2 environment reading ./templates/ first, then the shipped templates.
    Undefined names are errors. `autoescape` for HTML; off for text drawn on a PDF."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(STORE_TEMPLATES)),
                jinja2.FileSystemLoader(str(shipped_templates())),
            ]
        ),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def template_path(name: str) -> Path:
    """The file a template name resolves to: the store's copy when there is one."""
    store = STORE_TEMPLATES / name
    return store if store.exists() else shipped_templates() / name


def fingerprint(names: list[str]) -> str:
    """A SHA-256 over the texts of the named templates as resolved now: it changes when
    anyone edits a template in use."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update(template_path(name).read_bytes())
    return digest.hexdigest()
