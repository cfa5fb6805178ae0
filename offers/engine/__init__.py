"""The offer engine: every eligible household's list for one list cycle.

Stages, each its own module: `holdout` (treated or held out), `candidates` (needs, offer
candidates and reminders, in SQL), `choose` (each list's lines under its budgets), `run`
(the cycle planned and stored).
"""

from offers.engine.run import PlanError, PlanResult, plan, run_id_for

__all__ = ["PlanError", "PlanResult", "plan", "run_id_for"]
