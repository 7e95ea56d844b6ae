"""Sector insights over the index: what councils could reuse, where they duplicate, supplier markets,
lock-in, procurement windows, interoperability, and compliance over time.

* `declaration`: what a figure declares once (function, columns, labels, definition text);
* `hotspots`, `interop`, `lock_in`, `windows`, `trend`: one figure each, with the declaration
  the CLI, the API and the site render (`trend` from Git history, its snapshots cached);
* `figures`: the other figures computed from the index (and every figure's name, for callers);
* `tables`: each figure as a titled table (columns, explanation) the command line prints as
  text, JSON or CSV.
"""
