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

from core.i18n import Translator
from core.links import links
from core.models.accounts import Account
from core.models.invoices import Invoice, InvoiceStatus
from core.models.orders import Order, OrderLine, OrderStatus
from core.models.people import Membership, Team, User
from core.models.provisioning import ManualTask, ProvisioningRequest
from core.models.storefronts import Storefront
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.permissions import Permission
from core.product_lifecycle import LifecycleAction
from core.services.catalog import declared_type
from core.services.entitlements import OWN_SENDER_NAME
from core.services.outbox import queue_email

#: What an email says, written for one reader by their language's translator: its subject and its text.
EmailWords = Callable[[Translator], tuple[str, str]]


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


def email_people(session: Session, account: Account, people: Iterable[User], wording: EmailWords, *,
                 attachments: Sequence[str] = (), reply_to: Callable[[User, str | None], str] | None = None) -> None:
    """Email ``people`` of ``account`` in the name (and the shop's brand) of the account that sells to it,
    each in their own language: ``wording`` writes the subject and text for each person's translator.

    ``reply_to`` gives each person's Reply-To from the person and the subdomain of the mail domain the
    email goes from (the shop's, or ``None``): where an answer to the email reaches."""
    brand = live_storefront_of(session, account.parent) if account.parent is not None else None
    sender = _sender_name(account.parent, brand) if account.parent is not None else None
    subdomain = brand.account.slug if brand is not None else None
    for person in {person.email: person for person in people}.values():
        translator = Translator.for_setting(person.locale)
        subject, text = wording(translator)
        greeting = translator.gettext("Hello %(name)s,") % {"name": person.name}
        queue_email(session, to=person.email, subject=subject, text=f"{greeting}\n\n{text}\n",
                    sender_name=sender, attachments=attachments, brand=brand, locale=translator.locale,
                    reply_to=reply_to(person, subdomain) if reply_to is not None else None)


def _send_to_owners(session: Session, account: Account, wording: EmailWords) -> None:
    """Email the members of ``account``'s owner team."""
    email_people(session, account, _people(session, account, owners=True), wording)


def email_owners(session: Session, account: Account, wording: EmailWords) -> None:
    """Email ``account``'s owner team in the name of the account that sells to it: for news a
    plugin tells (a trial about to end, say), white-labelled and in each person's language like
    every email here."""
    _send_to_owners(session, account, wording)


def people_with(session: Session, account: Account, permission: Permission) -> list[User]:
    """The people of ``account``'s owner team and of its teams with ``permission``."""
    teams = [team for team in session.scalars(select(Team).where(Team.account_id == account.id))
             if team.is_owner or permission in team.permissions]
    return _people(session, account, only=teams)


def _describe(subscription: Subscription) -> str:
    label = declared_type(subscription.product).label(subscription.params)
    return (f"{subscription.product.name} {subscription.plan.name}{f' {label}' if label else ''} "
            f"({subscription.quantity} {subscription.product.unit})")


def _subscription_link(session: Session, account: Account, subscription: Subscription) -> str:
    """The subscription's page for ``account``'s people: on their seller's storefront when they shop there."""
    path = f"subscriptions/{subscription.id}"
    return links.for_account(session, account, path, path)


def notify_order_received(session: Session, order: Order, *, by_card_now: bool = False) -> None:
    """Tell the payer's owners and whoever placed it that an order is received, and what happens next."""
    link = links.for_account(session, order.payer, f"orders/{order.id}", f"orders/{order.id}")

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        lines = "\n".join(f"- {_line(translator, line)}" for line in order.lines)
        if order.status is not OrderStatus.AWAITING_PAYMENT:
            next_step = _("We are setting it up now and will write again once it is ready.")
        elif by_card_now:
            next_step = _("It is set up as soon as your card payment of %(amount)s goes through.") % {
                "amount": translator.money(order.amount_due)}
        else:
            next_step = _("%(seller)s starts on it once they have confirmed your payment of %(amount)s.") % {
                "seller": order.seller.name, "amount": translator.money(order.amount_due)}
        return (_("Order %(order)s received") % {"order": order.id},
                _("We have received order %(order)s for %(owner)s:\n\n%(lines)s\n\n%(next_step)s\n\n"
                  "Follow it here: %(link)s") % {"order": order.id, "owner": order.owner.name, "lines": lines,
                                                 "next_step": next_step, "link": link})

    people = _people(session, order.payer, owners=True) + ([order.placed_by] if order.placed_by else [])
    email_people(session, order.payer, people, wording)


