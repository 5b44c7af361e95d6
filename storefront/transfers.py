"""A customer's moves to another provider on the shop: asking for one, and answering one it is asked.

The customer names its new provider by the address of its shop (``core.services.transfers``):
asking is its consent. A move its new provider asked for waits for its consent here, in the
exact words it authorizes. Any of the account's people read its transfers; only its owner team
answers them. The new provider goes by its shop's name; only a release, where the customer
becomes the distributor's own, names the distributor. Once the account has moved, its people
sign in on the new provider's shop, and this one tells them so (``moved_away``), signing out
anyone still signed in here for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from core.clock import utcnow
from core.errors import ConflictError, UnknownReferenceError, ValidationError
from core.links import links
from core.models.accounts import Account, AccountKind
from core.models.people import User
from core.models.transfers import TransferStatus
from core.services.actors import Actor, acting_as
from core.services.notifications import live_storefront_of, sender_name_for
from core.services.people import accounts_of
from core.services.sign_in import sign_out
from core.services.transfers import (
    MAX_REASON,
    TransferView,
    cancel_transfer,
    consent_to_transfer,
    get_transfer,
    list_transfers,
    reject_transfer,
    start_transfer,
)
from storefront.auth import current_customer_actor, customer_account, signed_in_account
from storefront.cart import clear_cart
from storefront.hosts import current_storefront
from storefront.themes import render_page
from web.csrf import rotate_csrf_token
from web.database import db
from web.pages import sign_in_required

bp = Blueprint("shop_transfers", __name__)

#: Each state as the customer reads it; ``%(shop)s`` is the provider it moves to.
STATUS_LABELS = {
    TransferStatus.REQUESTED: lazy_gettext("Waiting for your consent and for %(shop)s to accept"),
    TransferStatus.AWAITING_CONSENT: lazy_gettext("Waiting for your consent"),
    TransferStatus.AWAITING_ACCEPTANCE: lazy_gettext("Waiting for %(shop)s to accept"),
    TransferStatus.APPROVED: lazy_gettext("Approved: your account is moving to %(shop)s"),
    TransferStatus.COMPLETED: lazy_gettext("Done: your account is with %(shop)s"),
    TransferStatus.REJECTED: lazy_gettext("Refused"),
    TransferStatus.CANCELLED: lazy_gettext("Cancelled"),
    TransferStatus.EXPIRED: lazy_gettext("Expired: it was not answered in time"),
}

#: The shop's files, which a page asks for after it has told the person: no look-up for them.
_FILES = frozenset({"shop.theme_static", "shop.logo"})


@dataclass(frozen=True)
class ShownTransfer:
    """A transfer of the customer's account, in the customer's words."""

    view: TransferView
    #: The provider the account moves to, by its shop's name.
    to: str
    asked_by: str
    status: str
    #: Whether the reader may consent or refuse, and cancel: its owner team, while the transfer is open.
    may_answer: bool
    may_cancel: bool


@dataclass(frozen=True)
class MovedAway:
    """Where an account that left this shop went: its new provider's shop, and where to sign in there."""

    shop: str
    #: ``None`` when the new provider has no shop open.
    sign_in: str | None


@bp.route("/transfers/new", methods=["GET", "POST"])
@sign_in_required
def new_transfer() -> Response | tuple[str, int]:
    actor = _owner()
    address = request.form.get("to_storefront", "").strip()
    if request.method == "GET":
        return _new_page(address)
    if not address:
        return _new_page(address, {"to_storefront": [_("Enter the address of your new provider's shop.")]})
    try:
        view = start_transfer(db.session, actor=actor, to_storefront=address)
    except (ValidationError, UnknownReferenceError) as error:
        db.session.rollback()
        return _new_page(address, {"to_storefront": [_refused_address(error)]})
    except ConflictError:
        db.session.rollback()
        return _new_page(address, problem=_("A move of your account is under way already: answer or cancel it "
                                            "first."), status=409)
    db.session.commit()
    flash(_("Your request is sent: %(shop)s must now accept it. Until then you may cancel it here.",
            shop=_new_provider(view)), "info")
    return redirect(url_for("shop_transfers.transfer", transfer_id=view.id))


