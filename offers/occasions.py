"""Purchase occasions: the days on which each household bought each item, and what they add
up to per household x item (the purchase-cycle model's input, offers/cycles.py).

The scan lines leave the warehouse once, as one int64 each with household, item, day and
units in bit fields (occasion_lines.sql; line_bounds.sql sizes the fields), and one
in-place sort orders them; everything after is arithmetic over sorted arrays, in runs of
whole pairs on every core. The same occasions serve the prediction and, cut at earlier
days and thinned to a sample of households, the fit of its calibration curve.

Why not SQL: grouping 16 M lines into purchase days and ordering each pair's days with a
window took 9 to 13 times a plain group-by of the same lines in DuckDB (the query is kept
as the reference the tests compare with, tests/cycles_history_reference.sql); reading the
packed keys costs about as much as that group-by, and sorting them about half.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib import resources
from typing import Literal

import duckdb
import numpy as np
import numpy.typing as npt
import polars as pl

from offers.warehouse import frame, midnight, rows

Level = Literal["product", "subcategory"]
LEVELS: tuple[Level, ...] = ("product", "subcategory")

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

_SQL = resources.files("offers").joinpath("sql/cycles")
_PRODUCT_ITEMS_SQL = _SQL.joinpath("product_items.sql").read_text()


def with_product_items(sql: str) -> str:
    """`sql` with the table product_item in front: each product's item at the level the
    query's $level names (product_items.sql), the one definition of a level's items."""
    return f"WITH product_item AS ({_PRODUCT_ITEMS_SQL})\n{sql}"


_LINES_SQL = with_product_items(_SQL.joinpath("occasion_lines.sql").read_text())
_BOUNDS_SQL = _SQL.joinpath("line_bounds.sql").read_text()
# The items in position order (item_key 0, 1, ...).
_ITEM_IDS_SQL = f"""
SELECT item_id FROM ({_PRODUCT_ITEMS_SQL}) AS i GROUP BY item_key, item_id ORDER BY item_key
"""

# The lines as one int64 each: household, item, day and quantity in bit fields from the
# high bits down, so sorting the keys sorts the lines.
_PACKED_LINES_SQL = f"""
SELECT
    (household_id - $first_household) * $household_scale + item_key * $item_scale
        + (day - $first_day) * $day_scale + quantity AS line_key
FROM ({_LINES_SQL}) AS lines
"""
# When household ids, items, days and quantities are too wide to pack: sorted by DuckDB.
_SORTED_LINES_SQL = f"""
SELECT * FROM ({_LINES_SQL}) AS lines ORDER BY household_id, item_key, day
"""

EPOCH = dt.date(1970, 1, 1)
KEY_BITS = 63
MAX_HOUSEHOLD_SPAN = 1 << 22
"""Household ids are packed as their offset from the lowest id while the ids span at most
this many numbers (an array of the span maps offsets back to ids); wider, DuckDB sorts."""


@dataclass(frozen=True, eq=False)
class Occasions:
    """Purchase occasions, in order of household, item and day: an occasion is a day on
    which the household bought the item (returns left out).

    `key` packs each occasion's household, item and day into bit fields of one int64, from
    the high bits down: the household's position in `household_ids`, the item's position
    in `item_ids` (`item_bits` wide), and the day as days after `first_day` (days since
    1970-01-01; `day_bits` wide). Keys ascend. `units`: units bought that day.
    `item_ids`: the items' ids in order (product ids, Int64; or sub-category names), so
    ordering by position orders by id.
    """

    key: Ints
    units: Ints
    household_ids: Ints
    item_ids: pl.Series
    item_bits: int
    day_bits: int
    first_day: int

    def where(self, keep: npt.NDArray[np.bool_]) -> Occasions:
        """The occasions where `keep` is true (still in order)."""
        return replace(self, key=self.key[keep], units=self.units[keep])

    def days(self) -> Ints:
        """Each occasion's day, in days since 1970-01-01."""
        return self.day_of(self.key)

    def day_of(self, keys: Ints) -> Ints:
        """The day of occasions' keys, in days since 1970-01-01."""
        days: Ints = (keys & ((1 << self.day_bits) - 1)) + self.first_day
        return days

    def pairs(self) -> Ints:
        """Each occasion's household x item, as the key without its day (ascending)."""
        pairs: Ints = self.key >> self.day_bits
        return pairs

    def before(self, day: dt.date) -> Occasions:
        """The occasions strictly before `day`."""
        return self.where(self.days() < (day - EPOCH).days)

    def of_households_every(self, every: int) -> Occasions:
        """The occasions of households whose id is a multiple of `every` (a sample by id)."""
        if every == 1:
            return self
        shift = self.item_bits + self.day_bits
        positions = np.flatnonzero(self.household_ids % every == 0)
        # Each household's occasions are one run of keys: find the runs, not every key.
        low, high = np.searchsorted(self.key, np.stack([positions, positions + 1]) << shift)
        lengths = high - low
        take = np.arange(lengths.sum()) + np.repeat(low - (np.cumsum(lengths) - lengths), lengths)
        return replace(self, key=self.key[take], units=self.units[take])

    def households(self) -> int:
        """How many households have an occasion."""
        # Where each household's run of keys starts and ends; a household with none has
        # an empty run.
        bounds = np.searchsorted(
            self.key, np.arange(len(self.household_ids) + 1) << (self.item_bits + self.day_bits)
        )
        return int(np.count_nonzero(np.diff(bounds)))

    def household_and_item(self, pairs: Ints) -> tuple[Ints, pl.Series]:
        """The household ids and item ids of pairs (keys without their day)."""
        households = self.household_ids[pairs >> self.item_bits]
        return households, self.item_ids.gather(pairs & ((1 << self.item_bits) - 1))


