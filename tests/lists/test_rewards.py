"""Non-price rewards: matched to recent spend, rotating run by run, a general one when
nothing fits, and a broken library named."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from offers.lists.rewards import Reward, RewardError, choose_rewards, load_rewards

PASTA = Reward("pasta", "recipe", "Pasta", "Boil it.", ("PASTA", "PASTA SAUCE"))
PET = Reward("pet", "tip", "Pets", "Feed them.", ("PET",))
MILK = Reward("milk", "nutrition", "Milk", "Drink it.", ("MILK",))
GENERAL = Reward("plan", "tip", "Plan", "Plan three dinners.", ())


def _spend(rows: list[tuple[int, str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["household_id", "department", "category", "spend"], orient="row"
    )


def test_the_best_fit_by_spend_wins_and_rotates_among_the_best() -> None:
    spend = _spend(
        [
            (1, "GROCERY", "pasta", 12.0),  # lower case still matches
            (1, "GROCERY", "PASTA SAUCE", 4.0),  # pasta: 16 dollars
            (1, "PET", "DOG FOOD", 20.0),  # pet (by department): 20 dollars
            (1, "DAIRY", "MILK", 3.0),  # milk: 3 dollars
        ]
    )
    rewards = [PASTA, PET, MILK, GENERAL]
    picks = [
        choose_rewards([1], spend, rewards, run_number=run, rotation=2)[1].id for run in range(4)
    ]
    assert picks == ["pet", "pasta", "pet", "pasta"]
    assert choose_rewards([1], spend, rewards, run_number=5, rotation=1)[1].id == "pet"


def test_a_row_matching_by_department_and_category_counts_once() -> None:
    both = Reward("both", "tip", "t", "x", ("PET", "DOG FOOD"))
    spend = _spend([(1, "PET", "DOG FOOD", 10.0), (1, "DAIRY", "MILK", 15.0)])
    assert choose_rewards([1], spend, [both, MILK], run_number=0, rotation=1)[1].id == "milk"


def test_a_household_that_fits_nothing_gets_a_general_reward_or_none() -> None:
    spend = _spend([(1, "DAIRY", "MILK", 5.0), (2, "BAKERY", "BREAD", 5.0)])
    chosen = choose_rewards([1, 2, 3], spend, [MILK, GENERAL], run_number=0, rotation=3)
    assert {h: r.id for h, r in chosen.items()} == {1: "milk", 2: "plan", 3: "plan"}
    assert choose_rewards([2], spend, [MILK], run_number=0, rotation=3) == {}


def test_the_shipped_library_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rewards = load_rewards()
    assert len(rewards) >= 15
    assert any(not r.match for r in rewards)  # a general one for households fitting nothing
    assert {r.kind for r in rewards} == {"recipe", "tip", "nutrition"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('id = "a"\nkind = "joke"\ntitle = "t"\ntext = "x"', "reward 1 \\(a\\): kind must be"),
        ('id = "a"\nkind = "tip"\ntext = "x"', "reward 1 \\(a\\): 'title' is required"),
        ('id = "a"\nkind = "tip"\ntitle = "t"\ntext = "x"\ncolour = 1', "unknown key"),
        ('id = "a"\nkind = "tip"\ntitle = "t"\ntext = "x"\nmatch = "PET"', "list of names"),
    ],
)
def test_a_store_library_with_a_bad_entry_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "rewards.toml").write_text(f"[[reward]]\n{entry}\n")
    with pytest.raises(RewardError, match=message):
        load_rewards()
