"""Restores: a customer asks for its vault's copy of a given day back; its seller carries it out.

The plugin's own table, ``cloud_backup_restores`` (its migration is in ``migrations/``). Every
read and write is scoped like the core's: through the subscription, which only its owner and
the sellers above it can see.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Select, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from cloud_backup.product import KEY
from cloud_backup.settings import RETENTION_DAYS
from core.clock import utcnow
from core.code_words import status_said
from core.db import Base, UTCDateTime
from core.errors import ConflictError, NotFoundError, raise_field_errors
from core.i18n import day_text
from core.languages import answering, say
from core.models._columns import created_at_column, enum_column
from core.models.accounts import Account
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.subscriptions import get_subscription

#: A note is a line or two for the person who restores.
MAX_NOTE = 500


class RestoreStatus(StrEnum):
    REQUESTED = "requested"
    DONE = "done"


class Restore(Base):
    """A customer's request to restore its vault as it was on a day."""

    __tablename__ = "cloud_backup_restores"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    #: The day whose copy is restored.
    restore_point: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(MAX_NOTE), default="")
    status: Mapped[RestoreStatus] = mapped_column(enum_column(RestoreStatus, "cloud_backup_restore_status"),
                                                  default=RestoreStatus.REQUESTED)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    subscription: Mapped[Subscription] = relationship()


def _vault(session: Session, viewer: Account, subscription_id: int) -> Subscription:
    subscription = get_subscription(session, viewer, subscription_id)
    if subscription.product.key != KEY:
        raise NotFoundError(say("No backup vault %(id)s.", id=subscription_id))
    return subscription


def request_restore(session: Session, *, actor: Actor, subscription_id: int, restore_point: date | None,
                    note: str = "") -> Restore:
    """Ask for the vault of ``subscription_id`` to be restored as it was on ``restore_point``."""
    actor.require(Permission.MANAGE_SUBSCRIPTIONS)
    subscription = _vault(session, actor.account, subscription_id)
    errors: dict[str, list[str]] = {}
    no_copy: dict[str, list[str]] = {}
    today = utcnow().date()
    earliest = max(subscription.created_at.date(), today - timedelta(days=RETENTION_DAYS.read()))
    if restore_point is None:
        errors["restore_point"] = [say("Choose the day to restore.")]
    elif not (earliest <= restore_point <= today):
        no_copy["restore_point"] = [say("Choose a day from %(day)s to today: the vault keeps no older copy.",
                                        day=day_text(earliest, answering()))]
    if len(note) > MAX_NOTE:
        errors["note"] = [say("Write at most %(most)s characters.", most=MAX_NOTE)]
    raise_field_errors(errors, unknown=no_copy)
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise ConflictError(say("The vault is %(status)s: it can be restored once active.",
                                status=status_said(subscription.status)))
    restore = Restore(subscription=subscription, restore_point=restore_point, note=note.strip(),
                      requested_by_id=actor.user.id)
    session.add(restore)
    session.flush()
    record_event(session, account=subscription.owner, by=actor.user, action="cloud_backup.restore_requested",
                 target=subscription, changes={"restore_point": restore_point.isoformat()})
    return restore


def _visible_to(viewer: Account) -> Select[tuple[Restore]]:
    """Restores of vaults owned by ``viewer`` or an account below it: the core's rule for subscriptions."""
    return (select(Restore).join(Subscription, Subscription.id == Restore.subscription_id)
            .join(Account, Account.id == Subscription.owner_id)
            .where(Account.path.startswith(viewer.path, autoescape=True)))


def list_restores(session: Session, viewer: Account, subscription_id: int | None = None,
                  status: RestoreStatus | None = None) -> list[Restore]:
    """The restores of the vaults ``viewer`` can see (one vault's with ``subscription_id``), newest first."""
    query = _visible_to(viewer).order_by(Restore.created_at.desc(), Restore.id.desc())
    if subscription_id is not None:
        query = query.where(Restore.subscription_id == _vault(session, viewer, subscription_id).id)
    if status is not None:
        query = query.where(Restore.status == status)
    return list(session.scalars(query))


def complete_restore(session: Session, *, actor: Actor, restore_id: int) -> Restore:
    """Mark a restore done: only a seller above the vault's owner carries restores out."""
    actor.require(Permission.MANAGE_SUBSCRIPTIONS)
    restore = session.scalar(_visible_to(actor.account).where(Restore.id == restore_id))
    if restore is None or restore.subscription.owner_id == actor.account.id:
        raise NotFoundError(say("No restore %(id)s.", id=restore_id))
    if restore.status is RestoreStatus.DONE:
        return restore
    restore.status, restore.done_at = RestoreStatus.DONE, utcnow()
    record_event(session, account=restore.subscription.owner, by=actor.user, action="cloud_backup.restore_done",
                 target=restore.subscription, changes={"restore_point": restore.restore_point.isoformat()})
    return restore
