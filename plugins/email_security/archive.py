"""The archive of an account with archiving: searching the messages the service keeps, and restoring one.

Restoring delivers the message to its recipient's mailbox again. Both need ``manage_product_users``
(the archive is the users' mail) and an account in the actor's part of the tree; the service is
asked with no transaction open, and a restore goes into the owner's audit log.
"""

from __future__ import annotations

import re
from typing import NoReturn

from sqlalchemy.orm import Session

from core.db import end_before_outside_call
from core.errors import ConflictError, NotFoundError, ValidationError, VendorUnavailableError
from core.languages import quoted
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event
from plugin_kit.vendor_http import VendorError
from plugins.email_security.accounts import account_subscription
from plugins.email_security.addons import ARCHIVING, addons_of
from plugins.email_security.connector import ArchivedMessage, EmailSecurityClient
from plugins.email_security.texts import said

#: What the archive's pages may say instead of messages (the storefront translates them).
NO_ARCHIVING = "The account does not have archiving: switch it on to keep and restore its mail."
NOT_SET_UP = "The account is not set up at the email security service yet: try again once it is active."
NOT_ANSWERING = "The email security service is not answering just now. Try again in a minute."
MAX_QUERY = 200
#: The most messages one search answers.
SEARCH_LIMIT = 50
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def search_archive(session: Session, *, actor: Actor, subscription_id: int, query: str) -> list[ArchivedMessage]:
    """The archived messages whose sender, recipient, subject or text hold every word of ``query``, newest first."""
    actor.require(Permission.MANAGE_PRODUCT_USERS)
    account_id = _archiving(account_subscription(session, actor.account, subscription_id))
    query = " ".join(query.split())
    if len(query) > MAX_QUERY:
        raise ValidationError({"q": [said("Search with at most %(most)s characters.", most=MAX_QUERY)]})
    end_before_outside_call(session)
    try:
        return EmailSecurityClient().search_archive(account_id, query, SEARCH_LIMIT)
    except VendorError as error:
        _refused(error)


def restore_message(session: Session, *, actor: Actor, subscription_id: int, message_id: str) -> ArchivedMessage:
    """Deliver an archived message to its recipient's mailbox again."""
    actor.require(Permission.MANAGE_PRODUCT_USERS)
    subscription = account_subscription(session, actor.account, subscription_id)
    account_id = _archiving(subscription)
    if not _MESSAGE_ID.match(message_id):
        raise NotFoundError(said("The archive has no message %(id)s.", id=quoted(message_id[:80])))
    end_before_outside_call(session)
    try:
        message = EmailSecurityClient().restore_message(account_id, message_id)
    except VendorError as error:
        _refused(error)
    record_event(session, account=subscription.owner, by=actor.user, action="email_security.message_restored",
                 target=subscription, changes={"message_id": message.id, "to": message.recipient,
                                               "subject": message.subject[:200]})
    session.flush()
    return message


def _archiving(subscription: Subscription) -> str:
    if ARCHIVING.key not in addons_of(subscription.plan.code):
        raise ConflictError(said(NO_ARCHIVING))
    account_id = subscription.provisioning_data.get("account_id")
    if account_id is None:
        raise ConflictError(said(NOT_SET_UP))
    return str(account_id)


def _refused(error: VendorError) -> NoReturn:
    if error.retryable:
        raise VendorUnavailableError(said(NOT_ANSWERING)) from None
    if error.status == 404:
        raise NotFoundError(error.message) from None
    raise ConflictError(said("The email security service refused: %(reason)s", reason=error.message)) from None
