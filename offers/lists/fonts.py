"""Fonts for printed lists, so that any household name prints, Chinese and accented Latin
included.

Text is drawn in Helvetica (one of the PDF standard fonts: every reader has it, nothing to
embed) wherever Helvetica has the character, i.e. the character is in Windows-1252. Any
other character is drawn in the first fallback TrueType font whose character map has it;
that font is embedded (subset) in the PDF. Default fallbacks: DejaVu Sans (shipped with
matplotlib: Greek, Cyrillic, Latin Extended) and then the first CJK font found among the
usual system paths (on Debian the package fonts-droid-fallback; `make` installs it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"

CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
"""Where a CJK TrueType font is looked for when offers.toml names no fonts."""


class FontError(ValueError):
    """A font file cannot be used, or text has characters no font has; the message says
    which and what to do."""


@dataclass
class FontChain:
    """A base PDF font and fallback TrueType fonts, tried in order, for one weight."""

    base: str
    fallbacks: list[str]
    """Registered reportlab font names."""
    fallback_maps: list[set[int]]
    """The characters (code points) each fallback has a glyph for."""

    def __post_init__(self) -> None:
        self._font_of: dict[str, int] = {}
        self._wrapped: dict[tuple[str, float, float], list[str]] = {}

    def font_index(self, char: str) -> int:
        """0 for the base font, i + 1 for fallback i, -1 when no font has the character."""
        found = self._font_of.get(char)
        if found is None:
            found = _font_index(char, self.fallback_maps)
            self._font_of[char] = found
        return found

    def missing(self, text: str) -> str:
        """The characters of `text` (in order, once each) that no font of the chain has."""
        if text.isascii() or _latin_1252(text):
            return ""
        seen = dict.fromkeys(c for c in text if self.font_index(c) < 0)
        return "".join(seen)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """`text` cut into (font name, piece) runs, each piece drawable in its font. A
        character no font has goes to the base font (it prints as a blank or a box)."""
        if text.isascii() or _latin_1252(text):
            return [(self.base, text)]
        names = [self.base, *self.fallbacks]
        runs: list[tuple[str, str]] = []
        for char in text:
            name = names[max(self.font_index(char), 0)]
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
        return runs

    def width(self, text: str, size: float) -> float:
        """Width of `text` at `size` points, in points."""
        return sum(
            float(pdfmetrics.stringWidth(piece, name, size)) for name, piece in self.runs(text)
        )

    def fit(self, text: str, size: float, width: float) -> str:
        """`text`, cut short with an ellipsis when it is wider than `width` points."""
        if self.width(text, size) <= width:
            return text
        while text and self.width(text + "…", size) > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """`text` broken at spaces into lines no wider than `width` points (a single word
        wider than that is cut short). Remembered: the fine print and the rewards repeat
        on every page."""
        key = (text, size, width)
        if key not in self._wrapped:
            self._wrapped[key] = self._wrap(text, size, width)
        return self._wrapped[key]

    def _wrap(self, text: str, size: float, width: float) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}" if current else word
            if current and self.width(trial, size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return [self.fit(line, size, width) for line in lines]


@dataclass
class Fonts:
    """The two weights a list is drawn in."""

    regular: FontChain
    bold: FontChain

    def missing(self, texts: Iterable[str | None]) -> str:
        """Characters of any of `texts` that no font has (in either weight)."""
        found = dict.fromkeys(
            c
            for text in texts
            if text
            for c in self.regular.missing(text) + self.bold.missing(text)
        )
        return "".join(found)


def default_font_files(bold: bool = False) -> list[Path]:
    """DejaVu Sans (regular or bold) from matplotlib, then the first CJK font found."""
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = [dejavu / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")]
    files += [Path(p) for p in CJK_FONT_FILES if Path(p).exists()][:1]
    return files


def load_fonts(files: tuple[str, ...] = ()) -> Fonts:
    """Register the fallback fonts with reportlab and return both weights' chains:
    `files` (as set in [lists] fonts) for both, or the defaults. Raises FontError for a
    missing or unreadable file."""
    if files:
        regular = bold = [Path(f) for f in files]
    else:
        regular, bold = default_font_files(), default_font_files(bold=True)
    return Fonts(_chain(REGULAR, regular), _chain(BOLD, bold))


def _chain(base: str, files: list[Path]) -> FontChain:
    names: list[str] = []
    maps: list[set[int]] = []
    for path in files:
        name = f"offers-{path.stem}"
        if name not in pdfmetrics.getRegisteredFontNames():
            if not path.exists():
                raise FontError(f"font file {path} does not exist (set [lists] fonts)")
            try:
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            except Exception as exc:  # reportlab raises bare TTFError and struct errors
                raise FontError(f"font file {path} cannot be used: {exc}") from exc
        font = pdfmetrics.getFont(name)
        names.append(name)
        maps.append(set(font.face.charToGlyph))
    return FontChain(base, names, maps)


def _latin_1252(text: str) -> bool:
    """Whether every character of `text` is printable and in Windows-1252 (Helvetica)."""
    if not text.isprintable():
        return False
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _font_index(char: str, fallback_maps: list[set[int]]) -> int:
    if char.isprintable() or char == " ":
        try:
            char.encode("cp1252")
            return 0
        except UnicodeEncodeError:
            pass
    code = ord(char)
    for position, chars in enumerate(fallback_maps):
        if code in chars:
            return position + 1
    return -1
