"""The names a seller's customers meet at vendors: chosen on its storefront, checked, and handed to plugins."""

import pytest
from sqlalchemy import select

from core.errors import PermissionDeniedError, ValidationError
from core.models.audit import AuditEvent
from core.models.provisioning import ProvisioningRequest
from core.services.orders import LineRequest, place_order
from core.services.provisioning import claim_request
from core.services.storefronts import storefront_of
from core.services.vendor_names import default_handle_prefix, set_vendor_names

VANITY = ["ns1.bright-dns.example", "ns2.bright-dns.example"]


@pytest.fixture
def bright(db, shops, actor_for):
    return actor_for("bright")


def _claimed(db, actor_for, fake_catalog):
    """What a plugin is handed for Harbour Dental's order of a widget from Bright IT."""
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id, 1)],
                        payment_method="card")
    db.commit()
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.order_line_id == order.lines[0].id))
    return claim_request(db, request.id).request


def test_a_plugin_sees_the_prefix_and_nameservers_the_seller_chose(db, bright, actor_for, fake_catalog):
    set_vendor_names(db, actor=bright, handle_prefix="brt", nameservers=VANITY)
    db.commit()
    request = _claimed(db, actor_for, fake_catalog)
    assert (request.seller.slug, request.seller.handle_prefix, request.seller.nameservers) == ("bright", "BRT", tuple(VANITY))
    # The customer chose nothing: its prefix is made from its slug, and its domains use the platform's nameservers.
    assert (request.owner.handle_prefix, request.owner.nameservers) == ("HARBOUR", ())


def test_without_a_choice_the_prefix_is_made_from_the_slug(db, bright, actor_for, fake_catalog):
    assert _claimed(db, actor_for, fake_catalog).seller.handle_prefix == "BRIGHT"
    assert default_handle_prefix("north-wind-distribution") == "NORTHWIN"
    assert default_handle_prefix("---") == "ACCOUNT"


def test_a_change_is_recorded_once_and_a_repeat_records_nothing(db, bright):
    set_vendor_names(db, actor=bright, handle_prefix="BRT", nameservers=["", *VANITY, " "])
    set_vendor_names(db, actor=bright, handle_prefix="brt ", nameservers=VANITY)
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "storefront.vendor_names_changed")).all()
    assert event.changes == {"handle_prefix": [None, "BRT"], "nameservers": [[], VANITY]}


def test_both_fields_at_fault_are_named_at_once_and_nothing_is_saved(db, bright):
    with pytest.raises(ValidationError) as refused:
        set_vendor_names(db, actor=bright, handle_prefix="BRÎGHT", nameservers=["ns1.bright-dns.example", "ns1..example"])
    assert refused.value.fields == {
        "handle_prefix": ["Use 2 to 8 letters and digits, such as BRIGHT: no spaces, hyphens or accents."],
        "nameservers": ["A domain name cannot have two dots in a row, or start with a dot."],
    }
    storefront = storefront_of(db, bright.account)
    assert (storefront.handle_prefix, storefront.nameservers) == (None, [])


def test_a_seller_without_a_storefront_or_a_customer_chooses_none(db, shops, actor_for):
    for slug in ("corner", "harbour"):
        with pytest.raises(PermissionDeniedError):
            set_vendor_names(db, actor=actor_for(slug), handle_prefix="MINE", nameservers=[])
