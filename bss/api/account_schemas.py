"""What the API reads and writes about accounts: the caller's tree, named as in the OpenAPI document."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, post_dump, validate

from core.models.accounts import Account, AccountKind
from core.services.account_changes import moved_by_transfer
from core.services.accounts import DOMAIN_PATTERN, NAME_MAX_LENGTH, RESERVED_SLUGS, SLUG_PATTERN
from core.typed_text import NAME_PATTERN
from web.api.fields import Boolean, Id, Pattern, Timestamp
from web.api.paging import Cursor

_NAME = (validate.Length(min=1, max=NAME_MAX_LENGTH),
         Pattern(NAME_PATTERN, error="Use text that is not all spaces, without control or invisible characters."))
_SLUG = (Pattern(SLUG_PATTERN, error="Use 1-63 lowercase letters, digits or '-', not starting or ending with '-'."),
         validate.NoneOf(RESERVED_SLUGS, error="This slug is kept for the platform's own addresses: choose another."))
#: A domain name in ASCII letters, digits and hyphens (an internationalised one, the service takes too).
_DOMAIN = (validate.Length(max=253), Pattern(DOMAIN_PATTERN, error="Give a domain name such as example.com."))
#: A tax number as tax offices print it, letters in either case and single spaces allowed.
_TAX_ID = (validate.Length(max=60), Pattern(r"^[A-Za-z0-9](?: ?[A-Za-z0-9./-]){1,39}$", error=(
    "Give the tax number as your tax office writes it, 2 to 40 letters and digits: FR40303265045.")))


class AccountSchema(Schema):
    """An account in the caller's tree. Programme fields appear only on distributors."""

    id = Id(required=True)
    kind = fields.Enum(AccountKind, by_value=True, required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True, metadata={"description": "Names the account's storefront host."})
    parent_id = Id(required=True, allow_none=True, metadata={"description": "The account that sells to it."})
    reselling_enabled = fields.Boolean(required=True)
    primary_domain = fields.String(required=True, allow_none=True)
    tax_id = fields.String(required=True, allow_none=True,
                           metadata={"description": "VAT, GST or sales tax number, printed on its invoices."})
    created_at = Timestamp(required=True)
    tier = fields.String(allow_none=True, metadata={
        "description": "A distributor's programme tier; a reseller's price tier: which of its seller's wholesale "
                       "price lists (and their volume tiers) prices it. Not on customers."})
    addons = fields.List(fields.String(), metadata={"description": "Distributors only."})
    service_manager_active = fields.Boolean(metadata={"description": "Distributors only."})

    _PROGRAMME = ("tier", "addons", "service_manager_active")

    @post_dump(pass_original=True)
    def programme_only_for_distributors(self, data: dict[str, Any], account: Account, **_: Any) -> dict[str, Any]:
        if account.kind is not AccountKind.DISTRIBUTOR:
            for name in self._PROGRAMME:
                if name != "tier" or account.kind is AccountKind.CUSTOMER:
                    data.pop(name, None)
        return data


class AccountPageSchema(Schema):
    items = fields.List(fields.Nested(AccountSchema), required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "The next page, or null."})


class AccountQuerySchema(Schema):
    kind = fields.Enum(AccountKind, by_value=True, metadata={"description": "Only accounts of this kind."})
    q = fields.String(metadata={"description": "Search names, slugs and primary domains."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = Cursor()


class AccountCreateSchema(Schema):
    kind = fields.Enum(
        AccountKind, by_value=True, required=True,
        validate=validate.OneOf([AccountKind.RESELLER, AccountKind.CUSTOMER]),
    )
    name = fields.String(required=True, validate=_NAME)
    slug = fields.String(required=True, validate=_SLUG)
    parent_id = Id(
        load_default=None, allow_none=True,
        metadata={"description": "Your account or one below it; yours when left out."},
    )
    reselling_enabled = Boolean(load_default=False)
    primary_domain = fields.String(load_default=None, allow_none=True, validate=_DOMAIN)

    #: A reseller resells: the document says so, as the service does.
    json_schema: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"kind": {"const": "reseller"}}, "required": ["kind"]},
        "then": {"properties": {"reselling_enabled": {"const": True}}, "required": ["reselling_enabled"]},
    }


class AccountChangeSchema(Schema):
    """Only these fields change; send the ones to change. An account's seller changes by a transfer
    (``/transfers``), with its consent."""

    name = fields.String(validate=_NAME)
    reselling_enabled = Boolean(
        metadata={"description": "Cannot be turned off while the account has accounts of its own."}
    )
    primary_domain = fields.String(allow_none=True, validate=_DOMAIN)
    tier = fields.String(allow_none=True, validate=validate.Length(max=40), metadata={
        "description": "A reseller's price tier, named by a wholesale price list of its seller's; null for the "
                       "default list. Set by its seller."})
    tax_id = fields.String(allow_none=True, validate=_TAX_ID, metadata={
        "description": "Its VAT, GST or sales tax number; sellers that reverse charge invoice it without tax."})

    def handle_error(self, error: ValidationError, data: Any, **kwargs: Any) -> None:
        """``parent_id`` is no unknown field to an integrator: say how an account's seller changes."""
        if "parent_id" in error.messages:
            error.messages["parent_id"] = [moved_by_transfer()]
        raise error
