"""How a seller invoices: the prefix of its invoice numbers, its tax, the day it invoices its
customers on, its payment terms and how it duns (the days past due it reminds on, and the day it
suspends).

A profile is made with the defaults (the account's slug as prefix, no tax, 14 days, reminders 3,
10 and 17 days past due, suspension on the 24th) the first time a seller invoices or its settings
are read; changes apply to invoices issued afterwards, and to dunning from its next run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.db import insert_new
from core.errors import PermissionDeniedError, ValidationError
from core.languages import say
from core.models.accounts import Account, AccountKind
from core.models.invoices import DEFAULT_REMINDER_DAYS, DEFAULT_SUSPEND_AFTER_DAYS, BillingCycle, BillingProfile
from core.money import Money, to_decimal, typed_text
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event

_PREFIX = re.compile(r"^[A-Z0-9][A-Z0-9/-]{0,19}$")
MAX_PAYMENT_TERMS_DAYS = 365
#: Dunning: at most this many reminders, each at most a year past due.
MAX_REMINDERS = 6
MAX_DAYS_PAST_DUE = 365
#: An invoice number's digits after the issuer's prefix.
NUMBER_DIGITS = 6


def billing_profile(session: Session, account: Account) -> BillingProfile:
    """The account's billing profile, made with the defaults the first time it is asked for."""
    return session.scalars(_made(session, [account])).one()


def locked_billing_profile(session: Session, account: Account) -> BillingProfile:
    """The account's billing profile, locked until the transaction ends: whoever holds it numbers
    the account's invoices and credit notes (``take_numbers``), so that numbers never skip."""
    (profile,) = locked_billing_profiles(session, [account])
    return profile


def locked_billing_profiles(session: Session, accounts: Iterable[Account]) -> list[BillingProfile]:
    """The accounts' billing profiles, made where missing, locked in the order of their accounts'
    ids (two transactions locking some of the same never wait for each other in a circle)."""
    return list(session.scalars(_made(session, list(accounts)).order_by(BillingProfile.account_id)
                                .with_for_update().execution_options(populate_existing=True)))


def _made(session: Session, accounts: list[Account]) -> Select[tuple[BillingProfile]]:
    """Make the accounts' profiles with the defaults unless they have one; answer the query that reads them."""
    now = utcnow()
    insert_new(session, BillingProfile.__table__, [{**_defaults(account), "updated_at": now} for account in accounts],
               key="account_id")
    return select(BillingProfile).where(BillingProfile.account_id.in_([account.id for account in accounts]))


def take_numbers(profile: BillingProfile, count: int) -> list[str]:
    """The next ``count`` document numbers of a locked profile (``locked_billing_profile``), taken for good."""
    first = profile.next_number
    profile.next_number += count
    return [f"{profile.invoice_prefix}{number:0{NUMBER_DIGITS}d}" for number in range(first, first + count)]


def tax_on(net: Money, rate: Decimal) -> Money:
    """The tax on ``net`` at ``rate`` percent, rounded half-up to the currency's minor unit (``core.money``)."""
    return Money(net.amount * rate / 100, net.currency).rounded()


def read_billing_profile(session: Session, account: Account) -> BillingProfile:
    """The account's billing profile as it stands, or as the defaults would make it (writing nothing)."""
    found = session.scalars(select(BillingProfile).where(BillingProfile.account_id == account.id)).one_or_none()
    return found if found is not None else BillingProfile(**_defaults(account))


def _defaults(account: Account) -> dict[str, object]:
    return {"account_id": account.id, "invoice_prefix": f"{account.slug.upper()[:19]}-", "next_number": 1,
            "tax_name": "Tax", "tax_rate": Decimal(0), "payment_terms_days": 14,
            "reminder_days": list(DEFAULT_REMINDER_DAYS), "suspend_after_days": DEFAULT_SUSPEND_AFTER_DAYS,
            "reverse_charge": False, "customer_cycle": BillingCycle.FIRST, "transfer_fee": Decimal("25.00"),
            "transfer_expiry_days": 14}


