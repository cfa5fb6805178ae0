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
        ("[ingest]\nearliest_scan = 'soon'\n", "must be like 1990-01-01"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "offers.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(path)


def test_segment_and_household_settings(tmp_path: Path) -> None:
    path = tmp_path / "offers.toml"
    path.write_text(
        "[segments]\nloyal_share = 0.9\nmin_occasions = 3\n"
        "[households]\ntier_shares = [0.02, 0.08, 0.10]\neligible_weekly_spend = 30\n"
    )
    chosen = load_settings(path)
    assert chosen.segments.loyal_share == 0.9
    assert chosen.segments.min_occasions == 3
    assert chosen.segments.window_weeks == 52
    assert chosen.households.tier_shares == (0.02, 0.08, 0.10)
    assert chosen.households.eligible_weekly_spend == 30.0


def test_a_badly_typed_setting_names_the_expected_form(tmp_path: Path) -> None:
    path = tmp_path / "offers.toml"
    path.write_text("[segments]\nmin_occasions = 'two'\n")
    with pytest.raises(SettingsError, match=r"\[segments\] min_occasions must be like 2"):
        load_settings(path)
