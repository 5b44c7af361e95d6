"""The storefront's tests use the plugin kit's shop fixtures (``shop_post``, ``shop_sign_in``,
``add_to_cart``, ``check_out``) and its shop addresses, importable from here too."""

from __future__ import annotations

from flask.testing import FlaskClient

from plugin_kit.testing import BRIGHT, CORNER, NORTHWIND, form_token

__all__ = ["BRIGHT", "CORNER", "NORTHWIND", "shop_csrf"]


def shop_csrf(client: FlaskClient, base: str = BRIGHT) -> str:
    """The CSRF token of the client's session on the shop at ``base``, read off a form as a browser has it."""
    return form_token(client, base)
