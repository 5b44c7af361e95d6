"""The emails a transfer sends: who must answer is asked, and every party hears how it ended.

Each goes out like every email (``core.services.notifications``): in the name and brand of the
seller of the account it is written to. A customer asked to consent hears from its seller of
the day; once moved, from its new seller, with the address of its new storefront.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.i18n import Translator
from core.links import links
from core.models.accounts import Account
from core.models.transfers import Transfer, TransferStatus
from core.permissions import Permission
from core.services.notifications import EmailWords, email_owners, email_people, people_with, sender_name_for


def notify_transfer(session: Session, transfer: Transfer) -> None:
    """Tell the parties what the transfer's new state asks of them, or how it ended."""
    account, to_seller = transfer.account, transfer.to_seller
    named = {"account": account.name, "domain": account.primary_domain or account.name, "new": _new_name(session, transfer)}
    if transfer.status in (TransferStatus.REQUESTED, TransferStatus.AWAITING_CONSENT):
        consent = {**named, "link": _link(session, account, transfer)}

        def asking_consent(translator: Translator) -> tuple[str, str]:
            _ = translator.gettext
            return (_("Please confirm: move %(account)s to %(new)s?") % consent,
                    _("We were asked to move %(account)s, its people and its subscriptions to %(new)s. Nothing moves "
                      "without your consent.\n\nConsent or refuse here: %(link)s") % consent)

        email_owners(session, account, asking_consent)
    if transfer.status in (TransferStatus.REQUESTED, TransferStatus.AWAITING_ACCEPTANCE) and transfer.accepted_at is None:
        acceptance = {**named, "link": links.backoffice(f"transfers/{transfer.id}")}

        def asking_acceptance(translator: Translator) -> tuple[str, str]:
            _ = translator.gettext
            return (_("A customer asks to move to you: %(domain)s") % acceptance,
                    _("%(domain)s asks to become your customer, with its subscriptions. Once you accept, you are charged "
                      "for them from the day it completes.\n\nAccept or refuse here: %(link)s") % acceptance)

        email_people(session, to_seller, people_with(session, to_seller, Permission.PURCHASE), asking_acceptance)
    if transfer.status is TransferStatus.COMPLETED:
        _tell_completed(session, transfer, named)
    if transfer.status in (TransferStatus.REJECTED, TransferStatus.CANCELLED, TransferStatus.EXPIRED):
        for party in {account.id: account, to_seller.id: to_seller}.values():
            email_owners(session, party, _ended(transfer, named))


def _tell_completed(session: Session, transfer: Transfer, named: dict[str, str]) -> None:
    """Tell the customer whom it is with now, its new seller what it gained, and its old reseller that it left.

    A giving reseller is told, never asked: it cannot hold a customer back."""
    account, to_seller, giving = transfer.account, transfer.to_seller, transfer.from_seller
    moved = {**named, "sign_in": links.for_account(session, account, "sign-in", ""),
             "link": links.backoffice(f"accounts/{account.id}")}

    def to_customer(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        return (_("%(account)s is now with %(new)s") % moved,
                _("%(account)s and its subscriptions are now looked after by %(new)s. Sign in here from now on: "
                  "%(sign_in)s") % moved)

    def to_new_seller(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        return (_("%(account)s is now your customer") % moved,
                _("%(account)s (%(domain)s) moved to your account with its subscriptions, charged to it at your prices "
                  "from today.\n\nSee it here: %(link)s") % moved)

    def to_giving_seller(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        return (_("%(account)s moved to another provider") % moved,
                _("%(account)s (%(domain)s) moved to another provider today, with its subscriptions: what is left of "
                  "their period is credited back.") % moved)

    email_owners(session, account, to_customer)
    email_owners(session, to_seller, to_new_seller)
    if giving.parent is not None:
        email_owners(session, giving, to_giving_seller)


def _ended(transfer: Transfer, named: dict[str, str]) -> EmailWords:
    """How a transfer that did not happen is told, to the customer and to its would-be seller alike."""

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        if transfer.status is TransferStatus.REJECTED:
            subject, text = (_("The move of %(domain)s is rejected"),
                             _("The move of %(domain)s to %(new)s is rejected: nothing changed."))
        elif transfer.status is TransferStatus.CANCELLED:
            subject, text = (_("The move of %(domain)s is cancelled"),
                             _("The move of %(domain)s to %(new)s is cancelled: nothing changed."))
        else:
            subject, text = (_("The move of %(domain)s has expired"),
                             _("The move of %(domain)s to %(new)s has expired: nothing changed."))
        if not transfer.reason:
            return subject % named, text % named
        return subject % named, _("%(text)s\n\nThe reason given: %(reason)s") % {"text": text % named,
                                                                                    "reason": transfer.reason}

    return wording


def _new_name(session: Session, transfer: Transfer) -> str:
    return sender_name_for(session, transfer.to_seller)


def _link(session: Session, account: Account, transfer: Transfer) -> str:
    return links.for_account(session, account, f"transfers/{transfer.id}", f"transfers/{transfer.id}")
