"""The security headers of every answer, the back office's, the API's and the storefronts' alike.

- ``Content-Security-Policy``: scripts only from files of the page's own site (no inline script,
  no ``eval``: every script is a static file, so no page needs a nonce); styles from its own site
  and the pages' own ``<style>`` blocks and attributes (a shop's colours reach them as validated
  CSS variables, never as free CSS); images from its own site; no plugins, no ``<base>``; frames
  only from ``frame_src`` (the back office's preview of a storefront). No one frames a page
  (``frame-ancestors 'none'``) except the one answer that asks for it (``allow_framing_by``: a
  storefront's preview, framed by the back office alone).
- ``X-Frame-Options: DENY`` as well, for browsers older than ``frame-ancestors``.
- ``X-Content-Type-Options: nosniff``; ``Referrer-Policy: same-origin`` (the platform's addresses
  never travel to other sites), unless a page chose a stricter one (``no-referrer`` where a token
  is in its address).
- ``Strict-Transport-Security`` in production.
- No ``Server`` header naming the software (the WSGI server in front may add its own).
"""

from __future__ import annotations

from flask import Flask, Response, g

HSTS = "max-age=31536000"
REFERRER_POLICY = "same-origin"


def _content_security_policy(frame_ancestors: str = "'none'", frame_src: str = "'none'") -> str:
    """The policy of a page that ``frame_ancestors`` may frame and that frames ``frame_src``."""
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        f"frame-src {frame_src}",
        f"frame-ancestors {frame_ancestors}",
    ))


def security_headers(*, production: bool, framed_by: str | None = None, frame_src: str = "'none'") -> dict[str, str]:
    """The headers of an answer that ``framed_by`` alone may frame (``None``: no one), whose page frames ``frame_src``.

    For whatever answers without Flask (the storefronts' kept pages) as for every Flask answer.
    """
    headers = {
        "Content-Security-Policy": _content_security_policy(framed_by or "'none'", frame_src),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
    }
    if framed_by is None:
        headers["X-Frame-Options"] = "DENY"
    if production:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def allow_framing_by(origin: str) -> None:
    """Let ``origin`` (``https://host[:port]``), and no one else, frame the answer to this request."""
    g.framed_by = origin


def init_security_headers(app: Flask, *, frame_src: str = "'none'") -> None:
    """Send the headers on every answer of ``app``; its pages may frame ``frame_src`` (CSP sources)."""
    production = app.config["CASCADE_ENV"] == "production"

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in security_headers(production=production, framed_by=g.get("framed_by"),
                                            frame_src=frame_src).items():
            if name == "Referrer-Policy":
                response.headers.setdefault(name, value)  # a page's stricter choice stands
            else:
                response.headers[name] = value
        response.headers.pop("Server", None)
        return response