def read_occasions(con: duckdb.DuckDBPyConnection, as_of: dt.date, level: Level) -> Occasions:
    """Every household's purchase occasions of every item at `level` strictly before `as_of`.

    The lines leave DuckDB as packed int64 keys (household, item, day, quantity) and one
    in-place sort orders them; when the fields are too wide to pack, DuckDB sorts the lines.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    item_ids = frame(con, _ITEM_IDS_SQL, {"level": level})["item_id"]
    if level == "product":
        item_ids = item_ids.cast(pl.Int64)
    params: dict[str, object] = {"as_of": midnight(as_of), "level": level}
    lines, first_household, last_household, first_day, most_units = rows(
        con, _BOUNDS_SQL, {"as_of": params["as_of"]}
    )[0]
    item_bits = max(len(item_ids) - 1, 1).bit_length()
    if lines == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Occasions(empty, empty, empty, item_ids, item_bits, 1, 0)
    day_bits = max((as_of - EPOCH).days - 1 - first_day, 1).bit_length()
    household_bits = max(last_household - first_household, 1).bit_length()
    units_bits = int(most_units).bit_length()
    households = last_household - first_household + 1
    if (
        households <= MAX_HOUSEHOLD_SPAN
        and household_bits + item_bits + day_bits + units_bits <= KEY_BITS
    ):
        fields = {
            "first_household": first_household,
            "first_day": first_day,
            "household_scale": 1 << (item_bits + day_bits + units_bits),
            "item_scale": 1 << (day_bits + units_bits),
            "day_scale": 1 << units_bits,
        }
        line_key = con.sql(_PACKED_LINES_SQL, params=params | fields).fetchnumpy()["line_key"]
        key = np.asarray(line_key, dtype=np.int64)
        key.sort()
        quantity = key & ((1 << units_bits) - 1)
        key >>= units_bits
        household_ids = np.arange(first_household, last_household + 1, dtype=np.int64)
    else:
        key, quantity, household_ids = _sorted_by_duckdb(
            con, params, item_bits, day_bits, first_day
        )
    first = _firsts(key)
    if not first.all():
        starts = np.flatnonzero(first)
        key, quantity = key[starts], np.add.reduceat(quantity, starts)
    return Occasions(key, quantity, household_ids, item_ids, item_bits, day_bits, first_day)


def _sorted_by_duckdb(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, object],
    item_bits: int,
    day_bits: int,
    first_day: int,
) -> tuple[Ints, Ints, Ints]:
    """Lines sorted by DuckDB, for household ids too far apart to pack: key (household
    position, item, day after first_day in bit fields), quantity, and the household ids."""
    lines = con.sql(_SORTED_LINES_SQL, params=params).fetchnumpy()
    household, item, day, quantity = (
        np.asarray(lines[column], dtype=np.int64)
        for column in ("household_id", "item_key", "day", "quantity")
    )
    new_household = _firsts(household)
    household_ids = household[new_household]
    if len(household_ids).bit_length() + item_bits + day_bits > KEY_BITS:
        raise ValueError("too many households, items and days to tell apart in one key")
    position = np.cumsum(new_household) - 1
    key = (position << (item_bits + day_bits)) | (item << day_bits) | (day - first_day)
    return key, quantity, household_ids


def _firsts(ordered: Ints) -> npt.NDArray[np.bool_]:
    """Whether each value differs from the one before it (the first always does)."""
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def pair_history(occasions: Occasions, quantity_elasticity: float) -> pl.DataFrame:
    """Each household x item's purchase history, from its occasions: one row per pair.

    Input: Occasions. Output (sorted by household and item id): household_id, item_id
    (the product id, Int64; or the sub-category name), occasions (days with a purchase),
    units, first_day, last_day (DATE), last_units (units bought on last_day), mean_units
    (units per occasion), gaps (intervals, = occasions - 1), shortest_gap_days (NULL
    without intervals), log_gap_mean, log_gap_var (mean and sample variance of the
    quantity-adjusted log interval in days; NULL without intervals, the variance NULL with
    one).

    The quantity adjustment: an interval after buying q units, against the pair's mean of
    m units per occasion, counts as gap / (q / m) ** quantity_elasticity. The sums run in
    array order, so every run gives the same bits.
    """
    n = len(occasions.key)
    if n == 0:
        return _empty_history(occasions.item_ids.dtype)
    log_of_days = _log_lookup(1 << occasions.day_bits)
    log_of_units = (
        _log_lookup(int(occasions.units.max()) + 1, quantity_elasticity)
        if quantity_elasticity
        else None
    )
    cuts = _whole_pair_cuts(occasions, CHUNK_OCCASIONS)

    def sums_of(low: int, high: int) -> PairSums:
        return _pair_sums(
            occasions.key[low:high],
            occasions.units[low:high],
            occasions.day_bits,
            log_of_days,
            log_of_units,
        )

    # The runs are independent and numpy lets go of the interpreter while it counts: one
    # thread per core (twice as fast on 2 cores).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        parts = list(pool.map(sums_of, cuts[:-1], cuts[1:]))
    first_key, last_key, count, total, last_units, sums, squares, shortest = (
        np.concatenate(column) for column in zip(*parts, strict=True)
    )
    mean_units = total / count
    gaps = count - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        log_gap_mean = sums / gaps + quantity_elasticity * np.log(mean_units)
        log_gap_var = (squares - sums * sums / gaps) / (gaps - 1)
    # Equal intervals give a variance of rounding noise; log intervals that differ at all
    # differ by far more (whole days): below NO_SPREAD it is 0.
    log_gap_var[log_gap_var < NO_SPREAD] = 0.0
    household_id, item_id = occasions.household_and_item(first_key >> occasions.day_bits)
    return pl.DataFrame(
        {
            "household_id": household_id,
            "item_id": item_id,
            "occasions": count,
            "units": total,
            "first_day": _dates(occasions.day_of(first_key)),
            "last_day": _dates(occasions.day_of(last_key)),
            "last_units": last_units,
            "mean_units": mean_units,
            "gaps": gaps,
            "shortest_gap_days": pl.Series(shortest).set(pl.Series(gaps < 1), None),
            "log_gap_mean": pl.Series(log_gap_mean).set(pl.Series(gaps < 1), None),
            "log_gap_var": pl.Series(log_gap_var).set(pl.Series(gaps < 2), None),
        }
    )


CHUNK_OCCASIONS = 1 << 18
"""pair_history works through about this many occasions at a time (whole pairs), so its
scratch arrays stay in the processor's cache: 2 to 3 times faster than whole arrays of
16 M occasions."""


def _whole_pair_cuts(occasions: Occasions, size: int) -> Ints:
    """Positions that cut the occasions into runs of about `size`, each cut at the first
    occasion of a pair (a pair longer than `size` stays whole); 0 and the end included."""
    key, n = occasions.key, len(occasions.key)
    near = np.arange(size, n, size)
    pair_starts = (key[near] >> occasions.day_bits) << occasions.day_bits
    cuts: Ints = np.unique(np.concatenate(([0], np.searchsorted(key, pair_starts), [n])))
    return cuts


LogLookup = Callable[[Ints], Floats]
PairSums = tuple[Ints, Ints, Ints, Ints, Ints, Floats, Floats, Ints]


def _pair_sums(
    key: Ints,
    units: Ints,
    day_bits: int,
    log_of_days: LogLookup,
    log_of_units: LogLookup | None,
) -> PairSums:
    """Per pair of a run of whole pairs' occasions: first and last key, occasions, units,
    last units, and the sum, sum of squares and minimum of its intervals (log_gap without
    its ln(m) part: ln(gap) - e * ln(previous units); the minimum in days)."""
    n = len(key)
    starts = np.flatnonzero(_firsts(key >> day_bits))
    ends = np.append(starts[1:], n) - 1
    # Interval i runs from occasion i - 1 to occasion i, within a pair the difference of
    # their keys (1 to 2 ** day_bits - 1 days); a pair's first occasion has none: its gap
    # is set to 1 (log 0) for the sums and beyond any real gap for the shortest.
    gap = np.empty(n, dtype=np.int64)
    gap[0] = 1
    np.subtract(key[1:], key[:-1], out=gap[1:])
    gap[starts] = 1
    own = log_of_days(gap)
    if log_of_units is not None:
        own[1:] -= log_of_units(units[:-1])
    own[starts] = 0.0
    sums = np.add.reduceat(own, starts)
    own *= own
    squares = np.add.reduceat(own, starts)
    gap[starts] = np.iinfo(np.int64).max
    shortest = np.minimum.reduceat(gap, starts)
    count = ends - starts + 1
    return (
        key[starts], key[ends], count, np.add.reduceat(units, starts), units[ends],
        sums, squares, shortest,
    )  # fmt: skip


NO_SPREAD = 1e-12
"""A variance of log intervals below this is rounding noise (equal intervals): 0."""
LOG_TABLE_SIZE = 1 << 20
"""Logs of counts below this are looked up in a table (cheaper than 16 M logs)."""


def _log_lookup(bound: int, times: float = 1.0) -> LogLookup:
    """A function giving `times` the natural log of positive integer counts below `bound`
    (from a table when it is small: cheaper than 16 M logs)."""
    if bound > LOG_TABLE_SIZE:

        def computed(counts: Ints) -> Floats:
            logs: Floats = np.log(counts.astype(np.float64))
            logs *= times
            return logs

        return computed
    table = np.zeros(bound)
    table[1:] = times * np.log(np.arange(1, bound))

    def looked_up(counts: Ints) -> Floats:
        logs: Floats = table[counts]
        return logs

    return looked_up


def _dates(days: Ints) -> pl.Series:
    """Days since 1970-01-01 as a Polars Date series."""
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


def _empty_history(item_id: pl.DataType) -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "household_id": pl.Int64, "item_id": item_id, "occasions": pl.Int64,
            "units": pl.Int64, "first_day": pl.Date, "last_day": pl.Date,
            "last_units": pl.Int64, "mean_units": pl.Float64, "gaps": pl.Int64,
            "shortest_gap_days": pl.Int64, "log_gap_mean": pl.Float64,
            "log_gap_var": pl.Float64,
        }
    )  # fmt: skip


def bought_between(occasions: Occasions, start: dt.date, end: dt.date) -> pl.DataFrame:
    """household_id, item_id of every pair with an occasion in [start, end)."""
    days = occasions.days()
    inside = occasions.where((days >= (start - EPOCH).days) & (days < (end - EPOCH).days))
    pairs = inside.pairs()
    pairs = pairs[_firsts(pairs)]
    household_id, item_id = inside.household_and_item(pairs)
    return pl.DataFrame(
        {"household_id": household_id, "item_id": item_id},
        schema={"household_id": pl.Int64, "item_id": occasions.item_ids.dtype},
    )
