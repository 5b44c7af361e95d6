"""``/transfers``: an account moving to another seller, with its subscriptions.

A transfer needs the customer's consent and the receiving seller's acceptance, whoever starts
it (``core.services.transfers``). It is visible to the customer, both sellers and the
distributor; to anyone else it answers 404.
"""

from __future__ import annotations

from flask import Response, url_for

from bss.api import bp
from bss.api.transfer_schemas import (
    TransferAnswerSchema,
    TransferCreateSchema,
    TransferPageSchema,
    TransferQuerySchema,
    TransferSchema,
)
from core.services.transfers import (
    accept_transfer,
    cancel_transfer,
    consent_to_transfer,
    get_transfer,
    list_transfers,
    reject_transfer,
    start_transfer,
)
from web.api.auth import current_actor
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_args, request_body, respond
from web.api.paging import page_of
from web.database import db


@bp.get("/transfers")
@operation(summary="List the transfers your account is part of, newest first.", response=TransferPageSchema,
           query=TransferQuerySchema, description="A distributor sees every transfer in its tree.")
def transfers() -> Response:
    args = request_args()
    rows = list_transfers(db.session, current_actor(), status=args.get("status"), after_id=args.get("cursor"),
                          limit=args["limit"] + 1)
    return respond(page_of(rows, args["limit"]))


@bp.post("/transfers")
@operation(summary="Start moving an account to another seller.", response=TransferSchema, status=201,
           body=TransferCreateSchema, forbids=True, conflicts=True, idempotent=True,
           description="A customer's owners move their own account, naming the new reseller's storefront "
           "(`to_storefront`): that is their consent. A reseller names the `domain` of a customer it would receive: "
           "that is its acceptance, and it learns nothing more of the account until its owners consent. The customer's "
           "reseller releases it (`account_id`, `release: true`); the distributor names any customer and where it goes. "
           "Once consented and accepted it completes at once. A second transfer of an account with one under way "
           "answers 409.")
def start() -> Response:
    view = start_transfer(db.session, actor=current_actor(), **request_body())
    return commit_and_respond(view, headers={"Location": url_for("api.transfer", transfer_id=view.id, _external=True)})


@bp.get("/transfers/<int:transfer_id>")
@operation(summary="Read a transfer your account is part of.", response=TransferSchema,
           description="Any other answers 404.")
def transfer(transfer_id: int) -> Response:
    return respond(get_transfer(db.session, current_actor(), transfer_id))


@bp.post("/transfers/<int:transfer_id>/consent")
@operation(summary="Consent, as the owners of the account that moves, in the transfer's `consent_words`.",
           response=TransferSchema, forbids=True, conflicts=True, idempotent=True,
           description="Recorded as a message on a ticket to your seller. With the receiving seller's acceptance "
           "given, the transfer completes.")
def consent(transfer_id: int) -> Response:
    return commit_and_respond(consent_to_transfer(db.session, actor=current_actor(), transfer_id=transfer_id))


@bp.post("/transfers/<int:transfer_id>/accept")
@operation(summary="Accept the customer, as the seller it moves to, in the transfer's `acceptance_words`.",
           response=TransferSchema, forbids=True, conflicts=True, idempotent=True,
           description="Takes the purchase permission; recorded on a ticket to your own seller. With the customer's "
           "consent given, the transfer completes, and you are charged the transfer fee on your next invoice.")
def accept(transfer_id: int) -> Response:
    return commit_and_respond(accept_transfer(db.session, actor=current_actor(), transfer_id=transfer_id))


@bp.post("/transfers/<int:transfer_id>/reject")
@operation(summary="Refuse a transfer, as the customer or the seller it would move to.", response=TransferSchema,
           body=TransferAnswerSchema, forbids=True, conflicts=True, idempotent=True,
           description="The reseller a customer leaves is told, but cannot refuse.")
def reject(transfer_id: int) -> Response:
    return commit_and_respond(reject_transfer(db.session, actor=current_actor(), transfer_id=transfer_id,
                                              **request_body()))


@bp.post("/transfers/<int:transfer_id>/cancel")
@operation(summary="Call off a transfer you started (or, as the distributor, any).", response=TransferSchema,
           body=TransferAnswerSchema, forbids=True, conflicts=True, idempotent=True)
def cancel(transfer_id: int) -> Response:
    return commit_and_respond(cancel_transfer(db.session, actor=current_actor(), transfer_id=transfer_id,
                                              **request_body()))
