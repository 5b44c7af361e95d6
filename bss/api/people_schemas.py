"""What the API reads and writes about people: teams, their members, and the caller itself."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from bss.api.account_schemas import AccountSchema
from core.permissions import PaymentMethod, Permission
from web.api.fields import Id, Timestamp


class TeamRefSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)


class TeamSchema(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    is_owner = fields.Boolean(required=True)
    permissions = fields.List(fields.String(validate=validate.OneOf(list(Permission))), required=True)
    payment_methods = fields.List(fields.String(validate=validate.OneOf(list(PaymentMethod))), required=True)
    receives_renewal_reminders = fields.Boolean(required=True)
    member_count = fields.Function(
        lambda team: len(team.memberships), required=True, metadata={"json_schema": {"type": "integer"}}
    )
    created_at = Timestamp(required=True)


class TeamPageSchema(Schema):
    items = fields.List(fields.Nested(TeamSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class UserSchema(Schema):
    id = Id(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)


class MemberSchema(UserSchema):
    teams = fields.List(fields.Nested(TeamRefSchema), required=True, metadata={"description": "Their teams here."})


class MemberPageSchema(Schema):
    items = fields.List(fields.Nested(MemberSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class MeSchema(Schema):
    user = fields.Nested(UserSchema, required=True)
    account = fields.Nested(AccountSchema, required=True, metadata={"description": "The account the key acts for."})
    team = fields.Nested(TeamRefSchema, required=True, metadata={"description": "The key's team."})
    permissions = fields.List(
        fields.String(validate=validate.OneOf(list(Permission))), required=True, attribute="permission_names"
    )
