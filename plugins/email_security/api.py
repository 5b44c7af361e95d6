"""``/api/v1/subscriptions/{id}/email-security``: an email security account through the API.

Its domains (add, remove) with the MX and SPF records to publish, a DNS check, its add-ons
(``services``: the account moves to the plan that has them, at once, prorated), and the search
of its archive with the restore of a message. Users and mailboxes are the core's
``/subscriptions/{id}/users``. A subscription outside the caller's part of the tree, or not an
email security account, answers 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app
from marshmallow import Schema, fields, validate

from core.permissions import Permission
from plugins.email_security.accounts import AccountView, account_view, switch_services
from plugins.email_security.addons import ADDON_KEYS, FILTERING
from plugins.email_security.archive import MAX_QUERY, restore_message, search_archive
from plugins.email_security.dns_records import look_up
from plugins.email_security.domain_names import to_unicode
from plugins.email_security.domains import add_domain, check_dns, remove_domain
from plugins.email_security.models import DnsStatus, ProtectedDomain
from web.api.auth import current_actor
from web.api.fields import Id, Timestamp
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_args, request_body, respond
from web.database import db

bp = Blueprint("email_security_api", __name__)

_ACCOUNT = "/subscriptions/<int:subscription_id>/email-security"


class EmailSecurityDomainSchema(Schema):
    """One domain of the account, and where the last DNS check found it."""

    name = fields.String(required=True, metadata={"description": "In ASCII (IDNA) form, as the DNS has it."})
    display_name = fields.String(required=True, metadata={"description": "As people write it (bücher.de)."})
    primary = fields.Boolean(required=True)
    at_service = fields.Boolean(required=True, metadata={
        "description": "The service has it; false while it waits for a free extra domain."})
    dns_status = fields.Enum(DnsStatus, by_value=True, required=True)
    dns_reason = fields.String(required=True, metadata={"description": "Why the last check came to its status."})
    other_hosts = fields.List(fields.String(), required=True, metadata={
        "description": "Hosts receiving the domain's mail besides the service, at the last check."})
    checked_at = Timestamp(allow_none=True)


class EmailSecurityDomainListSchema(Schema):
    items = fields.List(fields.Nested(EmailSecurityDomainSchema), required=True)


class EmailSecurityServiceSchema(Schema):
    key = fields.String(required=True)
    on = fields.Boolean(required=True)


class EmailSecurityMxRecordSchema(Schema):
    host = fields.String(required=True)
    priority = fields.Integer(required=True)


class EmailSecurityExtraDomainsSchema(Schema):
    bought = fields.Integer(required=True, metadata={"description": "How many extra domains the account pays for."})
    free = fields.Integer(required=True, metadata={"description": "How many of them no domain uses yet."})


class EmailSecurityAccountSchema(Schema):
    """An email security account: its domains, its services, the records its domains publish."""

    subscription_id = Id(required=True)
    domain = fields.String(required=True, metadata={"description": "The primary domain, in ASCII (IDNA) form."})
    users = fields.Integer(required=True, metadata={"description": "How many users it protects at most."})
    services = fields.List(fields.Nested(EmailSecurityServiceSchema), required=True, metadata={
        "description": f"The add-ons; {FILTERING.key} is always on."})
    domains = fields.List(fields.Nested(EmailSecurityDomainSchema), required=True)
    extra_domains = fields.Nested(EmailSecurityExtraDomainsSchema, required=True)
    mx_records = fields.List(fields.Nested(EmailSecurityMxRecordSchema), required=True, metadata={
        "description": "The MX records each domain publishes (empty while the service is not reached)."})
    spf_record = fields.String(required=True, metadata={"description": "The TXT record each domain publishes."})
    unavailable = fields.String(required=True, metadata={
        "description": "Why the service's side is missing (not set up yet, not answering); empty otherwise."})


class EmailSecurityDomainAdditionSchema(Schema):
    domain = fields.String(required=True, validate=validate.Length(min=1, max=300), metadata={
        "description": "A domain of the customer's own, such as example.fr; it takes a free extra domain."})


class EmailSecurityServicesSchema(Schema):
    services = fields.List(fields.String(validate=validate.OneOf((FILTERING.key, *ADDON_KEYS))), required=True,
                           validate=validate.Length(max=len(ADDON_KEYS) + 1),
                           metadata={"description": "The add-ons the account is to have, and no others."})


class EmailSecurityServicesChangeSchema(Schema):
    subscription_id = Id(required=True)
    services = fields.List(fields.String(), required=True, metadata={
        "description": "The add-ons asked for: the account has them once the change is provisioned."})


class EmailSecurityArchiveQuerySchema(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=MAX_QUERY),
                      metadata={"description": "Words the sender, recipient, subject or text all hold."})


class EmailSecurityMessageSchema(Schema):
    id = fields.String(required=True)
    sender = fields.String(required=True, data_key="from")
    recipient = fields.String(required=True, data_key="to")
    subject = fields.String(required=True)
    received_at = fields.String(required=True)
    snippet = fields.String(required=True)
    restored_at = fields.String(allow_none=True, required=True)


class EmailSecurityMessageListSchema(Schema):
    items = fields.List(fields.Nested(EmailSecurityMessageSchema), required=True)


def _account(view: AccountView) -> dict[str, Any]:
    extra = view.extra_domains
    return {
        "subscription_id": view.subscription.id, "domain": view.domain, "users": view.subscription.quantity,
        "services": [{"key": service.key, "on": service.on} for service in view.services],
        "domains": [_domain(domain.name, domain.primary, domain.at_service, domain.dns_status, domain.reason,
                            domain.other_hosts, domain.checked_at) for domain in view.domains],
        "extra_domains": {"bought": extra.quantity if extra else 0, "free": view.free_extra_domains},
        "mx_records": list(view.mx_records), "spf_record": view.spf_record, "unavailable": view.unavailable,
    }


def _domain(name: str, primary: bool, at_service: bool, status: DnsStatus, reason: str, hosts: Any,
            checked_at: Any) -> dict[str, Any]:
    return {"name": name, "display_name": to_unicode(name), "primary": primary, "at_service": at_service,
            "dns_status": status, "dns_reason": reason, "other_hosts": list(hosts), "checked_at": checked_at}


def _row(row: ProtectedDomain, at_service: bool = True) -> dict[str, Any]:
    return _domain(row.name, row.is_primary, at_service, row.dns_status, row.dns_reason,
                   [host for host in row.dns_hosts.split(",") if host], row.checked_at)


@bp.get(_ACCOUNT)
@operation(summary="Read an email security account: its domains, services and the DNS records to publish",
           response=EmailSecurityAccountSchema)
def email_security_account(subscription_id: int) -> Response:
    return respond(_account(account_view(db.session, current_actor().account, subscription_id)))


@bp.post(_ACCOUNT + "/domains")
@operation(summary="Add a domain to an email security account (it takes a free extra domain)", response=EmailSecurityDomainSchema,
           status=201, body=EmailSecurityDomainAdditionSchema, permission=Permission.MANAGE_SUBSCRIPTIONS, conflicts=True,
           idempotent=True, description="Answers 409 when every extra domain is in use, 503 when the service does "
                                        "not answer.")
def add_email_security_domain(subscription_id: int) -> Response:
    row = add_domain(db.session, actor=current_actor(), subscription_id=subscription_id, domain=request_body()["domain"])
    return commit_and_respond(_row(row))


@bp.delete(_ACCOUNT + "/domains/<domain>")
@operation(summary="Remove an extra domain from an email security account (its extra domain becomes free)",
           response=EmailSecurityAccountSchema, permission=Permission.MANAGE_SUBSCRIPTIONS, conflicts=True)
def remove_email_security_domain(subscription_id: int, domain: str) -> Response:
    actor = current_actor()
    remove_domain(db.session, actor=actor, subscription_id=subscription_id, domain=domain)
    db.session.commit()
    return respond(_account(account_view(db.session, actor.account, subscription_id)))


@bp.post(_ACCOUNT + "/dns-check")
@operation(summary="Look the account's domains up in the DNS: protected, pending or misconfigured",
           response=EmailSecurityDomainListSchema, conflicts=True, description="Answers 503 when the DNS or the service does not "
                                                                  "answer; nothing is kept then.")
def check_email_security_dns(subscription_id: int) -> Response:
    lookup = look_up(current_app.config.get("CASCADE_DNS_RESOLVER", ""))
    rows = check_dns(db.session, actor=current_actor(), subscription_id=subscription_id, lookup=lookup)
    db.session.commit()
    return respond({"items": [_row(row) for row in rows]})


@bp.post(_ACCOUNT + "/services")
@operation(summary="Give an email security account exactly these add-ons, at once and prorated",
           response=EmailSecurityServicesChangeSchema, status=202, body=EmailSecurityServicesSchema,
           permission=Permission.MANAGE_SUBSCRIPTIONS, conflicts=True, idempotent=True,
           description="The account moves to the plan that has these add-ons: charged, or credited, for the rest of "
                       "the period at every level. Follow the change on GET /subscriptions/{id}.")
def set_email_security_services(subscription_id: int) -> Response:
    services = request_body()["services"]
    subscription = switch_services(db.session, actor=current_actor(), subscription_id=subscription_id,
                                   services=services)
    return commit_and_respond({"subscription_id": subscription.id,
                               "services": sorted(set(services) - {FILTERING.key}, key=ADDON_KEYS.index)})


@bp.get(_ACCOUNT + "/archive")
@operation(summary="Search an email security account's archive, newest first", response=EmailSecurityMessageListSchema,
           query=EmailSecurityArchiveQuerySchema, permission=Permission.MANAGE_PRODUCT_USERS, conflicts=True)
def search_email_security_archive(subscription_id: int) -> Response:
    found = search_archive(db.session, actor=current_actor(), subscription_id=subscription_id, query=request_args()["q"])
    return respond({"items": found})


@bp.post(_ACCOUNT + "/archive/<message_id>/restore")
@operation(summary="Deliver an archived message to its recipient's mailbox again", response=EmailSecurityMessageSchema,
           permission=Permission.MANAGE_PRODUCT_USERS, conflicts=True)
def restore_email_security_message(subscription_id: int, message_id: str) -> Response:
    message = restore_message(db.session, actor=current_actor(), subscription_id=subscription_id, message_id=message_id)
    db.session.commit()
    return respond(message)
