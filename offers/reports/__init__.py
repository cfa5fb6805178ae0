"""Anonymised manufacturer reports: what a vendor's funded offers did and how its
categories look, by brand segment x usage cell, with no household named and no figure
resting on fewer than k households (suppression.py)."""