def _line(translator: Translator, line: OrderLine) -> str:
    """One order line as the order's email lists it, with its price per period (and setup fee)."""
    _ = translator.gettext
    named = {"quantity": line.quantity, "product": line.plan.product.name, "plan": line.plan.name,
             "total": translator.money(line.total)}
    if line.setup_fee:
        return _("%(quantity)s x %(product)s %(plan)s: %(total)s per period, plus %(setup_fee)s setup") % {
            **named, "setup_fee": translator.money(line.setup_fee)}
    return _("%(quantity)s x %(product)s %(plan)s: %(total)s per period") % named


def notify_payment_awaited(session: Session, order: Order) -> None:
    """Ask the seller's owners to confirm the payment of an order that waits for it."""
    link = links.backoffice(f"orders/{order.id}")

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"order": order.id, "payer": order.payer.name, "amount": translator.money(order.amount_due),
                 "method": translator.payment_method(order.payment_method), "link": link}
        return (_("Order %(order)s from %(payer)s waits for your payment confirmation") % named,
                _("%(payer)s ordered for %(amount)s (%(method)s). Nothing is set up until you confirm the payment."
                  "\n\nConfirm it here: %(link)s") % named)

    _send_to_owners(session, order.seller, wording)


def notify_subscription_active(session: Session, subscription: Subscription) -> None:
    """Tell the owner's owners that a subscription is ready, active or on trial."""
    link = _subscription_link(session, subscription.owner, subscription)

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"product": subscription.product.name, "subscription": _describe(subscription),
                 "owner": subscription.owner.name, "link": link}
        if subscription.trial_end is not None:
            text = _("%(subscription)s is now on trial for %(owner)s. Its trial runs until %(day)s.\n\n"
                     "See it here: %(link)s") % {**named, "day": translator.day(subscription.trial_end)}
        else:
            text = _("%(subscription)s is now active for %(owner)s.\n\nSee it here: %(link)s") % named
        return _("%(product)s is ready") % named, text

    _send_to_owners(session, subscription.owner, wording)


def notify_task_waiting(session: Session, task: ManualTask) -> None:
    """Ask the task's team to do a manual step of a provisioning."""
    subscription = task.request.subscription
    link = links.backoffice("tasks")

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"task": task.title, "owner": subscription.owner.name, "subscription": _describe(subscription),
                 "link": link, "instructions": f"\n\n{task.instructions}" if task.instructions else ""}
        return (_("A task waits for you: %(task)s") % named,
                _("%(task)s\n\nFor %(owner)s: %(subscription)s.%(instructions)s\n\n"
                  "Once it is done, mark it done here: %(link)s") % named)

    email_people(session, task.account, _people(session, task.account, only=[task.team]), wording)


def notify_provisioning_failed(session: Session, request: ProvisioningRequest) -> None:
    """Tell the seller's owners that a provisioning request failed, with the vendor's detail."""
    subscription = request.subscription
    link = links.backoffice(f"subscriptions/{subscription.id}")

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"product": subscription.product.name, "owner": subscription.owner.name}
        failure = _failure(translator, request.action) % named
        return failure, _("%(failure)s (%(subscription)s):\n\n%(detail)s\n\nRetry it or follow up here: %(link)s") % {
            "failure": failure, "subscription": _describe(subscription), "detail": request.detail, "link": link}

    _send_to_owners(session, subscription.seller, wording)


def _failure(translator: Translator, action: LifecycleAction) -> str:
    """What a failed provisioning request could not do, as its email's subject says it."""
    _ = translator.gettext
    return {
        LifecycleAction.ACTIVATE: _("Could not activate %(product)s for %(owner)s"),
        LifecycleAction.CHANGE: _("Could not change %(product)s for %(owner)s"),
        LifecycleAction.SUSPEND: _("Could not suspend %(product)s for %(owner)s"),
        LifecycleAction.RESUME: _("Could not resume %(product)s for %(owner)s"),
        LifecycleAction.CANCEL: _("Could not cancel %(product)s for %(owner)s"),
        LifecycleAction.RENEW: _("Could not renew %(product)s for %(owner)s"),
        LifecycleAction.TRANSFER: _("Could not transfer %(product)s for %(owner)s"),
    }[action]


