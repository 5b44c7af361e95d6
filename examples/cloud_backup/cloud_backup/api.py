"""``/api/v1/subscriptions/{id}/restores``: a vault's restores, and asking for one, through the API."""

from __future__ import annotations

from flask import Blueprint, Response
from marshmallow import Schema, fields, validate

from cloud_backup.restores import MAX_NOTE, RestoreStatus, list_restores, request_restore
from core.permissions import Permission
from web.api.auth import current_actor
from web.api.fields import Id, Timestamp
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_body, respond
from web.database import db

bp = Blueprint("cloud_backup_api", __name__)


class RestoreSchema(Schema):
    id = Id()
    subscription_id = Id()
    restore_point = fields.Date()
    note = fields.String()
    status = fields.Enum(RestoreStatus, by_value=True)
    created_at = Timestamp()
    done_at = Timestamp(allow_none=True)


class RestoreListSchema(Schema):
    items = fields.List(fields.Nested(RestoreSchema))


class RestoreRequestSchema(Schema):
    restore_point = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=MAX_NOTE))


@bp.get("/subscriptions/<int:subscription_id>/restores")
@operation(summary="List a backup vault's restores, newest first", response=RestoreListSchema)
def restores(subscription_id: int) -> Response:
    return respond({"items": list_restores(db.session, current_actor().account, subscription_id)})


@bp.post("/subscriptions/<int:subscription_id>/restores")
@operation(summary="Ask for a backup vault to be restored as it was on a day", response=RestoreSchema, status=201,
           body=RestoreRequestSchema, permission=Permission.MANAGE_SUBSCRIPTIONS, conflicts=True, idempotent=True)
def ask_restore(subscription_id: int) -> Response:
    body = request_body()
    restore = request_restore(db.session, actor=current_actor(), subscription_id=subscription_id,
                              restore_point=body["restore_point"], note=body["note"])
    return commit_and_respond(restore)
