"""Program settings, read from `offers.toml` in the working directory when it exists.

Every setting has a documented default, so the file only needs what a store changes:

```toml
[ingest]
earliest_scan = 1990-01-01      # a scan before this day is an impossible timestamp

[cycles]
quantity_elasticity = 0.5       # after buying twice the usual units, the next purchase comes
                                # 2 ** 0.5 times later
prior_pairs = 5.0               # an item's cycle is pulled toward all items' with this weight
habit_occasions = 12.0          # an item bought 12 times counts as half a habit
lapse_cycles = 12.0             # unbought for 12 typical intervals: faded to 1/e
trend_power = 0.3               # score x trend ** 0.3: last 14 days' buyers vs the year's pace
                                # (cycles predict/show/evaluate; the plan leaves it out)
just_bought_days = 14           # bought < 14 days ago, never rebought within 28: not due
calibration_gap_days = 28       # calibration windows end 28 days before as-of

[segments]
window_weeks = 52               # brand segments look at the 52 weeks before as-of
loyal_share = 0.8               # >= 80 % of a category's units in one brand type = loyal
min_occasions = 2               # fewer purchase occasions in the category = unsegmented

[households]
spend_weeks = 52                # value tiers rank spend over the 52 weeks before as-of
tier_shares = [0.01, 0.04, 0.15]  # A = top 1 %, B = next 4 %, C = next 15 %, D = the rest
eligibility_weeks = 8           # eligibility averages spend over the 8 weeks before as-of
eligible_weekly_spend = 25.0    # a list goes to households spending more than $25 a week

[plan]
cadence_days = 14               # a list every 14 days, its offers valid for those 14 days
seed = 1                        # draws the holdout; keep it to keep the same holdout
holdout_share = 0.10            # share of eligible households that get no list (control)
max_lines = 12                  # lines on a list
max_discovery_lines = 3         # of which at most 3 conversion or discovery lines
tier_budgets = [40.0, 30.0, 15.0, 5.0]  # face value of a list's offers, tiers A, B, C, D
margin_national = 0.25          # share of a national-brand sale's price kept by store + maker
margin_store = 0.40             # share of a store-brand sale's price the store keeps
conversion_response = 0.20      # share of households needing the category that take a
                                # conversion offer for the other brand type
discovery_response = 0.10       # share of households in a deal's segment, not buying its
                                # items, that take it
conversion_depth = [0.5, 0.75, 1.0]  # share of a conversion deal's discount for low,
                                     # medium and high usage (heavy users get the deepest)
reminder_min_p_buy = 0.30       # a line without an offer needs at least this p_buy

[lists]
store_name = "Dick's Supermarkets"  # printed at the top of every list
page_size = "letter"            # "letter" or "a4"
store_walk = ["PRODUCE", "BAKERY", "DELI", "MEAT", "SEAFOOD", "DAIRY", "FROZEN", "GROCERY",
              "PET", "BABY", "HOUSEHOLD", "DRUG GM"]  # departments in the order the aisles
                                # come; others follow in alphabetical order
fonts = []                      # TrueType files for characters Helvetica lacks, tried in
                                # order; empty: DejaVu Sans, then a CJK font on the system
reward_weeks = 8                # rewards match what the household bought in these weeks
reward_rotation = 3             # a household's reward rotates among its 3 best matches
```
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

DEFAULT_FILE = Path("offers.toml")


class SettingsError(Exception):
    """offers.toml has an unknown, badly typed or out-of-range setting; the message names
    it."""


_T = TypeVar("_T")


def _within(
    default: _T,
    *,
    at_least: float | None = None,
    above: float | None = None,
    at_most: float | None = None,
    below: float | None = None,
) -> _T:
    """A setting's default and the range the file may set it in (each number of a list
    too); `load_settings` refuses a value outside it, naming the setting."""
    bounds = {"at_least": at_least, "above": above, "at_most": at_most, "below": below}
    limits = {k: v for k, v in bounds.items() if v is not None}
    return field(default=default, metadata={"limits": limits})


@dataclass(frozen=True)
class IngestSettings:
    """How scan files are checked."""

    earliest_scan: dt.date = dt.date(1990, 1, 1)
    """A scan line dated before this day is quarantined as an impossible timestamp
    (one dated after the moment of loading is too)."""


@dataclass(frozen=True)
class SegmentSettings:
    """Brand-loyalty segments per household x category."""

    window_weeks: int = _within(52, at_least=1)
    """Weeks of scans before as-of that a segment is computed from."""
    loyal_share: float = _within(0.8, at_least=0.5, at_most=1.0)
    """Share of the household's units in the category (0-1) in one brand type that makes
    it loyal to that type: national at or above it, store at or below 1 - it."""
    min_occasions: int = _within(2, at_least=1)
    """Purchase occasions (days with a purchase in the category) below which a household is
    unsegmented; two baskets on one day are one occasion."""


@dataclass(frozen=True)
class HouseholdSettings:
    """Value tiers and list eligibility."""

    spend_weeks: int = _within(52, at_least=1)
    """Weeks of spend before as-of that value tiers rank."""
    tier_shares: tuple[float, ...] = _within((0.01, 0.04, 0.15), at_least=0.0, at_most=1.0)
    """Shares of households (0-1) in tiers A, B, C, from the top spender down; D is the rest."""
    eligibility_weeks: int = _within(8, at_least=1)
    """Weeks before as-of over which weekly spend is averaged for eligibility."""
    eligible_weekly_spend: float = _within(25.0, at_least=0.0)
    """Dollars a week a household must spend more than to get a list."""


@dataclass(frozen=True)
class CycleSettings:
    """The purchase-cycle model (offers/cycles.py)."""

    quantity_elasticity: float = _within(0.5, at_least=0.0)
    """How an interval stretches with the units bought: after buying q units where the
    household usually buys m, the next interval is expected (q / m) ** elasticity times its
    usual length (0: quantity ignored; 1: proportional)."""
    prior_pairs: float = _within(5.0, at_least=0.0)
    """Pseudo-count (household x item pairs) with which an item's interval and repeat rate
    are pulled toward those of all items at its level."""
    habit_occasions: float = _within(12.0, at_least=0.0)
    """Occasions at which an item counts as half a habit: the score is scaled by
    occasions / (occasions + habit_occasions), so a staple outranks an item bought twice."""
    lapse_cycles: float = _within(12.0, above=0.0)
    """Typical intervals after which an unbought item has faded to 1/e of its score."""
    trend_power: float = _within(0.3, at_least=0.0)
    """How much an item's store-wide trend counts: the score is scaled by trend **
    trend_power, trend being the item's buyers in the last 14 days against its pace over 52
    weeks (0: trends ignored). The plan's needs leave it out (offers.engine.candidates.needs)."""
    just_bought_days: int = _within(14, at_least=0)
    """An item bought fewer than this many days ago by a household whose every interval for
    it is more than twice as long is not due: its score is 0 (p_buy the calibration curve's
    floor)."""
    calibration_gap_days: int = _within(28, at_least=0)
    """The calibration curve is fit on windows that end this many days before as-of, so the
    latest purchases change the model's inputs but never its calibration."""