@bp.get("/transfers/<int:transfer_id>")
@sign_in_required
def transfer(transfer_id: int) -> tuple[str, int]:
    return _transfer_page(_own_transfer(transfer_id))


@bp.post("/transfers/<int:transfer_id>/consent")
@sign_in_required
def consent(transfer_id: int) -> Response | tuple[str, int]:
    return _answer(transfer_id, lambda actor: consent_to_transfer(db.session, actor=actor, transfer_id=transfer_id))


@bp.post("/transfers/<int:transfer_id>/reject")
@sign_in_required
def reject(transfer_id: int) -> Response | tuple[str, int]:
    return _answer(transfer_id, lambda actor: reject_transfer(db.session, actor=actor, transfer_id=transfer_id,
                                                              reason=request.form.get("reason", "")))


@bp.post("/transfers/<int:transfer_id>/cancel")
@sign_in_required
def cancel(transfer_id: int) -> Response | tuple[str, int]:
    return _answer(transfer_id, lambda actor: cancel_transfer(db.session, actor=actor, transfer_id=transfer_id))


@bp.before_app_request
def leave_a_moved_account() -> tuple[str, int] | None:
    """A person still signed in for an account that has moved away since is signed out here and told where it went."""
    if request.endpoint in _FILES or not current_user.is_authenticated or signed_in_account() is not None:
        return None
    moved = moved_away(current_user.user)
    return _signed_out_page(moved) if moved is not None else None


def account_transfers() -> list[ShownTransfer]:
    """The signed-in customer account's transfers, those under way first, then newest first."""
    actor = current_customer_actor()
    views = [view for view in list_transfers(db.session, actor) if view.transfer.account_id == actor.account.id]
    return [_shown(view, actor) for view in sorted(views, key=lambda view: not _under_way(view))]


def moved_away(user: User) -> MovedAway | None:
    """Where the person's account went if it moved away from this shop's seller; ``None`` if none did."""
    here = current_storefront().account_id
    for account in accounts_of(db.session, user):
        if account.kind is not AccountKind.CUSTOMER or account.parent is None:
            continue
        done = list_transfers(db.session, acting_as(db.session, user, account), status=TransferStatus.COMPLETED)
        if any(view.transfer.from_seller_id == here for view in done):
            return MovedAway(sender_name_for(db.session, account.parent), _sign_in_link(account.parent))
    return None


def _answer(transfer_id: int, answer: Callable[[Actor], TransferView]) -> Response | tuple[str, int]:
    """Give the customer's answer through the service; a refusal it explains is shown on the transfer's page."""
    _own_transfer(transfer_id)
    actor = _owner()
    try:
        view = answer(actor)
    except ValidationError:
        db.session.rollback()
        return _transfer_page(_own_transfer(transfer_id), form=request.form, status=422,
                              errors={"reason": [_("Say why in at most %(most)s characters.", most=MAX_REASON)]})
    except ConflictError:
        db.session.rollback()
        shown = _own_transfer(transfer_id)
        return _transfer_page(shown, problem=_conflict(shown), status=409)
    if view.transfer.status is TransferStatus.COMPLETED:
        return _signed_out_page(MovedAway(_new_provider(view), _sign_in_link(view.transfer.to_seller)))
    db.session.commit()
    flash(_done(view), "info")
    return redirect(url_for("shop_transfers.transfer", transfer_id=transfer_id))


def _signed_out_page(moved: MovedAway) -> tuple[str, int]:
    """The account is another provider's customer now: this shop signs its person out and says where to go."""
    sign_out(db.session, current_user.login_session)
    db.session.commit()
    logout_user()
    g.pop("customer_teams", None)
    clear_cart()
    rotate_csrf_token()
    return render_page("transfer_moved.html", moved=moved), 200


def _owner() -> Actor:
    """The signed-in person acting for the account, who must be in its owner team to move it."""
    actor = current_customer_actor()
    if not actor.in_owner_team:
        abort(403)
    return actor


