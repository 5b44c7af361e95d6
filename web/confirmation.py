"""Destructive actions ask first, with no script: a person says it twice before anything is lost.

A form for one (cancelling a subscription now, terminating it, revoking a key...) posted
without ``confirmed`` is answered with a page that says what will happen and asks again; that
page's form posts the same fields once more, with ``confirmed`` set, and a link leads back
without doing anything. Each app renders the page in its own dress (``render``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from web.csrf import FIELD as CSRF_FIELD

FIELD = "confirmed"


@dataclass(frozen=True)
class Question:
    """What the confirmation page asks, in the words of the app that asks it."""

    #: "Cancel Microsoft 365 Business Basic now?"
    title: str
    #: What follows, and what cannot be undone.
    consequence: str
    #: The button that goes ahead: "Yes, cancel it now".
    confirm: str
    #: Where "Keep it" leads: the page the form was on.
    back_url: str


def is_confirmed() -> bool:
    """Whether this post confirms an action already asked about."""
    return request.form.get(FIELD) == "1"


def carried_fields() -> list[tuple[str, str]]:
    """The fields the confirming form posts again: the first post's, but for its CSRF token (the page has its own)."""
    return [(name, value) for name, value in request.form.items(multi=True) if name not in (CSRF_FIELD, FIELD)]