@dataclass(frozen=True)
class PlanSettings:
    """The offer engine (offers/engine.py): one list cycle."""

    cadence_days: int = _within(14, at_least=1)
    """Days between lists; a list's offers are valid for that window from as-of."""
    seed: int = 1
    """Seed of the holdout draw (a household's arm depends on it and its id only): keep it
    from cycle to cycle to keep the same holdout; change it to re-draw on purpose."""
    holdout_share: float = _within(0.10, at_least=0.0, below=1.0)
    """Share of eligible households (0-1) held out: no list, the control group."""
    max_lines: int = _within(12, at_least=1)
    """Lines on a list, with and without offers."""
    max_discovery_lines: int = _within(3, at_least=0)
    """Of a list's lines, at most this many are conversion or discovery offers."""
    tier_budgets: tuple[float, ...] = _within((40.0, 30.0, 15.0, 5.0), at_least=0.0)
    """Dollars of face value a list's offers may add up to, for tiers A, B, C and D."""
    margin_national: float = _within(0.25, at_least=0.0, at_most=1.0)
    """Share of a national-brand item's price that a sale is worth to store and maker."""
    margin_store: float = _within(0.40, at_least=0.0, at_most=1.0)
    """Share of a store-brand item's price that a sale is worth to the store."""
    conversion_response: float = _within(0.20, at_least=0.0, at_most=1.0)
    """Share (0-1) of households needing the category in the window that redeem a
    conversion offer for the brand type they do not buy."""
    discovery_response: float = _within(0.10, at_least=0.0, at_most=1.0)
    """Share (0-1) of households in a deal's target cell, needing the category but not
    buying the deal's items, that redeem it."""
    conversion_depth: tuple[float, ...] = _within((0.5, 0.75, 1.0), at_least=0.0, at_most=1.0)
    """Share of a conversion deal's discount given to low, medium and high usage
    households: the deepest goes to the heaviest users."""
    reminder_min_p_buy: float = _within(0.30, at_least=0.0, at_most=1.0)
    """A line with no offer (a reminder) needs at least this p_buy (0-1)."""


