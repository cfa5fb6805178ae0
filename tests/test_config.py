"""offers.toml settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from offers.config import SettingsError, load_settings


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "offers.toml").ingest.earliest_scan == dt.date(1990, 1, 1)


def test_a_setting_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "offers.toml"
    path.write_text("[ingest]\nearliest_scan = 2015-06-01\n")
    assert load_settings(path).ingest.earliest_scan == dt.date(2015, 6, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[ingest]\nearliest = 2015-06-01\n", "unknown setting"),
        ("[shop]\nname = 'x'\n", "unknown section"),
        ("[ingest]\nearliest_scan = 'soon'\n", "must be a date"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "offers.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(path)
