"""The SQLite index every reader shares: the command line, the API, the insights and the site.

* `settings`: where the index lives by default and the environment variables that move it;
* `build`: check the repository (or one commit) and write the index atomically (`schema.sql`);
* `catalogue`, `rows`: the rows a build writes, one builder per table (catalogue, then each manifest);
* `connection`: opening an index read-only, rows by name: the one way readers open it;
* `health`: is this file an index, is it current, may it be replaced, and building it when not;
* `reindex`: keeping a served index current (pushes, the date rolling over, damage);
* `compliance`: the compliance roll-ups the API, the site and the trend share;
* `service_results`: the one decode of a service's stored results.
"""
