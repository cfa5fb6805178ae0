"""Non-price rewards: a recipe, a tip or a nutrition note matched to what a household buys.

The library is `rewards.toml` (shipped in offers/templates/; a store's copy in
./templates/rewards.toml replaces it). A reward fits a household by the dollars it spent
lately in the reward's departments or categories; a household gets one of its best fits,
rotating from run to run so the same tip does not come every fortnight, or a general
reward (one without `match`) when nothing fits.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

import polars as pl

from offers.templating import template_path

LIBRARY = "rewards.toml"
KINDS = ("recipe", "tip", "nutrition")
_KEYS = {"id", "kind", "title", "text", "match"}


class RewardError(ValueError):
    """The rewards library is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Reward:
    """One entry of the library. match: upper-case department or category names; empty
    for a general reward."""

    id: str
    kind: str
    title: str
    text: str
    match: tuple[str, ...]


def load_rewards() -> list[Reward]:
    """The library in file order. Raises RewardError naming the file and entry at fault."""
    path = template_path(LIBRARY)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RewardError(f"{path}: not valid TOML ({exc})") from exc
    entries = raw.get("reward", [])
    if not isinstance(entries, list) or not entries:
        raise RewardError(f"{path}: no [[reward]] entries")
    rewards: list[Reward] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: reward {number} ({entry.get('id', 'no id')})"
        unknown = set(entry) - _KEYS
        if unknown:
            raise RewardError(f"{where}: unknown key(s) {sorted(unknown)}")
        for key in ("id", "kind", "title", "text"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise RewardError(f"{where}: '{key}' is required text")
        if entry["kind"] not in KINDS:
            raise RewardError(f"{where}: kind must be one of {', '.join(KINDS)}")
        match = entry.get("match", [])
        if not isinstance(match, list) or not all(isinstance(m, str) for m in match):
            raise RewardError(f"{where}: 'match' must be a list of names")
        if any(r.id == entry["id"] for r in rewards):
            raise RewardError(f"{where}: id '{entry['id']}' is used twice")
        rewards.append(
            Reward(
                id=entry["id"],
                kind=entry["kind"],
                title=entry["title"].strip(),
                text=entry["text"].strip(),
                match=tuple(m.upper() for m in match),
            )
        )
    return rewards


def choose_rewards(
    households: list[int],
    spend: pl.DataFrame,
    rewards: list[Reward],
    *,
    run_number: int,
    rotation: int,
) -> dict[int, Reward]:
    """The reward each household gets.

    Input `spend`: household_id, department, category, spend (dollars) for a recent window.
    Rule: a reward's fit is the household's spend in rows whose department or category it
    matches (each row counted once); the household's fits above $0, best first (ties in
    library order), give its top `rotation`; run `run_number` takes the one at position
    run_number mod (how many there are). A household that fits nothing gets a general
    reward, rotating by run number; without general rewards, none.
    Output: household id -> Reward (households without one are absent).
    """
    general = [r for r in rewards if not r.match]
    fits: list[pl.DataFrame] = []
    upper = spend.with_columns(
        pl.col("department").str.to_uppercase(), pl.col("category").str.to_uppercase()
    )
    for position, reward in enumerate(rewards):
        if not reward.match:
            continue
        keys = list(reward.match)
        fits.append(
            upper.filter(pl.col("department").is_in(keys) | pl.col("category").is_in(keys))
            .group_by("household_id")
            .agg(fit=pl.col("spend").sum())
            .with_columns(position=pl.lit(position, dtype=pl.Int64))
        )
    chosen: dict[int, Reward] = {}
    if fits:
        ranked = (
            pl.concat(fits)
            .filter(pl.col("fit") > 0)
            .sort(["household_id", "fit", "position"], descending=[False, True, False])
            .group_by("household_id", maintain_order=True)
            .agg(pl.col("position").head(max(rotation, 1)))
        )
        for household_id, positions in ranked.iter_rows():
            chosen[household_id] = rewards[positions[run_number % len(positions)]]
    if general:
        fallback = general[run_number % len(general)]
        for household_id in households:
            chosen.setdefault(household_id, fallback)
    return {h: chosen[h] for h in households if h in chosen}
