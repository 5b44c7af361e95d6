"""Invoices and credit notes as PDF documents, in their issuer's brand.

A document shows its issuer as its recipient knows it: the name of the issuer's shop, with the
shop's logo, colours and contact details, while the shop is live; the issuer's account name
otherwise. Nothing names anyone above the issuer, nor the platform or the PDF library, metadata
included: a reseller's customer reads its reseller alone. A document is rendered when asked for,
never stored: an issued invoice never changes, and the same invoice gives the same bytes (the
PDF is dated its issue day).

The text is set in DejaVu Sans (``core/fonts``, its licence beside it), so accented, Greek and
Cyrillic names and every currency sign print; scripts it lacks (Chinese, Japanese, ...) print as
blanks. Amounts are rounded by ``core.money`` then written by Babel, dates too, as the product's
pages write them, in the language asked for: the storefront visitor's, English elsewhere.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.image_parsing import preload_image
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import day_text, money_text
from core.languages import DEFAULT_LOCALE, supported, translations
from core.models.accounts import Account
from core.models.invoices import Invoice, InvoiceLine
from core.models.storefronts import DEFAULT_ACCENT, DEFAULT_PRIMARY, Storefront
from core.money import Money, decimal_text
from core.permissions import PaymentMethod
from core.wording import worded_in

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/pdf"
FONTS = Path(__file__).resolve().parent.parent / "fonts"
_FONT = "DejaVuSans"
_GREY = (90, 90, 90)
_RULE_GREY = (200, 200, 200)
#: The page's margins and the box the logo fits in, in millimetres.
_MARGIN = 18.0
_LOGO_BOX = (60.0, 16.0)
#: The letterhead's columns: the issuer's (left) and the document's (right).
_LETTERHEAD = (84.0, 90.0)
#: Columns of the lines: description, period, quantity, unit price, amount (174 mm, the page's width inside its margins).
_COLUMNS = (66, 42, 18, 24, 24)
_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9-]")


def invoice_pdf(session: Session, invoice: Invoice, locale: str = DEFAULT_LOCALE) -> bytes:
    """Render ``invoice`` (an invoice or a credit note) as an A4 PDF in its issuer's brand, in ``locale``."""
    document = _Document(invoice, _brand(session, invoice.issuer), _Words(supported(locale)))
    document.write()
    return bytes(document.output())


def invoice_filename(invoice: Invoice) -> str:
    """The document's file name: its number, made safe for a file (``BIT/26-000001`` gives ``BIT-26-000001.pdf``)."""
    return f"{_UNSAFE_IN_FILENAME.sub('-', invoice.number)}.pdf"


@dataclass(frozen=True)
class _Brand:
    """How an issuer appears on its documents."""

    name: str
    #: ``#rrggbb``: headings and rules; the accent is the lines' heading row, with text in ``on_accent``.
    colour: str
    accent: str
    on_accent: str
    #: Its shop's contact details: email, phone, support link.
    contacts: tuple[str, ...]
    logo: bytes | None


def _brand(session: Session, issuer: Account) -> _Brand:
    """The issuer's shop while it is live, else the issuer's account name in the default colours."""
    storefront = session.scalar(select(Storefront).where(Storefront.account_id == issuer.id))
    if storefront is None or not storefront.is_live:
        return _Brand(issuer.name, DEFAULT_PRIMARY, DEFAULT_ACCENT, "#000000", (), None)
    contacts = tuple(value for value in (storefront.contact_email, storefront.contact_phone, storefront.support_url)
                     if value)
    return _Brand(storefront.shop_name, storefront.primary_colour, storefront.accent_colour,
                  storefront.on_accent_colour, contacts, storefront.logo if storefront.has_logo else None)


