"""The documents an email carries, named on its outbox row by reference (``invoice:42``).

A reference is resolved when the email is sent, never stored rendered: the row stays small and
the document is the one of the day it goes out. An email whose attachment cannot be had (a
reference of an unknown kind, a document since gone, one that fails to render) is still sent,
without it, and the reason is logged: its text says where to read the document online, and an
email held back for want of its attachment would be retried for ever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.models.invoices import Invoice
from core.models.storefronts import Storefront
from core.services.email_layout import LOGO_CONTENT_ID, LOGO_REFERENCE_KIND
from core.services.invoice_documents import MEDIA_TYPE, invoice_filename, invoice_pdf

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file attached to an email."""

    filename: str
    #: ``application/pdf``, ...
    media_type: str
    content: bytes
    #: Set on an image the HTML part shows inline (``cid:``): it goes with that part, not as a file to open.
    content_id: str | None = None


def resolve_attachments(session: Session, references: Iterable[str]) -> list[Attachment]:
    """The documents ``references`` name, in their order; those that cannot be had are logged and left out."""
    found = []
    for reference in references:
        kind, _, key = reference.partition(":")
        resolver = _RESOLVERS.get(kind)
        try:
            attachment = resolver(session, key) if resolver is not None else None
        except Exception:  # a document that fails to render must not hold its email back
            log.exception("attachment %r could not be rendered: the email goes without it", reference)
            continue
        if attachment is None:
            log.warning("attachment %r names no document: the email goes without it", reference)
            continue
        found.append(attachment)
    return found


def _invoice(session: Session, key: str) -> Attachment | None:
    """An invoice or credit note as its PDF, in English like the email that announces it."""
    invoice = session.get(Invoice, int(key)) if key.isdigit() else None
    if invoice is None:
        return None
    return Attachment(invoice_filename(invoice), MEDIA_TYPE, invoice_pdf(session, invoice))


def _logo(session: Session, key: str) -> Attachment | None:
    """A shop's logo, shown inline at the head of its email (``core.services.email_layout``)."""
    storefront = session.get(Storefront, int(key)) if key.isdigit() else None
    if storefront is None or not storefront.has_logo or storefront.logo is None:
        return None
    extension = storefront.logo_media_type.rpartition("/")[2].replace("jpeg", "jpg")
    return Attachment(f"logo.{extension}", storefront.logo_media_type, storefront.logo, content_id=LOGO_CONTENT_ID)


#: Each kind of reference and how it turns into a file.
_RESOLVERS: dict[str, Callable[[Session, str], Attachment | None]] = {"invoice": _invoice, LOGO_REFERENCE_KIND: _logo}
