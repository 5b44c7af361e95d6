"""Transfers in the back office: the moves of accounts the acting account is part of, each one's page with
the answers it may give, and a reseller's form to receive a customer.

Every page reads a transfer through ``core.services.transfers``, as the acting account's party reads it: a
receiving reseller knows the account by its domain only until its owners consent, and a transfer the
account is no party to is "not found", whatever its id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import current_actor
from bss.backoffice import bp
from core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models.accounts import AccountKind
from core.models.transfers import TransferStatus
from core.permissions import Permission
from core.services.tickets import get_ticket
from core.services.transfers import (
    TransferView,
    accept_transfer,
    cancel_transfer,
    get_transfer,
    list_transfers,
    reject_transfer,
    start_transfer,
    vendor_steps,
)
from web.database import db
from web.forms import enum_arg

PAGE_SIZE = 50


def shown_name(view: TransferView) -> str:
    """The account that moves as the reader may name it: by its domain, before its owners consent."""
    return view.account.name or view.account.domain or gettext("a customer")


# --- the list, and receiving a customer -----------------------------------------------------------


@bp.get("/transfers")
@login_required
def transfers() -> tuple[str, int]:
    """The transfers the account is part of (a distributor: every one in its tree), newest first."""
    return _list_page()


def _list_page(typed: Mapping[str, str] | None = None, errors: Mapping[str, list[str]] | None = None,
               status: int = 422) -> tuple[str, int]:
    actor = current_actor()
    chosen = enum_arg(TransferStatus, "status", gettext("a transfer status"))
    page = list_transfers(db.session, actor, status=chosen, after_id=request.args.get("after", type=int),
                          limit=PAGE_SIZE + 1)
    return render_template(
        "backoffice/transfers.html",
        transfers=page[:PAGE_SIZE],
        chosen=chosen,
        statuses=list(TransferStatus),
        query=request.args,
        may_receive=actor.account.kind is AccountKind.RESELLER and Permission.PURCHASE in actor.permissions,
        next_after=page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None,
        typed=typed or {},
        errors=errors or {},
    ), status if errors else 200


@bp.post("/transfers")
@login_required
def receive_customer() -> Response | tuple[str, int]:
    """A reseller names the primary domain of a customer it would receive: that is its acceptance."""
    typed = {"domain": request.form.get("domain", "").strip()}
    try:
        if not typed["domain"]:
            raise ValidationError({"domain": [gettext("Give the customer's primary domain.")]})
        view = start_transfer(db.session, actor=current_actor(), domain=typed["domain"])
    except ValidationError as error:
        db.session.rollback()
        return _list_page(typed, error.fields)
    except ConflictError as error:
        db.session.rollback()
        return _list_page(typed, {"transfer": [error.detail]}, status=409)
    db.session.commit()
    flash(gettext("You asked to receive %(domain)s: its owners are asked to consent.", domain=shown_name(view)), "info")
    return redirect(url_for("backoffice.transfer", transfer_id=view.id))


# --- one transfer ---------------------------------------------------------------------------------


@bp.get("/transfers/<int:transfer_id>")
@login_required
def transfer(transfer_id: int) -> tuple[str, int]:
    return _transfer_page(transfer_id)


def _transfer_page(transfer_id: int, errors: Mapping[str, list[str]] | None = None, form: str = "",
                   typed: Mapping[str, str] | None = None, status: int = 422) -> tuple[str, int]:
    """The transfer as the account reads it; with ``errors``, the ``form`` they belong to shows them beside
    what was typed there."""
    actor = current_actor()
    view = get_transfer(db.session, actor, transfer_id)
    moving = view.transfer
    me, buys = actor.account, Permission.PURCHASE in actor.permissions
    return render_template(
        "backoffice/transfer.html",
        view=view,
        moving=moving,
        name=shown_name(view),
        opens_account=view.reveals_account and moving.account_id != me.id and moving.account.path.startswith(me.path),
        consent_ticket=_readable_ticket(moving.customer_ticket_id),
        acceptance_ticket=_readable_ticket(moving.receiver_ticket_id),
        steps=vendor_steps(db.session, moving) if view.reveals_account and moving.account.path.startswith(me.path)
        else [],
        may_accept=view.may_accept and buys,
        may_refuse=moving.is_open and buys and me.id == moving.to_seller_id and moving.started_by_account_id != me.id,
        errors=errors or {},
        failed_form=form,
        typed=typed or {},
    ), status if errors else 200


def _readable_ticket(ticket_id: int | None) -> int | None:
    """``ticket_id`` if the acting account may open that ticket; a ticket it cannot read is never linked."""
    if ticket_id is None:
        return None
    try:
        return get_ticket(db.session, current_actor(), ticket_id).id
    except (NotFoundError, PermissionDeniedError):
        return None


def _acting(transfer_id: int, form: str, typed: Mapping[str, str], act: Callable[[], TransferView],
            said: Callable[[TransferView], str]) -> Response | tuple[str, int]:
    """Do ``act``; on refused input, the transfer's page again with the reasons beside ``form`` (422, or 409
    when the transfer's state refuses it); else back to its page, saying what ``said`` makes of the result."""
    try:
        view = act()
    except ValidationError as error:
        db.session.rollback()
        return _transfer_page(transfer_id, error.fields, form, typed)
    except ConflictError as error:
        db.session.rollback()
        return _transfer_page(transfer_id, {"transfer": [error.detail]}, form, typed, status=409)
    db.session.commit()
    flash(said(view), "info")
    return redirect(url_for("backoffice.transfer", transfer_id=transfer_id))


def _accepted(view: TransferView) -> str:
    if view.transfer.status is TransferStatus.COMPLETED:
        return gettext("The transfer is complete: %(account)s is your customer now.", account=shown_name(view))
    return gettext("You accepted %(account)s: the transfer completes once its owners consent.", account=shown_name(view))


@bp.post("/transfers/<int:transfer_id>/accept")
@login_required
def accept_transfer_view(transfer_id: int) -> Response | tuple[str, int]:
    """The receiving seller takes the customer in, in the transfer's acceptance words."""
    return _acting(transfer_id, "accept", {}, lambda: accept_transfer(
        db.session, actor=current_actor(), transfer_id=transfer_id), _accepted)


@bp.post("/transfers/<int:transfer_id>/refuse")
@login_required
def refuse_transfer_view(transfer_id: int) -> Response | tuple[str, int]:
    """The receiving seller says no, saying why."""
    typed = {"reason": request.form.get("reason", "")}
    return _acting(transfer_id, "refuse", typed, lambda: reject_transfer(
        db.session, actor=current_actor(), transfer_id=transfer_id, reason=typed["reason"]),
        lambda view: gettext("The transfer is refused: nothing moves."))


@bp.post("/transfers/<int:transfer_id>/cancel")
@login_required
def cancel_transfer_view(transfer_id: int) -> Response | tuple[str, int]:
    """Who started it, or the distributor, calls it off, saying why."""
    typed = {"reason": request.form.get("reason", "")}
    return _acting(transfer_id, "cancel", typed, lambda: cancel_transfer(
        db.session, actor=current_actor(), transfer_id=transfer_id, reason=typed["reason"]),
        lambda view: gettext("The transfer is cancelled: nothing moves."))