class _Words:
    """The document's words in one language (the French ones are in the storefront's catalog)."""

    def __init__(self, locale: str) -> None:
        _ = translations(locale).gettext
        self.locale = locale
        self.invoice = _("Invoice %(number)s")
        self.credit_note = _("Credit note %(number)s")
        self.title = _("%(document)s from %(issuer)s")
        self.issued = _("Issued")
        self.due = _("Due")
        self.period = _("For")
        self.span = _("%(start)s to %(end)s")
        self.billed_to = _("Billed to")
        self.tax_id = _("Tax id: %(tax_id)s")
        self.corrects = _("It corrects invoice %(number)s of %(day)s.")
        self.headings = (_("Description"), _("Period"), _("Quantity"), _("Unit price"), _("Amount"))
        self.subtotal = _("Subtotal")
        self.tax = _("%(tax)s at %(rate)s")
        self.reverse_charge = _("%(tax)s: reverse charge")
        self.reverse_charge_note = _("Reverse charge: the recipient accounts for the %(tax)s.")
        self.total = _("Total")
        self.paid = _("Paid %(day)s: %(method)s %(reference)s")
        self.balance_due = _("Balance due")
        self.page = _("Page %(page)s of %(pages)s")
        self.methods = {PaymentMethod.CARD: _("Card"), PaymentMethod.BANK_TRANSFER: _("Bank transfer"),
                        PaymentMethod.DIRECT_DEBIT: _("Direct debit"), PaymentMethod.ON_ACCOUNT: _("On account")}

    def money(self, value: Money) -> str:
        return money_text(value, self.locale)

    def day(self, value: date | datetime) -> str:
        return day_text(value, self.locale)

    def days(self, start: date | datetime, end: date | datetime | None) -> str:
        """A period: ``1 Mar 2026 to 31 Mar 2026``, or its first day alone when it has no end."""
        return self.span % {"start": self.day(start), "end": self.day(end)} if end is not None else self.day(start)


def _rgb(colour: str) -> tuple[int, int, int]:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return red, green, blue


