"""offers.toml settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from offers.config import Settings, SettingsError, load_settings


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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[segments]\nwindow_weeks = 0\n", r"\[segments\] window_weeks must be at least 1, not 0"),
        ("[segments]\nloyal_share = 0.3\n", "loyal_share must be at least 0.5 and at most 1.0"),
        ("[plan]\nholdout_share = 1.0\n", "holdout_share must be at least 0.0 and below 1.0"),
        ("[plan]\ntier_budgets = [40, 30, -1, 5]\n", r"tier_budgets must be at least 0.0 \(each\)"),
        ("[cycles]\nlapse_cycles = 0\n", "lapse_cycles must be above 0.0"),
    ],
)
def test_a_setting_out_of_its_range_is_refused_by_name(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "offers.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(path)


def _limited() -> list[tuple[str, dataclasses.Field[object], dict[str, float]]]:
    defaults = Settings()
    return [
        (section.name, setting, setting.metadata["limits"])
        for section in dataclasses.fields(defaults)
        for setting in dataclasses.fields(getattr(defaults, section.name))
        if setting.metadata.get("limits")
    ]


def test_every_default_lies_within_its_own_range_and_the_file_may_repeat_it(
    tmp_path: Path,
) -> None:
    limited = _limited()
    assert len(limited) >= 25
    path = tmp_path / "offers.toml"
    for section, setting, _ in limited:
        default = getattr(getattr(Settings(), section), setting.name)
        value = list(default) if isinstance(default, tuple) else default
        path.write_text(f"[{section}]\n{setting.name} = {value!r}\n")
        assert getattr(getattr(load_settings(path), section), setting.name) == default


def test_every_limited_setting_refuses_a_value_below_its_range(tmp_path: Path) -> None:
    path = tmp_path / "offers.toml"
    for section, setting, limits in _limited():
        floor = limits.get("above", limits.get("at_least"))
        if floor is None:
            continue
        below = floor if "above" in limits else floor - 1
        default = getattr(getattr(Settings(), section), setting.name)
        value = [float(below)] * len(default) if isinstance(default, tuple) else below
        path.write_text(f"[{section}]\n{setting.name} = {value!r}\n")
        with pytest.raises(SettingsError, match=rf"\[{section}\] {setting.name} must be"):
            load_settings(path)
