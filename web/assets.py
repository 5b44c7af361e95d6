"""The look the back office, the storefronts and plugin pages share: ``static/components.css``, one design
system of tokens (CSS variables with light and dark defaults: ``--ink``, ``--muted``, ``--line``, ``--surface``,
``--bg``, ``--accent``, ``--accent-soft``, ``--on-accent-soft``, ``--radius``, which each app's layout or theme
sets) and the components drawn from them (navigation, notices, forms, buttons, cards, tables, badges, lists
that sort and page); and ``static/favicon.svg``, the back office's icon when its brand has no logo.

The back office serves it under ``/bss/assets/``; a storefront serves it at ``/theme/``, as the
last fallback of its theme's files, so that a theme may replace it and the shop names no one.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from werkzeug.security import safe_join

STATIC = Path(__file__).with_name("static")

bp = Blueprint("assets", __name__, static_folder=STATIC, static_url_path="/assets")


def shared_asset(filename: str) -> Path | None:
    """The shared static file ``filename``; ``None`` when there is none or the path leaves the folder."""
    found = safe_join(str(STATIC), filename)
    return Path(found) if found is not None and Path(found).is_file() else None
