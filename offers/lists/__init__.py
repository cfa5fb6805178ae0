"""Printable shopping lists: a run's lists as documents (documents.py), drawn as PDF
pages (pdf.py) or HTML for e-mail (html.py), in words from templates (wording.py), fonts
for any script (fonts.py), a reward matched to the household (rewards.py), rendered for a
whole run in parallel and resumably (render.py)."""