class _Document(FPDF):
    """One invoice or credit note laid out on A4 pages, with a footer on each."""

    def __init__(self, invoice: Invoice, brand: _Brand, words: _Words) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.invoice, self.brand, self.words = invoice, brand, words
        self.heading = (words.credit_note if invoice.is_credit_note else words.invoice) % {"number": invoice.number}
        self.add_font(_FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(_FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(_MARGIN, 16, _MARGIN)
        self.c_margin = 0  # text starts at the margin, under the logo and the rule; tables pad their own cells
        self.set_auto_page_break(True, margin=22)
        # The issuer made the document, as far as anyone reading its properties can tell.
        self.set_title(words.title % {"document": self.heading, "issuer": brand.name})
        self.set_author(brand.name)
        self.set_creator(brand.name)
        self.set_producer(brand.name)
        self.set_lang(words.locale)
        self.set_creation_date(datetime.combine(invoice.issued_on, time(), UTC))

    def footer(self) -> None:
        self.set_y(-15)
        self._font(7.5, colour=_GREY)
        page = self.words.page % {"page": self.page_no(), "pages": "{nb}"}  # fpdf2 puts the page count for {nb}
        self.cell(0, 4, f"{self.brand.name} · {self.heading} · {page}", align="C")

    def write(self) -> None:
        """Lay the whole document out."""
        self.add_page()
        self._letterhead()
        self._recipient()
        self._lines()
        self._totals()

    def _font(self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(_FONT, "B" if bold else "", size)
        self.set_text_color(*colour)

    def _line(self, text: str, size: float, *, bold: bool = False, colour: tuple[int, int, int] = (0, 0, 0),
              width: float = 0) -> None:
        """Write ``text`` (wrapped to ``width``, 0 for the rest of the line) and go to the next line."""
        self._font(size, bold=bold, colour=colour)
        self.multi_cell(width, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _letterhead(self) -> None:
        """The issuer on the left (logo, name, details), the document on the right (number and dates)."""
        top = self.get_y()
        if self.brand.logo is not None and self._logo(self.brand.logo, top):
            self.set_y(top + _LOGO_BOX[1] + 3)
        self._line(self.brand.name, 15, bold=True, colour=_rgb(self.brand.colour), width=_LETTERHEAD[0])
        tax_id = [self.words.tax_id % {"tax_id": self.invoice.issuer_tax_id}] if self.invoice.issuer_tax_id else []
        for detail in (*tax_id, *self.brand.contacts):
            self._line(detail, 8.5, colour=_GREY, width=_LETTERHEAD[0])
        left_end = self.get_y()

        width = _LETTERHEAD[1]
        right = self.w - _MARGIN - width
        self.set_xy(right, top)
        self._font(16, bold=True, colour=_rgb(self.brand.colour))
        self.multi_cell(width, 8, self.heading, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
        invoice, words = self.invoice, self.words
        facts = [(words.issued, words.day(invoice.issued_on))]
        if not invoice.is_credit_note:
            facts.append((words.due, words.day(invoice.due_on)))
        facts.append((words.period, words.days(invoice.period_start, invoice.period_end)))
        for label, value in facts:
            self.set_x(right)
            self._font(8.5, colour=_GREY)
            self.cell(24, 5, label, align="R")
            self._font(9)
            self.cell(width - 24, 5, value, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_y(max(left_end, self.get_y()) + 5)
        self.set_draw_color(*_rgb(self.brand.colour))
        self.set_line_width(0.6)
        self.line(_MARGIN, self.get_y(), self.w - _MARGIN, self.get_y())
        self.ln(5)

    def _logo(self, logo: bytes, top: float) -> bool:
        """Draw the shop's logo in the letterhead's box, keeping its proportions; ``False`` if it cannot be read."""
        try:
            _name, _image, info = preload_image(self.image_cache, BytesIO(logo))
            scale = min(_LOGO_BOX[0] / info["w"], _LOGO_BOX[1] / info["h"])
            self.image(BytesIO(logo), x=_MARGIN, y=top, w=info["w"] * scale, h=info["h"] * scale)
        except (OSError, ValueError, SyntaxError) as error:  # what Pillow raises for an image it cannot decode
            log.warning("the logo of %s cannot be drawn on invoice %s: %s", self.brand.name, self.invoice.id, error)
            return False
        return True

    def _recipient(self) -> None:
        invoice, words = self.invoice, self.words
        self._line(words.billed_to, 8.5, colour=_GREY)
        self._line(invoice.recipient.name, 11, bold=True)
        if invoice.recipient_tax_id:
            self._line(words.tax_id % {"tax_id": invoice.recipient_tax_id}, 9)
        if invoice.credited_invoice is not None:
            self.ln(2)
            self._line(words.corrects % {"number": invoice.credited_invoice.number,
                                         "day": words.day(invoice.credited_invoice.issued_on)}, 9.5)
        self.ln(6)

    def _lines(self) -> None:
        words = self.words
        self.set_draw_color(*_RULE_GREY)
        self.set_line_width(0.2)
        self._font(8.5)
        headings = FontFace(family=_FONT, emphasis="BOLD", color=_rgb(self.brand.on_accent),
                            fill_color=_rgb(self.brand.accent))
        with self.table(col_widths=_COLUMNS, text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
                        borders_layout=TableBordersLayout.HORIZONTAL_LINES, headings_style=headings,
                        line_height=4.6, padding=(1.4, 1.2), width=sum(_COLUMNS)) as table:
            heading = table.row()
            for text in words.headings:
                heading.cell(text)
            for line in self.invoice.lines:
                row = table.row()
                for text in self._cells(line):
                    row.cell(text)
        self.ln(4)

    def _cells(self, line: InvoiceLine) -> tuple[str, ...]:
        words = self.words
        period = words.days(line.period_start, line.period_end) if line.period_start is not None else ""
        return (worded_in(line.description, line.wording, words.locale), period, str(line.quantity),
                words.money(line.unit_price), words.money(line.money))

    def _totals(self) -> None:
        """Subtotal, tax and total; for an invoice, what was paid or credited since and what is left to pay."""
        invoice, words = self.invoice, self.words
        rows = [(words.subtotal, words.money(invoice.subtotal), False)]
        if invoice.reverse_charge:
            rows.append((words.reverse_charge % {"tax": invoice.tax_name}, words.money(invoice.tax), False))
        elif invoice.tax_rate:
            rate = f"{decimal_text(invoice.tax_rate)} %"
            rows.append((words.tax % {"tax": invoice.tax_name, "rate": rate}, words.money(invoice.tax), False))
        rows.append((words.total, words.money(invoice.total), True))
        if not invoice.is_credit_note:
            for payment in invoice.payments:
                paid = words.paid % {"day": words.day(payment.paid_on), "method": words.methods[payment.method],
                                     "reference": payment.reference}
                rows.append((paid, words.money(-payment.money), False))
            for note in invoice.credit_notes:
                rows.append((words.credit_note % {"number": note.number}, words.money(note.total), False))
            rows.append((words.balance_due, words.money(invoice.balance_due), True))
        strong = FontFace(family=_FONT, emphasis="BOLD", color=_rgb(self.brand.colour))
        self._font(9.5)
        with self.table(col_widths=(80, 30), text_align=("RIGHT", "RIGHT"), borders_layout=TableBordersLayout.NONE,
                        first_row_as_headings=False, line_height=5, padding=(0.6, 1.2), width=110,
                        align="RIGHT") as table:
            for label, amount, emphasised in rows:
                row = table.row()
                for text in (label, amount):
                    row.cell(text, style=strong if emphasised else None)
        if invoice.reverse_charge:
            self.ln(4)
            self._line(words.reverse_charge_note % {"tax": invoice.tax_name}, 9)
