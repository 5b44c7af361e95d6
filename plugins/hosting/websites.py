"""Websites from trial to live: creating a customer's site, switching it live, opening its control panel.

A reseller creates a site for a customer from its back office, as a free trial or on hosting
the customer has; a visitor of the reseller's storefront starts a free trial for the account it
signed up. A free trial is a Web hosting subscription in trial (``core.services.orders.start_trial``):
nothing is charged, and the panel account is opened like any other. The reseller switches a
site live once it is on paid hosting; a trial nobody took there expires (``trials``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.code_words import status_said
from core.db import end_before_outside_call
from core.domain_names import DomainNameError, to_ascii, to_unicode
from core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.languages import answering, say
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.permissions import Permission
from core.services.accounts import get_account
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.orders import start_trial
from core.services.pricing import ResolvedPrice, purchasable_plans, resolve_prices
from core.services.subscriptions import get_subscription
from plugins.hosting.models import WEBSITE_STATES, Website, WebsiteStatus
from plugins.hosting.panel import HostingPanel, http_panel
from plugins.hosting.settings import hosting_settings
from plugins.hosting.web_hosting import WebHosting

W = WebsiteStatus
S = SubscriptionStatus

#: Hosting a site can be created on, or go on running on.
RUNNING = (S.PENDING, S.TRIAL, S.ACTIVE, S.PENDING_CANCELLATION)


def on_free_trial(subscription: Subscription) -> bool:
    """The hosting is a free trial that nobody has ended (and paid for): it has no paid period yet."""
    return subscription.status in (S.TRIAL, S.PENDING_CANCELLATION) and subscription.current_period_end is None


def _query(viewer: Account) -> Select[tuple[Website]]:
    return (
        select(Website)
        .join(Account, Account.id == Website.account_id)
        .where(Account.path.startswith(viewer.path, autoescape=True))
        .options(joinedload(Website.account), joinedload(Website.subscription).joinedload(Subscription.plan))
    )


def list_websites(session: Session, viewer: Account, *, status: WebsiteStatus | None = None,
                  account_id: int | None = None, limit: int = 200) -> list[Website]:
    """The sites of the viewer and the accounts below it, newest first."""
    query = _query(viewer)
    if status is not None:
        query = query.where(Website.status == status)
    if account_id is not None:
        query = query.where(Website.account_id == account_id)
    return list(session.scalars(query.order_by(Website.id.desc()).limit(limit)))


def get_website(session: Session, viewer: Account, website_id: int, *, for_update: bool = False) -> Website:
    """A site of the viewer or below it; any other is not found."""
    query = _query(viewer).where(Website.id == website_id)
    website = session.scalar(query.with_for_update(of=Website) if for_update else query)
    if website is None:
        raise NotFoundError(say("No website %(id)s.", id=website_id))
    return website


def create_website(
    session: Session,
    *,
    actor: Actor,
    account_id: int | None = None,
    domain: str = "",
    plan_id: int | None = None,
    subscription_id: int | None = None,
) -> Website:
    """Create a site for the actor's account or one it sells to.

    With ``plan_id`` the site starts a free trial of that Web hosting plan, at ``domain``; with
    ``subscription_id`` it goes on that hosting of the account, at the hosting's address.
    Errors name ``account_id``, ``domain``, ``plan_id`` and ``subscription_id``.
    """
    actor.require(Permission.PURCHASE)
    owner = get_account(session, actor.account, account_id) if account_id is not None else actor.account
    if (plan_id is None) == (subscription_id is None):
        raise ValidationError({"plan_id": [say("Choose a plan to try, or hosting the site goes on.")]})
    if subscription_id is not None:
        subscription = _hosting_for(session, actor, owner, subscription_id)
        website = _new_website(session, actor, owner, subscription, subscription.params["domain"], trial_ends_at=None)
    else:
        assert plan_id is not None
        website = _start_trial(session, actor, owner, plan_id, domain)
    record_event(session, account=actor.account, by=actor.user, action="website.created", target=website,
                 changes={"account_id": owner.id, "domain": website.domain, "subscription_id": website.subscription.id,
                          "trial_ends_at": website.trial_ends_at.isoformat() if website.trial_ends_at else None})
    return website


def _start_trial(session: Session, actor: Actor, owner: Account, plan_id: int, domain: str) -> Website:
    try:
        address = to_ascii(domain)
    except DomainNameError as error:
        raise ValidationError({"domain": [str(error)]}) from None
    _address_free(session, address)
    plan = session.get(Plan, plan_id)
    if plan is None or plan.product.key != WebHosting.key:
        raise ValidationError({"plan_id": [say("Choose a Web hosting plan.")]})
    days = hosting_settings().trial_days
    try:
        subscription = start_trial(session, actor=actor, owner_id=owner.id, plan_id=plan_id, days=days,
                                   params={"domain": address})
    except ValidationError as error:
        raise ValidationError({name.removeprefix("params."): messages for name, messages in error.fields.items()}) from None
    return _new_website(session, actor, owner, subscription, address, trial_ends_at=utcnow() + timedelta(days=days))


def _hosting_for(session: Session, actor: Actor, owner: Account, subscription_id: int) -> Subscription:
    subscription = get_subscription(session, actor.account, subscription_id)
    if subscription.owner_id != owner.id or subscription.product.key != WebHosting.key:
        raise ValidationError({"subscription_id": [say("Choose Web hosting of %(account)s.", account=owner.name)]})
    if subscription.status not in RUNNING:
        raise ValidationError({"subscription_id": [say("That hosting is %(status)s.",
                                                      status=status_said(subscription.status))]})
    if session.scalar(select(Website.id).where(Website.subscription_id == subscription.id)) is not None:
        raise ValidationError({"subscription_id": [say("That hosting has its site already.")]})
    _address_free(session, subscription.params["domain"], field="subscription_id")
    return subscription


def _address_free(session: Session, address: str, field: str = "domain") -> None:
    taken = session.scalar(select(Website.id).where(Website.domain == address, Website.status != W.TERMINATED))
    if taken is not None:
        raise ValidationError({field: [say("%(domain)s is the address of another site already.",
                                          domain=to_unicode(address))]})


def _new_website(session: Session, actor: Actor, owner: Account, subscription: Subscription, address: str,
                 trial_ends_at: datetime | None) -> Website:
    website = Website(account=owner, subscription=subscription, domain=address, status=W.TRIAL, created_by=actor.user,
                      trial_ends_at=trial_ends_at, end_reason="")
    website.next_reminder_at = next_trial_reminder(website, utcnow())
    session.add(website)
    session.flush()
    return website


def next_trial_reminder(website: Website, after: datetime) -> datetime | None:
    """When the next reminder of the site's trial end is due, after ``after`` (``None``: none left)."""
    if website.trial_ends_at is None:
        return None
    moments = sorted(website.trial_ends_at - timedelta(days=days) for days in hosting_settings().trial_reminder_days)
    return next((moment for moment in moments if moment > after), None)