def notify_renewal_due(session: Session, subscription: Subscription, days: int) -> None:
    """Remind the teams that receive reminders, of the owner and of the payer, of a coming renewal.

    Each hears of the account it buys from: a customer whose reseller pays is told to see its
    reseller, never the distributor that the reseller pays.
    """
    for account in dict.fromkeys((subscription.owner, subscription.payer)):
        pays = account is subscription.payer
        reach = (_contacts(session, account.parent)
                 if pays and not subscription.auto_renew and account.parent is not None else None)
        email_people(session, account, _people(session, account, reminders=True), _renewal_wording(
            subscription, days, account, pays=pays, reach=reach, link=_subscription_link(session, account, subscription)))


def _renewal_wording(subscription: Subscription, days: int, account: Account, *, pays: bool, reach: str | None,
                     link: str) -> EmailWords:
    """The renewal reminder to ``account``'s people: its price when it ``pays``, how to pay by hand
    when its seller's contact details (``reach``) are to be given."""
    assert subscription.current_period_end is not None
    end = subscription.current_period_end

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"product": subscription.product.name, "days": days, "subscription": _describe(subscription),
                 "owner": subscription.owner.name, "day": translator.day(end),
                 "seller": account.parent.name if account.parent is not None else _("your seller")}
        if subscription.auto_renew:
            subject = _("%(product)s renews in 1 day") if days == 1 else _("%(product)s renews in %(days)s days")
            text = _("%(subscription)s of %(owner)s renews on %(day)s.") % named
        else:
            subject = (_("%(product)s is due for renewal in 1 day") if days == 1
                       else _("%(product)s is due for renewal in %(days)s days"))
            text = _("%(subscription)s of %(owner)s ends on %(day)s unless it is renewed: renew it with %(seller)s "
                     "before then.") % named
        if pays:
            text += " " + _("The renewal costs %(amount)s.") % {"amount": translator.money(subscription.total)}
        if reach is not None:
            text += "\n\n" + _("To renew it, pay %(seller)s%(contacts)s and ask for the renewal on the page below: "
                                "%(seller)s renews it as soon as it has your payment.") % {**named, "contacts": reach}
        return subject % named, _("%(what)s\n\nManage it here: %(link)s") % {"what": text, "link": link}

    return wording


def _contacts(session: Session, seller: Account) -> str:
    """The seller's contact details, when its storefront has them, as the renewal email adds them to its name."""
    storefront = session.scalar(select(Storefront).where(Storefront.account_id == seller.id))
    contacts = [value for value in (storefront.contact_email, storefront.contact_phone) if value] if storefront else []
    return f" ({', '.join(contacts)})" if contacts else ""


def notify_cancellation_confirmed(session: Session, subscription: Subscription) -> None:
    """Tell the owner's owners that a subscription is cancelled (or terminated) and charged no more."""
    assert subscription.ended_at is not None
    ended_at = subscription.ended_at

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"product": subscription.product.name, "subscription": _describe(subscription),
                 "owner": subscription.owner.name, "day": translator.day(ended_at)}
        if subscription.status is SubscriptionStatus.TERMINATED:
            return (_("%(product)s is terminated") % named,
                    _("%(subscription)s of %(owner)s is terminated as of %(day)s. Nothing more will be charged for it.")
                    % named)
        return (_("%(product)s is cancelled") % named,
                _("%(subscription)s of %(owner)s is cancelled as of %(day)s. Nothing more will be charged for it.")
                % named)

    _send_to_owners(session, subscription.owner, wording)


def notify_storefront_open(session: Session, storefront: Storefront) -> None:
    """Invite the seller's owners to make their new (or reopened) storefront their own."""
    account = storefront.account
    named = {"account": account.name, "address": links.storefront(account.slug), "link": links.backoffice("storefront")}

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        return (_("Your customer portal is live: %(address)s") % named,
                _("%(account)s's own storefront is live at %(address)s. Your customers can review your prices, order "
                  "and manage their subscriptions there, in your name.\n\nSign in and make it yours (name, logo, "
                  "colours, contact details): %(link)s") % named)

    _send_to_owners(session, account, wording)


