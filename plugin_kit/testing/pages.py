"""Reading what a person reads: a page's text, and the links in the emails the platform wrote."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.outbox import OutboxEmail


def text_of(response: Any) -> str:
    """A page's text as a person reads it: no tags, entities decoded, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def main_of(response: Any) -> str:
    """The text of a page's ``<main>``, as ``text_of`` reads it: what the page is about, without the frame around it
    (the back office's header wears its distributor's brand on every page)."""
    page = response.get_data(as_text=True)
    start, end = page.find("<main"), page.rfind("</main>")
    assert start != -1 and end != -1, "the page has no <main>"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page[start:end])).split())


def link_in_email(db: Session, to: str, path: str) -> str:
    """Return the site-relative link under ``path`` in the newest email to ``to``, checking it is absolute."""
    email = db.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == to).order_by(OutboxEmail.id.desc())
    ).first()
    assert email is not None, f"no email to {to}"
    found = re.search(rf"https?://\S+{re.escape(path)}\S+", email.text_body)
    assert found, f"no link to {path} in the email {email.subject!r}"
    parts = urlsplit(found.group(0))
    assert parts.scheme and parts.netloc, "links in emails are absolute"
    return parts.path