def _own_transfer(transfer_id: int) -> ShownTransfer:
    """A transfer of the signed-in customer account; a 404 for any other."""
    actor = current_customer_actor()
    view = get_transfer(db.session, actor, transfer_id)  # a transfer it is no party of: a 404
    if view.transfer.account_id != actor.account.id:
        abort(404)
    return _shown(view, actor)


def _shown(view: TransferView, actor: Actor) -> ShownTransfer:
    owner, to, under_way = actor.in_owner_team, _new_provider(view), _under_way(view)
    # Past its day a transfer is over, even before the scheduler marks it expired.
    state = view.transfer.status if under_way or not view.transfer.is_open else TransferStatus.EXPIRED
    return ShownTransfer(view=view, to=to, asked_by=_asked_by(view, to), status=str(STATUS_LABELS[state]) % {"shop": to},
                         may_answer=owner and under_way and view.may_consent,
                         may_cancel=owner and under_way and view.may_cancel)


def _under_way(view: TransferView) -> bool:
    return view.transfer.is_open and view.transfer.expires_at > utcnow()


def _new_provider(view: TransferView) -> str:
    """The provider the account moves to, by the name its shop goes by."""
    return sender_name_for(db.session, view.transfer.to_seller)


def _asked_by(view: TransferView, to: str) -> str:
    """Who asked for the move: the customer's own person, its new provider, or else its provider of the day
    (even where the account above that provider asked: the customer knows its provider alone)."""
    transfer = view.transfer
    if transfer.started_by_account_id == transfer.account_id:
        return _("You (%(name)s)", name=transfer.started_by.name)
    if transfer.started_by_account_id == transfer.to_seller_id:
        return to
    return sender_name_for(db.session, transfer.from_seller)


def _done(view: TransferView) -> str:
    status = view.transfer.status
    if status is TransferStatus.REJECTED:
        return _("You refused the move. Nothing changed.")
    if status is TransferStatus.CANCELLED:
        return _("The move is cancelled. Nothing changed.")
    return _("Thank you: your consent is recorded. %(shop)s must now accept the move.", shop=_new_provider(view))


def _conflict(shown: ShownTransfer) -> str:
    """Why the service would not take the answer, for the transfer as it stands now."""
    if not shown.view.transfer.is_open:
        return _("This move was answered meanwhile and can change no more: it is now “%(status)s”.",
                 status=shown.status)
    if not _under_way(shown.view):
        return _("This move has expired: nobody answered it in time. Ask again if you still want to move.")
    return _("The move cannot complete yet: %(shop)s cannot take over all of your subscriptions today (it may not "
             "offer one of them yet, or one is still being set up). Nothing changed: try again later, or ask "
             "%(shop)s.", shop=shown.to)


def _refused_address(error: ValidationError) -> str:
    """Why the address names no provider the account can move to, in the customer's language."""
    if "to_account_id" in error.fields:  # it names the shop the account buys from already
        return _("You buy from %(shop)s already: enter the address of your new provider's shop.",
                 shop=current_storefront().shop_name)
    return _("No provider you can move to has a shop at this address. Check the address it gave you.")


def _sign_in_link(seller: Account) -> str | None:
    """The sign-in page of ``seller``'s shop, at its own domain when it has one; ``None`` without a shop open."""
    storefront = live_storefront_of(db.session, seller)
    return f"{links.shop(storefront)}sign-in" if storefront is not None else None


def _new_page(address: str, errors: Mapping[str, list[str]] | None = None, *, problem: str | None = None,
              status: int | None = None) -> tuple[str, int]:
    return render_page("transfer_new.html", account=customer_account(), address=address, errors=errors or {},
                       problem=problem), status or (422 if errors else 200)


def _transfer_page(shown: ShownTransfer, *, errors: Mapping[str, list[str]] | None = None,
                   form: Mapping[str, str] | None = None, problem: str | None = None,
                   status: int = 200) -> tuple[str, int]:
    return render_page("transfer.html", shown=shown, errors=errors or {}, form=form or {}, problem=problem,
                       max_reason=MAX_REASON), status
