"""The checkout lane's side: what a basket redeems from a household's list (rules.py).
The ledger and the lane service build on it."""
