"""A month of a seller's invoices as CSV, for its accounting: in the layout Xero's sales-invoice
import reads, or plain.

One row per invoice line; the invoice's own columns repeat on each of its lines, as both layouts
expect. Amounts are decimal strings at the currency's minor unit; nothing is rounded again. A
credit note is a document of its own with negative amounts, its reference naming the invoice it
corrects: Xero's import makes a credit note of an invoice whose total is negative.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.models.accounts import Account
from core.models.invoices import Invoice, InvoiceLine
from core.money import Money, decimal_text
from core.services.billing_profiles import tax_on
from core.services.invoices import in_month


class ExportLayout(StrEnum):
    #: Xero's sales invoice import template (Business > Invoices > Import): dates as DD/MM/YYYY,
    #: the columns it requires marked with ``*``.
    XERO = "xero"
    #: Every field Cascade keeps, named as the API names them; dates as YYYY-MM-DD.
    PLAIN = "plain"


XERO_COLUMNS = (
    "*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4", "POCity",
    "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber", "Reference", "*InvoiceDate", "*DueDate", "Total",
    "InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "Discount", "*AccountCode", "*TaxType",
    "TaxAmount", "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2", "Currency", "BrandingTheme",
)
PLAIN_COLUMNS = (
    "number", "recipient", "recipient_id", "status", "issued_on", "due_on", "period_start", "period_end", "currency",
    "subtotal", "tax_name", "tax_rate", "tax", "total", "credited_invoice", "recipient_tax_id", "reverse_charge",
    "line_kind", "line_description", "subscription_id", "quantity",
    "unit_price", "amount", "line_period_start", "line_period_end",
)
#: Xero's default sales account.
DEFAULT_ACCOUNT_CODE = "200"


def export_invoices(session: Session, *, issuer: Account, period_start: date,
                    layout: ExportLayout = ExportLayout.XERO, account_code: str = DEFAULT_ACCOUNT_CODE) -> str:
    """The invoices ``issuer`` issued for periods starting in the month beginning ``period_start``, as CSV text."""
    invoices = session.scalars(
        select(Invoice).where(Invoice.issuer_id == issuer.id, in_month(period_start))
        .options(selectinload(Invoice.lines), selectinload(Invoice.recipient), selectinload(Invoice.credited_invoice))
        .order_by(Invoice.number))
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    if layout is ExportLayout.XERO:
        writer.writerow(XERO_COLUMNS)
        writer.writerows(_xero_rows(invoices, account_code))
    else:
        writer.writerow(PLAIN_COLUMNS)
        writer.writerows(_plain_rows(invoices))
    return output.getvalue()


def _xero_rows(invoices: Iterable[Invoice], account_code: str) -> Iterable[list[str]]:
    for invoice in invoices:
        tax_type = f"{decimal_text(invoice.tax_rate)}% ({invoice.tax_name} on Income)" if invoice.tax_rate else "Tax Exempt"
        for line in invoice.lines:
            yield [invoice.recipient.name, "", "", "", "", "", "", "", "", "", invoice.number,
                   _reference(invoice), f"{invoice.issued_on:%d/%m/%Y}", f"{invoice.due_on:%d/%m/%Y}",
                   _amount(invoice.total), "", line.description, str(line.quantity), _amount(line.unit_price), "",
                   account_code, tax_type, _line_tax(invoice, line), "", "", "", "", invoice.currency, ""]


def _plain_rows(invoices: Iterable[Invoice]) -> Iterable[list[str]]:
    for invoice in invoices:
        for line in invoice.lines:
            yield [invoice.number, invoice.recipient.name, str(invoice.recipient_id), invoice.status.value,
                   invoice.issued_on.isoformat(), invoice.due_on.isoformat(), invoice.period_start.isoformat(),
                   invoice.period_end.isoformat(), invoice.currency, _amount(invoice.subtotal), invoice.tax_name,
                   decimal_text(invoice.tax_rate), _amount(invoice.tax), _amount(invoice.total),
                   invoice.credited_invoice.number if invoice.credited_invoice else "", invoice.recipient_tax_id or "",
                   "yes" if invoice.reverse_charge else "no", line.kind.value,
                   line.description, str(line.subscription_id or ""), str(line.quantity), _amount(line.unit_price),
                   _amount(line.money), line.period_start.isoformat() if line.period_start else "",
                   line.period_end.isoformat() if line.period_end else ""]


def _reference(invoice: Invoice) -> str:
    if invoice.credited_invoice is not None:
        return f"Credit note for {invoice.credited_invoice.number}"
    return f"{invoice.period_start:%B %Y}" if invoice.period_start.day == 1 else f"{invoice.period_start:%d %B %Y}"


def _line_tax(invoice: Invoice, line: InvoiceLine) -> str:
    """The line's share of the tax, rounded as the invoice's own tax is; Xero recomputes it when left empty."""
    return _amount(tax_on(line.money, invoice.tax_rate)) if invoice.tax_rate else ""


def _amount(money: Money) -> str:
    return str(money.rounded().amount)
