"""The emails that tell people what happened to their orders, subscriptions and tasks.

An email to an account's people goes out in the name of the account that sells to it, so a
reseller's customers hear from their reseller, never from the distributor behind it. Amounts
appear only in emails to the account that pays them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.links import links
from core.models.accounts import Account
from core.models.invoices import Invoice, InvoiceStatus
from core.models.orders import Order, OrderStatus
from core.models.people import Membership, Team, User
from core.models.provisioning import ManualTask, ProvisioningRequest
from core.models.storefronts import Storefront
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.services.catalog import declared_type
from core.services.entitlements import OWN_SENDER_NAME
from core.services.outbox import queue_email


def _people(session: Session, teams_of: Account, *, only: Iterable[Team] | None = None,
            owners: bool = False, reminders: bool = False) -> list[User]:
    """Active members of the account's owner team, of the teams that receive reminders, or of ``only``."""
    query = select(User).join(Membership).join(Team).where(Team.account_id == teams_of.id, User.active)
    if only is not None:
        query = query.where(Team.id.in_([team.id for team in only]))
    elif reminders:
        query = query.where(Team.receives_renewal_reminders)
    elif owners:
        query = query.where(Team.is_owner)
    return list(session.scalars(query.distinct().order_by(User.email)))


def sender_name_for(session: Session, seller: Account) -> str:
    """The name ``seller``'s customers get their emails from: the name its shop goes by, or the
    sender name of its own where its plan has one."""
    return _sender_name(seller, live_storefront_of(session, seller))


def _sender_name(seller: Account, live_storefront: Storefront | None) -> str:
    if live_storefront is None:
        return seller.name
    if live_storefront.sender_name and OWN_SENDER_NAME in live_storefront.entitlements:
        return live_storefront.sender_name
    return live_storefront.shop_name


def live_storefront_of(session: Session, seller: Account) -> Storefront | None:
    """``seller``'s storefront while it is live: the brand its customers' emails go out in."""
    storefront = session.scalar(select(Storefront).where(Storefront.account_id == seller.id))
    return storefront if storefront is not None and storefront.is_live else None


def email_people(session: Session, account: Account, people: Iterable[User], subject: str, text: str, *,
                 attachments: Sequence[str] = (), reply_to: Callable[[User, str | None], str] | None = None) -> None:
    """Email ``people`` of ``account`` in the name (and the shop's brand) of the account that sells to it.

    ``reply_to`` gives each person's Reply-To from the person and the subdomain of the mail domain the
    email goes from (the shop's, or ``None``): where an answer to the email reaches."""
    brand = live_storefront_of(session, account.parent) if account.parent is not None else None
    sender = _sender_name(account.parent, brand) if account.parent is not None else None
    subdomain = brand.account.slug if brand is not None else None
    for person in {person.email: person for person in people}.values():
        queue_email(session, to=person.email, subject=subject, text=f"Hello {person.name},\n\n{text}\n",
                    sender_name=sender, attachments=attachments, brand=brand,
                    reply_to=reply_to(person, subdomain) if reply_to is not None else None)


def _send_to_owners(session: Session, account: Account, subject: str, text: str) -> None:
    """Email the members of ``account``'s owner team."""
    email_people(session, account, _people(session, account, owners=True), subject, text)


def email_owners(session: Session, account: Account, subject: str, text: str) -> None:
    """Email ``account``'s owner team in the name of the account that sells to it: for news a
    plugin tells (a trial about to end, say), white-labelled like every email here."""
    _send_to_owners(session, account, subject, text)


def people_with(session: Session, account: Account, permission: Permission) -> list[User]:
    """The people of ``account``'s owner team and of its teams with ``permission``."""
    teams = [team for team in session.scalars(select(Team).where(Team.account_id == account.id))
             if team.is_owner or permission in team.permissions]
    return _people(session, account, only=teams)


def _describe(subscription: Subscription) -> str:
    label = declared_type(subscription.product).label(subscription.params)
    return (f"{subscription.product.name} {subscription.plan.name}{f' {label}' if label else ''} "
            f"({subscription.quantity} {subscription.product.unit})")


def _day(moment: date | None) -> str:
    return f"{moment:%d %B %Y}" if moment else "-"


def _subscription_link(session: Session, account: Account, subscription: Subscription) -> str:
    """The subscription's page for ``account``'s people: on their seller's storefront when they shop there."""
    path = f"subscriptions/{subscription.id}"
    return links.for_account(session, account, path, path)


