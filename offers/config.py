"""Program settings, read from `offers.toml` in the working directory when it exists.

Every setting has a documented default, so the file only needs what a store changes:

```toml
[ingest]
earliest_scan = "1990-01-01"   # a scan before this date is an impossible timestamp
```
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FILE = Path("offers.toml")


class SettingsError(Exception):
    """offers.toml has an unknown or badly typed setting; the message names it."""


@dataclass(frozen=True)
class IngestSettings:
    """How scan files are checked."""

    earliest_scan: dt.date = dt.date(1990, 1, 1)
    """A scan line dated before this day is quarantined as an impossible timestamp
    (one dated after the moment of loading is too)."""


@dataclass(frozen=True)
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)


def load_settings(path: Path | None = None) -> Settings:
    """Settings from `path` (default ./offers.toml, optional); defaults for what it omits."""
    path = path or DEFAULT_FILE
    if not path.exists():
        return Settings()
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    unknown = set(raw) - {"ingest"}
    if unknown:
        raise SettingsError(f"{path}: unknown section(s) {sorted(unknown)}")
    ingest = dict(raw.get("ingest", {}))
    earliest = ingest.pop("earliest_scan", IngestSettings.earliest_scan)
    if ingest:
        raise SettingsError(f"{path}: unknown setting(s) in [ingest]: {sorted(ingest)}")
    if not isinstance(earliest, dt.date):
        raise SettingsError(f"{path}: [ingest] earliest_scan must be a date like 1990-01-01")
    return Settings(ingest=IngestSettings(earliest_scan=earliest))
