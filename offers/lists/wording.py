"""The words on a list, from the jinja2 template `list_wording.j2` (a store's copy in
./templates/ wins): one macro per piece of text, used by the PDF page and, through
`{% import %}`, by the HTML list, so a change of wording reaches both."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import jinja2
from markupsafe import Markup

from offers.lists.rewards import Reward
from offers.templating import environment

WORDING_TEMPLATE = "list_wording.j2"
HTML_TEMPLATE = "list.html.j2"

MACROS = (
    "store", "title", "greeting", "valid", "card", "list_number", "savings", "department",
    "item", "offer", "window", "reward_heading", "reward_text", "perk", "footer",
)  # fmt: skip
"""The macros the wording template must define."""


class WordingError(ValueError):
    """The wording template is broken or lacks a macro; the message names it."""


@functools.lru_cache(maxsize=1024)
def day(value: dt.date) -> str:
    """A date as printed on a list: 'Mon Jan 1'."""
    return f"{value:%a %b} {value.day}"


def dollars(value: float) -> str:
    """Dollars as printed on a list: '$1,234.50'."""
    return f"${value:,.2f}"


def words(text: str) -> str:
    """Text with every run of white space made one space, ends trimmed (escaped HTML
    stays escaped)."""
    joined = " ".join(str(text).split())
    return Markup(joined) if isinstance(text, Markup) else joined


def list_environment(*, autoescape: bool) -> jinja2.Environment:
    """The template environment with the list filters (`day`, `dollars`, `words`)."""
    env = environment(autoescape=autoescape)
    env.filters["day"] = day
    env.filters["dollars"] = dollars
    env.filters["words"] = words
    return env


class Wording:
    """The wording macros, called by name: `wording("savings", doc)` -> plain text with
    runs of white space collapsed to one space."""

    def __init__(self) -> None:
        try:
            module = list_environment(autoescape=False).get_template(WORDING_TEMPLATE).module
        except jinja2.TemplateError as exc:
            raise WordingError(f"{WORDING_TEMPLATE}: {exc}") from exc
        lacking = [name for name in MACROS if not hasattr(module, name)]
        if lacking:
            raise WordingError(f"{WORDING_TEMPLATE} lacks macro(s): {', '.join(lacking)}")
        self._macros = {name: getattr(module, name) for name in MACROS}
        self._said: dict[tuple[Any, ...], str] = {}

    def __call__(self, name: str, *args: Any) -> str:
        # A macro's words depend on its arguments only, so those said about a department
        # name or a reward (a few dozen in a run) are said once; lists and lines differ.
        remember = all(isinstance(arg, str | Reward) for arg in args)
        key = (name, *args)
        if remember and key in self._said:
            return self._said[key]
        try:
            text = words(str(self._macros[name](*args)))
        except jinja2.TemplateError as exc:
            raise WordingError(f"{WORDING_TEMPLATE}, macro {name}: {exc}") from exc
        if remember:
            self._said[key] = text
        return text