def notify_invoice_issued(session: Session, invoice: Invoice) -> None:
    """Tell the recipient's owners and the people of its teams that see billing that an invoice (or a
    credit note) is issued."""
    recipient, issuer = invoice.recipient, sender_name_for(session, invoice.issuer)
    link, people = _invoice_link(session, invoice), people_with(session, recipient, Permission.VIEW_BILLING)
    credited = invoice.credited_invoice

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"issuer": issuer, "number": invoice.number, "recipient": recipient.name, "link": link}
        if credited is not None:
            return (_("Credit note %(number)s from %(issuer)s") % named,
                    _("%(issuer)s has issued credit note %(number)s to %(recipient)s: it takes %(amount)s off invoice "
                      "%(credited)s.\n\nSee it here: %(link)s") % {**named, "amount": translator.money(-invoice.total),
                                                                     "credited": credited.number})
        due = _("Nothing is due: it is paid already.") if invoice.status is InvoiceStatus.PAID else (
            _("It is due by %(day)s.") % {"day": translator.day(invoice.due_on)})
        return (_("Invoice %(number)s from %(issuer)s") % named,
                _("%(issuer)s has issued invoice %(number)s to %(recipient)s for %(month)s: %(amount)s. %(due)s\n\n"
                  "See it here: %(link)s") % {**named, "month": translator.month(invoice.period_start),
                                              "amount": translator.money(invoice.total), "due": due})

    email_people(session, recipient, people, wording, attachments=[f"invoice:{invoice.id}"])


def notify_invoice_overdue(session: Session, invoice: Invoice, *, suspend_on: date | None) -> None:
    """Remind the recipient's billing people that an invoice is overdue, with the invoice attached,
    and when what it pays for will be suspended if it stays unpaid (``suspend_on``)."""
    issuer, link = sender_name_for(session, invoice.issuer), _invoice_link(session, invoice)

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"number": invoice.number, "issuer": issuer, "recipient": invoice.recipient.name, "link": link,
                 "day": translator.day(invoice.due_on), "amount": translator.money(invoice.balance_due)}
        text = _("Invoice %(number)s from %(issuer)s was due on %(day)s and %(amount)s of it is still unpaid. If you "
                 "have paid it in the meantime, thank you, and please ignore this reminder.") % named
        if suspend_on is not None:
            text += "\n\n" + _("If it is still unpaid on %(day)s, the services %(recipient)s buys from %(issuer)s will "
                                "be suspended until it is paid.") % {**named, "day": translator.day(suspend_on)}
        return (_("Reminder: invoice %(number)s from %(issuer)s is overdue") % named,
                _("%(what)s\n\nSee it here: %(link)s") % {"what": text, "link": link})

    email_people(session, invoice.recipient, people_with(session, invoice.recipient, Permission.VIEW_BILLING),
                 wording, attachments=[f"invoice:{invoice.id}"])


def notify_suspended_for_invoice(session: Session, invoice: Invoice, subscriptions: Iterable[Subscription]) -> None:
    """Tell the recipient's billing people which services are suspended for an unpaid invoice."""
    issuer, link = sender_name_for(session, invoice.issuer), _invoice_link(session, invoice)
    listed = "\n".join(f"- {_describe(subscription)}" for subscription in subscriptions)

    def wording(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        named = {"number": invoice.number, "issuer": issuer, "amount": translator.money(invoice.balance_due),
                 "listed": listed, "link": link}
        return (_("Services suspended: invoice %(number)s is unpaid") % named,
                _("Invoice %(number)s from %(issuer)s is still unpaid (%(amount)s), so these services are suspended:"
                  "\n%(listed)s\n\nThey come back as soon as it is paid: %(link)s") % named)

    email_people(session, invoice.recipient, people_with(session, invoice.recipient, Permission.VIEW_BILLING), wording)


def _invoice_link(session: Session, invoice: Invoice) -> str:
    path = f"invoices/{invoice.id}"
    return links.for_account(session, invoice.recipient, path, path)
