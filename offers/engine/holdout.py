"""Holdout: which eligible households get no list, so the lists' effect can be measured.

The rule: a household is held out when u(seed, household_id) < share, where u is the first
8 bytes of BLAKE2b('<seed>:<household_id>') read as a number in [0, 1). It depends on
nothing else, so with the same seed a household stays in (or out of) the holdout from
cycle to cycle, whoever else is eligible; a new seed re-draws it on purpose.
"""

from __future__ import annotations

import hashlib

import polars as pl

ARMS = ("treated", "holdout")


def uniform(seed: int, household_id: int) -> float:
    """The household's draw in [0, 1) for `seed`."""
    digest = hashlib.blake2b(f"{seed}:{household_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def draw_arms(households: pl.DataFrame, seed: int, share: float) -> pl.DataFrame:
    """Input: a frame with household_id (Int64). Output: the same rows and columns plus arm
    ('treated' | 'holdout'), holdout when uniform(seed, household_id) < share (0-1)."""
    if not 0.0 <= share < 1.0:
        raise ValueError("the holdout share must be at least 0 and below 1")
    draws = [uniform(seed, int(h)) for h in households["household_id"]]
    return households.with_columns(
        arm=pl.Series([ARMS[1] if u < share else ARMS[0] for u in draws], dtype=pl.String)
    )
