"""The registry's read-only HTTP API over the index (DESIGN §6).

* `app`: `create_app()`, its middleware and exception handlers;
* `errors`: the one error shape every 4xx and 5xx answer has;
* `dependencies`: the index snapshot each request reads, pagination, lists as JSON or CSV;
* `shared`, `service_list`: what more than one route uses (routes never import each other);
* `routes/`: one router per resource;
* `server`: the app uvicorn's worker processes build from the environment.
"""
