"""Cascade's built-in product plugins, each registered through the ``cascade.plugins`` entry points."""