def update_billing_profile(session: Session, *, actor: Actor, invoice_prefix: str, tax_name: str, tax_rate: str,
                           payment_terms_days: str, reminder_days: str, suspend_after_days: str,
                           reverse_charge: bool, customer_cycle: str = BillingCycle.FIRST) -> BillingProfile:
    """Change how the actor's account invoices and duns; every problem is reported by field, and nothing changes.

    ``reminder_days`` lists days past due (``3, 10, 17``; empty: no reminders); ``suspend_after_days``
    is blank for never suspending, else after the last reminder.
    """
    actor.require(Permission.PAY)
    if actor.account.kind is AccountKind.CUSTOMER:
        raise PermissionDeniedError(say("A customer sells to nobody, so it sends no invoices."))
    errors: dict[str, list[str]] = {}
    prefix = invoice_prefix.strip().upper()
    if not _PREFIX.match(prefix):
        errors["invoice_prefix"] = [say("Use 1 to 20 letters, digits, '-' or '/', starting with a letter or a digit.")]
    name = tax_name.strip()
    if not 1 <= len(name) <= 40:
        errors["tax_name"] = [say("Name the tax in 1 to 40 characters: VAT, GST, Sales tax.")]
    rate = _rate(tax_rate, errors)
    terms = payment_terms_days.strip()
    if not terms.isdigit() or int(terms) > MAX_PAYMENT_TERMS_DAYS:
        errors["payment_terms_days"] = [say("Give a whole number of days from 0 to %(most)s.", most=MAX_PAYMENT_TERMS_DAYS)]
    if customer_cycle not in set(BillingCycle):
        errors["customer_cycle"] = [say("Choose 'first' (the 1st of the month) or 'anniversary'.")]
    reminders = _reminder_days(reminder_days, errors)
    suspend_after = _suspend_after(suspend_after_days, reminders or [], errors)
    if errors:
        raise ValidationError(errors)
    assert rate is not None and reminders is not None
    profile = billing_profile(session, actor.account)
    wanted = {"invoice_prefix": prefix, "tax_name": name, "tax_rate": rate, "payment_terms_days": int(terms),
              "reminder_days": reminders, "suspend_after_days": suspend_after, "reverse_charge": reverse_charge,
              "customer_cycle": BillingCycle(customer_cycle)}
    changes = {field: [str(getattr(profile, field)), str(value)] for field, value in wanted.items()
               if getattr(profile, field) != value}
    if changes:
        for field, value in wanted.items():
            setattr(profile, field, value)
        record_event(session, account=actor.account, by=actor.user, action="billing_profile.changed",
                     target=actor.account, changes=changes)
    return profile


def _rate(value: str, errors: dict[str, list[str]]) -> Decimal | None:
    """One tax rate, in per cent, as the reader writes it: ``8.875`` or, in French, ``8,875 %``."""
    try:
        rate = to_decimal(value.strip().removesuffix("%").strip() or "0", "tax_rate")
    except ValidationError:
        rate = None
    if rate is None or not 0 <= rate <= 100 or int(rate.as_tuple().exponent) < -4:
        errors["tax_rate"] = [say("Give a percentage from 0 to 100, with at most 4 decimals, such as 20 or %(example)s.",
                                  example=typed_text(Decimal("8.875")))]
        return None
    return rate


def _reminder_days(value: str, errors: dict[str, list[str]]) -> list[int] | None:
    days = [day for day in re.split(r"[\s,;]+", value.strip()) if day]
    if (len(days) > MAX_REMINDERS or not all(day.isdigit() and 1 <= int(day) <= MAX_DAYS_PAST_DUE for day in days)
            or len(set(map(int, days))) != len(days)):
        errors["reminder_days"] = [say("Give up to %(count)s different days past the due date, from 1 to %(most)s, separated "
                                       "by commas: 3, 10, 17. Leave it empty for none.", count=MAX_REMINDERS,
                                       most=MAX_DAYS_PAST_DUE)]
        return None
    return sorted(map(int, days))


def _suspend_after(value: str, reminders: list[int], errors: dict[str, list[str]]) -> int | None:
    days = value.strip()
    if not days:
        return None
    after = max(reminders, default=0)
    if not days.isdigit() or not after < int(days) <= MAX_DAYS_PAST_DUE:
        errors["suspend_after_days"] = [say("Give a whole number of days past the due date after the last reminder, from "
                                            "%(least)s to %(most)s, or leave it empty to never suspend.", least=after + 1,
                                            most=MAX_DAYS_PAST_DUE)]
        return None
    return int(days)
