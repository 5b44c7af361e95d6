"""The emails a transfer sends: who must answer is asked, and every party hears how it ended.

Each goes out like every email (``core.services.notifications``): in the name and brand of the
seller of the account it is written to. A customer asked to consent hears from its seller of
the day; once moved, from its new seller, with the address of its new storefront.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.links import links
from core.models.accounts import Account
from core.models.transfers import Transfer, TransferStatus
from core.permissions import Permission
from core.services.notifications import email_owners, email_people, people_with, sender_name_for


def notify_transfer(session: Session, transfer: Transfer) -> None:
    """Tell the parties what the transfer's new state asks of them, or how it ended."""
    account, to_seller = transfer.account, transfer.to_seller
    domain = account.primary_domain or account.name
    if transfer.status in (TransferStatus.REQUESTED, TransferStatus.AWAITING_CONSENT):
        email_owners(session, account, f"Please confirm: move {account.name} to {_new_name(session, transfer)}?",
                     f"We were asked to move {account.name}, its people and its subscriptions to "
                     f"{_new_name(session, transfer)}. Nothing moves without your consent.\n\n"
                     f"Consent or refuse here: {_link(session, account, transfer)}")
    if transfer.status in (TransferStatus.REQUESTED, TransferStatus.AWAITING_ACCEPTANCE) and transfer.accepted_at is None:
        email_people(session, to_seller, people_with(session, to_seller, Permission.PURCHASE),
                     f"A customer asks to move to you: {domain}",
                     f"{domain} asks to become your customer, with its subscriptions. Once you accept, you are "
                     f"charged for them from the day it completes.\n\nAccept or refuse here: "
                     f"{links.backoffice(f'transfers/{transfer.id}')}")
    if transfer.status is TransferStatus.COMPLETED:
        email_owners(session, account, f"{account.name} is now with {sender_name_for(session, to_seller)}",
                     f"{account.name} and its subscriptions are now looked after by "
                     f"{sender_name_for(session, to_seller)}. Sign in here from now on: "
                     f"{links.for_account(session, account, 'sign-in', '')}")
        email_owners(session, to_seller, f"{account.name} is now your customer",
                     f"{account.name} ({domain}) moved to your account with its subscriptions, charged to it "
                     f"at your prices from today.\n\nSee it here: {links.backoffice(f'accounts/{account.id}')}")
        _tell_giving_seller(session, transfer, f"{account.name} ({domain}) moved to another provider today, with "
                                               "its subscriptions: what is left of their period is credited back.")
    if transfer.status in (TransferStatus.REJECTED, TransferStatus.CANCELLED, TransferStatus.EXPIRED):
        said = f"\n\nThe reason given: {transfer.reason}" if transfer.reason else ""
        subject = f"The move of {domain} is {transfer.status}"
        for party in {account.id: account, to_seller.id: to_seller}.values():
            email_owners(session, party, subject, f"The move of {domain} to {_new_name(session, transfer)} is "
                                                  f"{transfer.status}: nothing changed.{said}")


def _tell_giving_seller(session: Session, transfer: Transfer, text: str) -> None:
    """A giving reseller is told, never asked: it cannot hold a customer back."""
    giving = transfer.from_seller
    if giving.parent is not None:
        email_owners(session, giving, f"{transfer.account.name} moved to another provider", text)


def _new_name(session: Session, transfer: Transfer) -> str:
    return sender_name_for(session, transfer.to_seller)


def _link(session: Session, account: Account, transfer: Transfer) -> str:
    return links.for_account(session, account, f"transfers/{transfer.id}", f"transfers/{transfer.id}")