@dataclass(frozen=True)
class ListSettings:
    """Printed lists (offers/lists/)."""

    store_name: str = "Dick's Supermarkets"
    """The store's name as printed at the top of every list."""
    page_size: str = "letter"
    """Paper: "letter" (US Letter, 8.5 x 11 in) or "a4"."""
    store_walk: tuple[str, ...] = (
        "PRODUCE", "BAKERY", "DELI", "MEAT", "SEAFOOD", "DAIRY", "FROZEN", "GROCERY",
        "PET", "BABY", "HOUSEHOLD", "DRUG GM",
    )  # fmt: skip
    """Departments in the order a shopper walks past them; a list's lines are grouped by
    department in this order, departments not named here after them alphabetically."""
    fonts: tuple[str, ...] = ()
    """TrueType (.ttf, or .ttc for its first face) files drawn for characters that
    Helvetica lacks, tried in order. Empty: DejaVu Sans (shipped with matplotlib), then the
    first CJK font found among the usual system paths (Debian: fonts-droid-fallback)."""
    reward_weeks: int = _within(8, at_least=1)
    """A household's non-price reward is matched to its spend over these weeks before
    as-of."""
    reward_rotation: int = _within(3, at_least=1)
    """A household's reward rotates, run by run, among its best matches, this many."""


@dataclass(frozen=True)
class ReportSettings:
    """Vendor reports (offers/reports/)."""

    min_households: int = _within(10, at_least=1)
    """k: a published figure rests on at least this many households; smaller cells are
    suppressed, and so are cells that published totals would reveal."""
    bootstrap_draws: int = _within(2_000, at_least=1)
    """Resamples of the households behind an incremental-effect interval."""
    row_extract: bool = False
    """Whether `offers report extract` may write a row-level extract for a manufacturer
    (pseudonymous households, coarsened fields; offers/reports/extract.py)."""
    extract_secret: str = ""
    """The file holding the store's extract secret ('' = beside the warehouse,
    <name>.extract-secret); made on first use, readable by its owner only."""


@dataclass(frozen=True)
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)
    cycles: CycleSettings = field(default_factory=CycleSettings)
    segments: SegmentSettings = field(default_factory=SegmentSettings)
    households: HouseholdSettings = field(default_factory=HouseholdSettings)
    plan: PlanSettings = field(default_factory=PlanSettings)
    lists: ListSettings = field(default_factory=ListSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)


def load_settings(path: Path | None = None) -> Settings:
    """Settings from `path` (default ./offers.toml, optional); defaults for what it omits."""
    path = path or DEFAULT_FILE
    if not path.exists():
        return Settings()
    with path.open("rb") as handle:
        try:
            raw = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: not valid TOML ({exc})") from exc
    sections = {f.name: f for f in dataclasses.fields(Settings)}
    unknown = set(raw) - set(sections)
    if unknown:
        raise SettingsError(f"{path}: unknown section(s) {sorted(unknown)}")
    defaults = Settings()
    chosen = {
        name: _section(path, name, getattr(defaults, name), raw.get(name, {})) for name in sections
    }
    return Settings(**chosen)


def _section(path: Path, name: str, default: Any, values: dict[str, Any]) -> Any:
    fields = dataclasses.fields(default)
    known = {f.name: getattr(default, f.name) for f in fields}
    limits = {f.name: f.metadata.get("limits", {}) for f in fields}
    of_text = {f.name for f in fields if str(f.type) == "tuple[str, ...]"}
    unknown = set(values) - set(known)
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) in [{name}]: {sorted(unknown)}")
    chosen = dict(known)
    for key, value in values.items():
        expected = known[key]
        if isinstance(expected, tuple):
            value = tuple(value) if isinstance(value, list) else value
        if isinstance(expected, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        element = str if key in of_text else int | float
        if type(value) is not type(expected) or (
            isinstance(value, tuple) and not all(isinstance(v, element) for v in value)
        ):
            raise SettingsError(
                f"{path}: [{name}] {key} must be like {_example(expected)}, not {value!r}"
            )
        outside = _outside(value, limits[key])
        if outside:
            raise SettingsError(f"{path}: [{name}] {key} must be {outside}, not {value!r}")
        chosen[key] = value
    return dataclasses.replace(default, **chosen)


_RULES: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "at_least": (operator.ge, "at least"),
    "above": (operator.gt, "above"),
    "at_most": (operator.le, "at most"),
    "below": (operator.lt, "below"),
}


def _outside(value: Any, limits: dict[str, float]) -> str:
    """'' when the value (every number of a list) is within the limits, else the rule it
    breaks, in words (e.g. 'at least 1')."""
    numbers = value if isinstance(value, tuple) else (value,)
    wanted = [f"{_RULES[k][1]} {b}" for k, b in limits.items()]
    for number in numbers:
        if not all(_RULES[k][0](number, b) for k, b in limits.items()):
            return " and ".join(wanted) + (" (each)" if isinstance(value, tuple) else "")
    return ""


def _example(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in value) + "]"
    return repr(value)