def take_live(session: Session, *, actor: Actor, website_id: int) -> Website:
    """Switch a site live: its reseller does, once the site is on paid hosting."""
    actor.require(Permission.MANAGE_SUBSCRIPTIONS)
    website = get_website(session, actor.account, website_id, for_update=True)
    seller = website.account.parent
    if actor.account.id == website.account_id:
        domain = to_unicode(website.domain)
        raise PermissionDeniedError(
            say("%(seller)s switches %(domain)s live: ask them once it is ready.", seller=seller.name, domain=domain)
            if seller else say("Your seller switches %(domain)s live: ask them once it is ready.", domain=domain))
    if website.status is not W.TRIAL:
        raise ConflictError(say("%(domain)s is %(status)s: only a site in trial can go live.",
                                domain=to_unicode(website.domain), status=status_said(website.status)))
    hosting = website.subscription
    if hosting.status is not S.ACTIVE:
        plan = hosting.plan.title(answering())
        if hosting.status is S.TRIAL or on_free_trial(hosting):
            raise ConflictError(say(
                "%(domain)s is on a free trial of %(plan)s, not on a paying hosting plan: it can go live only once it "
                "is. When %(account)s has paid, move it to the right plan and end its trial, then switch it live.",
                domain=to_unicode(website.domain), plan=plan, account=website.account.name))
        raise ConflictError(say("%(domain)s's hosting (%(plan)s) is %(status)s: a site goes live only on a paying "
                                "hosting plan that runs.", domain=to_unicode(website.domain), plan=plan,
                                status=status_said(hosting.status)))
    website.status = WEBSITE_STATES.check(website.status, W.LIVE)
    website.live_at = utcnow()
    website.next_reminder_at = None
    record_event(session, account=actor.account, by=actor.user, action="website.live", target=website,
                 changes={"status": [str(W.TRIAL), str(W.LIVE)]})
    return website


def control_panel_link(session: Session, viewer: Account, website_id: int,
                       panel: HostingPanel | None = None) -> str:
    """A one-time sign-in link to the site's control panel (asked of the panel now: it expires soon)."""
    website = get_website(session, viewer, website_id)
    username = website.subscription.provisioning_data.get("panel_username")
    if website.status is W.TERMINATED or username is None:
        domain = to_unicode(website.domain)
        if website.status is W.TERMINATED:
            raise ConflictError(say("%(domain)s has no control panel any more.", domain=domain))
        raise ConflictError(say("%(domain)s has no control panel yet: its hosting is being set up.", domain=domain))
    end_before_outside_call(session)
    return (panel or http_panel()).sso_link(username)


def hosting_offers(session: Session, account: Account) -> list[tuple[Plan, ResolvedPrice]]:
    """The Web hosting plans ``account`` may try, each with what it costs once paid, cheapest first."""
    plans = [plan for plan in purchasable_plans(session, account) if plan.product.key == WebHosting.key]
    prices = resolve_prices(session, account, plans)
    return sorted(((plan, prices[plan.id]) for plan in plans if plan.id in prices), key=lambda offer: offer[0].rank)
