"""Sector insights over the index: what councils could reuse, where they duplicate, supplier markets,
lock-in, procurement windows, interoperability, and compliance over time.

* `figures`: each figure computed from the index (the CLI, the API and the site all call these);
* `trend`: compliance by standard at each month end, from Git history (snapshots cached);
* `tables`: each figure as a titled table (columns, explanation) the command line prints as
  text, JSON or CSV.
"""
