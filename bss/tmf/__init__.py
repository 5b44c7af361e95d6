"""The TM Forum Open APIs, version 4: product catalog (TMF620), ordering (TMF622) and inventory (TMF637).

A façade over the services ``/api/v1`` uses, with the same API keys and the same tenant scoping:
each API is a blueprint under ``/tmf-api/<api>/v4/`` (``bss.tmf.common``), and what a Cascade
object is in TMF's terms lives in one module per API. ``docs/tmf.md`` lists every field. The
specifications the answers follow are in ``bss/tmf/specifications`` (Apache 2.0, TM Forum).
"""

from __future__ import annotations

from flask import Flask

from bss.tmf import catalog, inventory, ordering


def init_tmf(app: Flask) -> None:
    """Serve the TMF APIs."""
    for module in (catalog, ordering, inventory):
        app.register_blueprint(module.bp)
