"""The websites' upkeep, run by the scheduler every minute: trial reminders, expired trials, and
sites following their hosting when it is suspended, resumed or ended.

A free trial that nobody ended (paid for) by its end expires: its site is terminated and its
hosting cancelled at the panel. Before that, the customer and its reseller are reminded on the
days ``CASCADE_HOSTING_TRIAL_REMINDER_DAYS`` names, once each, in the reseller's name.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.domain_names import to_unicode
from core.i18n import Translator
from core.links import links
from core.models.provisioning import OPEN_REQUEST_STATUSES, ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.product_lifecycle import LifecycleAction
from core.services.audit import record_event
from core.services.notifications import email_owners
from core.services.provisioning import request_provisioning
from plugins.hosting.models import WEBSITE_STATES, Website, WebsiteStatus
from plugins.hosting.websites import next_trial_reminder, on_free_trial

W = WebsiteStatus
S = SubscriptionStatus

#: Hosting that is over (a failed first activation is not: its seller may retry it).
ENDED = (S.CANCELLED, S.TERMINATED)


def run_website_upkeep(session: Session, limit: int = 500) -> int:
    """Do what is due for the sites now; answer how many were acted on."""
    now = utcnow()
    acted = _send_trial_reminders(session, now, limit) + _expire_trials(session, now, limit) + _follow_hosting(session, limit)
    session.flush()
    return acted


def _due(session: Session, *conditions: object, limit: int) -> list[Website]:
    return list(session.scalars(
        select(Website).join(Subscription, Subscription.id == Website.subscription_id).where(*conditions)
        .options(joinedload(Website.account), joinedload(Website.subscription))
        .order_by(Website.id).limit(limit).with_for_update(skip_locked=True, of=Website)
    ))


def _send_trial_reminders(session: Session, now: datetime, limit: int) -> int:
    sent = 0
    for website in _due(session, Website.status == W.TRIAL, Website.next_reminder_at <= now, limit=limit):
        ends = website.trial_ends_at
        if ends is not None and ends > now and on_free_trial(website.subscription):
            _remind(session, website, math.ceil((ends - now) / timedelta(days=1)))
            sent += 1
        website.next_reminder_at = next_trial_reminder(website, now)
    return sent


def _expire_trials(session: Session, now: datetime, limit: int) -> int:
    busy = exists().where(ProvisioningRequest.subscription_id == Subscription.id,
                          ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES))
    due = _due(session, Website.status == W.TRIAL, Website.trial_ends_at <= now,
               Subscription.status.in_((S.TRIAL, S.PENDING_CANCELLATION)), Subscription.current_period_end.is_(None),
               ~busy, limit=limit)
    for website in due:
        reason = f"Its free trial ended on {website.trial_ends_at:%d %B %Y} without going live on a paying plan."
        _end(session, website, reason)
        request_provisioning(session, website.subscription, LifecycleAction.CANCEL, payload={"note": "free trial expired"})
        _tell_trial_expired(session, website)
    return len(due)


def _follow_hosting(session: Session, limit: int) -> int:
    """Sites take their hosting's news: suspended with it, back with it, ended with it."""
    due = _due(session, Website.status != W.TERMINATED, or_(
        and_(Website.status != W.SUSPENDED, Subscription.status == S.SUSPENDED),
        and_(Website.status == W.SUSPENDED, Subscription.status.in_((S.TRIAL, S.ACTIVE, S.PENDING_CANCELLATION))),
        Subscription.status.in_(ENDED),
    ), limit=limit)
    for website in due:
        status = website.subscription.status
        if status in ENDED:
            _end(session, website, f"Its hosting was {status.replace('_', ' ')}.")
            continue
        after = W.SUSPENDED if status is S.SUSPENDED else (W.LIVE if website.live_at else W.TRIAL)
        record_event(session, account=website.account, by=None, action=f"website.{after}", target=website,
                     changes={"status": [str(website.status), str(after)]})
        website.status = WEBSITE_STATES.check(website.status, after)
    return len(due)


def _end(session: Session, website: Website, reason: str) -> None:
    record_event(session, account=website.account, by=None, action="website.terminated", target=website,
                 changes={"status": [str(website.status), str(W.TERMINATED)], "reason": reason})
    website.status = WEBSITE_STATES.check(website.status, W.TERMINATED)
    website.ended_at = utcnow()
    website.end_reason = reason
    website.next_reminder_at = None


def _remind(session: Session, website: Website, days: int) -> None:
    site, customer = to_unicode(website.domain), website.account
    reseller = customer.parent
    assert reseller is not None and website.trial_ends_at is not None
    ends = website.trial_ends_at
    named = {"site": site, "customer": customer.name, "reseller": reseller.name, "days": days,
             "link": _link_for(session, website), "backoffice": links.backoffice(f"websites/{website.id}")}

    def to_customer(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        subject = translator.ngettext("Your free trial of %(site)s ends in %(days)s day",
                                      "Your free trial of %(site)s ends in %(days)s days", days)
        return (subject % named,
                _("The free trial of %(site)s ends on %(day)s. To keep the site, ask %(reseller)s to put it on a hosting "
                  "plan and take it live; otherwise it is closed then.\n\nSee it here: %(link)s")
                % {**named, "day": translator.day(ends)})

    def to_reseller(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        subject = translator.ngettext("%(customer)s's free trial of %(site)s ends in %(days)s day",
                                      "%(customer)s's free trial of %(site)s ends in %(days)s days", days)
        return (subject % named,
                _("%(customer)s's free trial of %(site)s ends on %(day)s. Once they have paid you, end its trial on the "
                  "right plan and switch it live; otherwise it is closed then.\n\nSee it here: %(backoffice)s")
                % {**named, "day": translator.day(ends)})

    email_owners(session, customer, to_customer)
    email_owners(session, reseller, to_reseller)


def _tell_trial_expired(session: Session, website: Website) -> None:
    site, customer = to_unicode(website.domain), website.account
    reseller = customer.parent
    assert reseller is not None
    named = {"site": site, "customer": customer.name, "reseller": reseller.name,
             "backoffice": links.backoffice(f"websites/{website.id}")}

    def to_customer(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        return (_("Your free trial of %(site)s has ended") % named,
                _("The free trial of %(site)s has ended and the site is closed. %(reseller)s can start it again for you "
                  "on a hosting plan.") % named)

    def to_reseller(translator: Translator) -> tuple[str, str]:
        _ = translator.gettext
        return (_("%(customer)s's free trial of %(site)s has ended") % named,
                _("%(customer)s's free trial of %(site)s ended without going live: the site is closed and its trial "
                  "hosting cancelled.\n\nSee it here: %(backoffice)s") % named)

    email_owners(session, customer, to_customer)
    email_owners(session, reseller, to_reseller)


def _link_for(session: Session, website: Website) -> str:
    return links.for_account(session, website.account, f"hosting/websites/{website.id}", f"websites/{website.id}")