def notify_order_received(session: Session, order: Order, *, by_card_now: bool = False) -> None:
    lines = "\n".join(
        f"- {line.quantity} x {line.plan.product.name} {line.plan.name}: {line.total} per period"
        + (f", plus {line.setup_fee} setup" if line.setup_fee else "")
        for line in order.lines
    )
    if order.status is not OrderStatus.AWAITING_PAYMENT:
        next_step = "We are setting it up now and will write again once it is ready."
    elif by_card_now:
        next_step = f"It is set up as soon as your card payment of {order.amount_due} goes through."
    else:
        next_step = f"{order.seller.name} starts on it once they have confirmed your payment of {order.amount_due}."
    people = _people(session, order.payer, owners=True) + ([order.placed_by] if order.placed_by else [])
    email_people(session, order.payer, people, f"Order {order.id} received",
          f"We have received order {order.id} for {order.owner.name}:\n\n{lines}\n\n{next_step}\n\n"
          f"Follow it here: {links.for_account(session, order.payer, f'orders/{order.id}', f'orders/{order.id}')}")


def notify_payment_awaited(session: Session, order: Order) -> None:
    _send_to_owners(session, order.seller,
          f"Order {order.id} from {order.payer.name} waits for your payment confirmation",
          f"{order.payer.name} ordered for {order.amount_due} ({order.payment_method.replace('_', ' ')}). "
          "Nothing is set up until you confirm the payment.\n\n"
          f"Confirm it here: {links.backoffice(f'orders/{order.id}')}")


def notify_subscription_active(session: Session, subscription: Subscription) -> None:
    trial = f" Its trial runs until {_day(subscription.trial_end)}." if subscription.trial_end else ""
    _send_to_owners(session, subscription.owner,
          f"{subscription.product.name} is ready",
          f"{_describe(subscription)} is now {subscription.status} for {subscription.owner.name}.{trial}\n\n"
          f"See it here: {_subscription_link(session, subscription.owner, subscription)}")


def notify_task_waiting(session: Session, task: ManualTask) -> None:
    subscription = task.request.subscription
    email_people(session, task.account, _people(session, task.account, only=[task.team]),
          f"A task waits for you: {task.title}",
          f"{task.title}\n\nFor {subscription.owner.name}: {_describe(subscription)}.\n"
          + (f"\n{task.instructions}\n" if task.instructions else "")
          + f"\nOnce it is done, mark it done here: {links.backoffice('tasks')}")


def notify_provisioning_failed(session: Session, request: ProvisioningRequest) -> None:
    subscription = request.subscription
    seller = subscription.seller
    _send_to_owners(session, seller,
          f"Could not {request.action} {subscription.product.name} for {subscription.owner.name}",
          f"The {request.action} of {_describe(subscription)} for {subscription.owner.name} failed:\n\n"
          f"{request.detail}\n\nRetry it or follow up here: {links.backoffice(f'subscriptions/{subscription.id}')}")


def notify_renewal_due(session: Session, subscription: Subscription, days: int) -> None:
    """Remind the teams that receive reminders, of the owner and of the payer, of a coming renewal.

    Each hears of the account it buys from: a customer whose reseller pays is told to see its
    reseller, never the distributor that the reseller pays.
    """
    end = _day(subscription.current_period_end)
    subject = (f"{subscription.product.name} {'renews' if subscription.auto_renew else 'is due for renewal'} "
               f"in {days} day{'s' if days != 1 else ''}")
    for account in dict.fromkeys((subscription.owner, subscription.payer)):
        seller = account.parent.name if account.parent is not None else "your seller"
        if subscription.auto_renew:
            what = f"renews on {end}"
        else:
            what = f"ends on {end} unless it is renewed: renew it with {seller} before then"
        price = f" The renewal costs {subscription.total}." if account is subscription.payer else ""
        if account is subscription.payer and not subscription.auto_renew and account.parent is not None:
            price += f"\n\n{_how_to_pay(session, account.parent)}"
        email_people(session, account, _people(session, account, reminders=True), subject,
              f"{_describe(subscription)} of {subscription.owner.name} {what}.{price}\n\n"
              f"Manage it here: {_subscription_link(session, account, subscription)}")


