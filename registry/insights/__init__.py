"""Sector insights over the index: what councils could reuse, where they duplicate, supplier markets,
lock-in, procurement windows, interoperability, and compliance over time.

* `declaration`: what a figure declares once (function, columns, labels, definition text);
* `reuse` (and `suggestion`), `hotspots`, `suppliers`, `lock_in`, `windows`, `interop`, `trend`,
  `pattern_reuse`, `headlines`: one figure each, with the declaration the CLI, the API and the
  site render (`trend` and `pattern_reuse`'s adoption from Git history, through `snapshots`: each
  month end's snapshot, cached; `headlines` counted from the other figures' results); `shared`:
  what several read alike;
* `figures`: every figure by name, and the terms they use;
* `tables`: each figure as a titled table (columns, explanation) the command line prints as
  text, JSON or CSV.
"""