def _how_to_pay(session: Session, seller: Account) -> str:
    """How a payer renews by hand: pay its seller, with the seller's contact details when its storefront has them."""
    storefront = session.scalar(select(Storefront).where(Storefront.account_id == seller.id))
    contacts = [value for value in (storefront.contact_email, storefront.contact_phone) if value] if storefront else []
    reach = f" ({', '.join(contacts)})" if contacts else ""
    return (f"To renew it, pay {seller.name}{reach} and ask for the renewal on the page below: "
            f"{seller.name} renews it as soon as it has your payment.")


def notify_cancellation_confirmed(session: Session, subscription: Subscription) -> None:
    _send_to_owners(session, subscription.owner,
          f"{subscription.product.name} is {subscription.status}",
          f"{_describe(subscription)} of {subscription.owner.name} is {subscription.status} as of "
          f"{_day(subscription.ended_at)}. Nothing more will be charged for it.")


def notify_storefront_open(session: Session, storefront: Storefront) -> None:
    """Invite the seller's owners to make their new (or reopened) storefront their own."""
    account = storefront.account
    _send_to_owners(session, account,
          f"Your customer portal is live: {links.storefront(account.slug)}",
          f"{account.name}'s own storefront is live at {links.storefront(account.slug)}. Your customers can "
          "review your prices, order and manage their subscriptions there, in your name.\n\n"
          f"Sign in and make it yours (name, logo, colours, contact details): {links.backoffice('storefront')}")


def notify_invoice_issued(session: Session, invoice: Invoice) -> None:
    """Tell the recipient's owners and the people of its teams that see billing that an invoice (or a
    credit note) is issued."""
    recipient, issuer = invoice.recipient, sender_name_for(session, invoice.issuer)
    link, people = _invoice_link(session, invoice), people_with(session, recipient, Permission.VIEW_BILLING)
    attached = [f"invoice:{invoice.id}"]
    if invoice.credited_invoice is not None:
        email_people(session, recipient, people, f"Credit note {invoice.number} from {issuer}",
              f"{issuer} has issued credit note {invoice.number} to {recipient.name}: it takes "
              f"{-invoice.total} off invoice {invoice.credited_invoice.number}.\n\nSee it here: {link}",
              attachments=attached)
        return
    due = "Nothing is due: it is paid already." if invoice.status is InvoiceStatus.PAID else (
        f"It is due by {_day(invoice.due_on)}.")
    email_people(session, recipient, people, f"Invoice {invoice.number} from {issuer}",
          f"{issuer} has issued invoice {invoice.number} to {recipient.name} for {invoice.period_start:%B %Y}: "
          f"{invoice.total}. {due}\n\nSee it here: {link}", attachments=attached)


def notify_invoice_overdue(session: Session, invoice: Invoice, *, suspend_on: date | None) -> None:
    """Remind the recipient's billing people that an invoice is overdue, with the invoice attached,
    and when what it pays for will be suspended if it stays unpaid (``suspend_on``)."""
    issuer = sender_name_for(session, invoice.issuer)
    warning = (f"\n\nIf it is still unpaid on {_day(suspend_on)}, the services {invoice.recipient.name} buys from "
               f"{issuer} will be suspended until it is paid." if suspend_on else "")
    email_people(session, invoice.recipient, people_with(session, invoice.recipient, Permission.VIEW_BILLING),
          f"Reminder: invoice {invoice.number} from {issuer} is overdue",
          f"Invoice {invoice.number} from {issuer} was due on {_day(invoice.due_on)} and "
          f"{invoice.balance_due} of it is still unpaid. If you have paid it in the meantime, thank you, "
          f"and please ignore this reminder.{warning}\n\nSee it here: {_invoice_link(session, invoice)}",
          attachments=[f"invoice:{invoice.id}"])


def notify_suspended_for_invoice(session: Session, invoice: Invoice, subscriptions: Iterable[Subscription]) -> None:
    """Tell the recipient's billing people which services are suspended for an unpaid invoice."""
    issuer = sender_name_for(session, invoice.issuer)
    listed = "\n".join(f"- {_describe(subscription)}" for subscription in subscriptions)
    email_people(session, invoice.recipient, people_with(session, invoice.recipient, Permission.VIEW_BILLING),
          f"Services suspended: invoice {invoice.number} is unpaid",
          f"Invoice {invoice.number} from {issuer} is still unpaid ({invoice.balance_due}), so these services are "
          f"suspended:\n{listed}\n\nThey come back as soon as it is paid: {_invoice_link(session, invoice)}")


def _invoice_link(session: Session, invoice: Invoice) -> str:
    path = f"invoices/{invoice.id}"
    return links.for_account(session, invoice.recipient, path, path)
