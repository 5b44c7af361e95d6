"""A reseller brands its storefront: every value checked, every fault named, nothing half saved."""

import pytest
from sqlalchemy import select

from core.errors import PermissionDeniedError, ValidationError
from core.models.audit import AuditEvent
from core.models.people import Team
from core.services.actors import acting_as
from core.services.branding import choose_theme, remove_logo, update_branding
from core.services.people import add_member, create_user
from core.services.storefronts import storefront_of

#: A real 1x1 PNG image.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9ccP\t;\x0e\x00\x01\xe3\x01B\xee\x85\x1f\x01\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(64)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(32)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

#: Branding that passes every check.
GOOD = {
    "display_name": "Bright Cloud Shop",
    "primary_colour": "#AA3300",
    "accent_colour": "#ffe0b2",
    "contact_email": "help@bright.example",
    "contact_phone": "+44 (20) 7946-0000",
    "support_url": "https://help.bright.example/start",
    "welcome_text": "Hello!\r\nWe look after your cloud.",
}

INJECTIONS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</style><script>", "javascript:alert(1)"]


@pytest.fixture
def bright(db, shops, actor_for):
    return actor_for("bright")


def test_valid_branding_is_saved_normalised(db, bright):
    storefront = update_branding(db, actor=bright, values=GOOD, logo=PNG)
    assert storefront.shop_name == "Bright Cloud Shop"
    assert (storefront.primary_colour, storefront.accent_colour) == ("#aa3300", "#ffe0b2")
    assert storefront.welcome_text == "Hello!\nWe look after your cloud."
    assert (storefront.logo, storefront.logo_media_type) == (PNG, "image/png")


def test_an_empty_display_name_means_the_accounts_name(db, bright):
    storefront = update_branding(db, actor=bright, values={**GOOD, "display_name": "  "})
    assert storefront.display_name == "" and storefront.shop_name == "Bright IT"


def test_a_change_is_audited_without_the_logos_bytes(db, bright):
    update_branding(db, actor=bright, values={"display_name": "Bright Cloud Shop"}, logo=PNG)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "storefront.branding_changed")).one()
    assert event.changes == {"display_name": ["", "Bright Cloud Shop"], "logo": [None, f"image/png, {len(PNG)} bytes"]}
    assert event.actor_id == bright.user.id


@pytest.mark.parametrize(("field", "value"), [
    ("display_name", "x" * 81),
    ("display_name", "two\nlines"),
    ("display_name", "Bright \u202eCloud"),  # a right-to-left override
    ("display_name", "Bright\u200dCloud"),  # a zero-width joiner
    ("sender_name", "Bright\ufeffIT"),
    ("primary_colour", "red"),
    ("primary_colour", "#12345"),
    ("primary_colour", "#1234567"),
    ("primary_colour", "#123456;color:red"),
    ("primary_colour", "#12345g"),
    ("accent_colour", "#fff"),
    ("accent_colour", ""),
    ("accent_colour", "#000000;}</style>"),
    ("contact_email", "not an email"),
    ("contact_email", "a@b"),
    ("contact_phone", "call 0800"),
    ("contact_phone", "1" * 31),
    ("contact_phone", "+-()"),
    ("support_url", "ftp://files.example"),
    ("support_url", "javascript:alert(1)"),
    ("support_url", " JavaScript:alert(1)"),
    ("support_url", "data:text/html,<script>alert(1)</script>"),
    ("support_url", "https://"),
    ("support_url", "https://example.com/" + "a" * 300),
    ("support_url", "https://example.com/a b"),
    ("welcome_text", "w" * 1001),
    ("welcome_text", "null\x00byte"),
])
def test_each_bad_value_is_refused_by_name_and_nothing_is_saved(db, bright, field, value):
    with pytest.raises(ValidationError) as refused:
        update_branding(db, actor=bright, values={**GOOD, field: value}, logo=PNG)
    assert list(refused.value.fields) == [field]
    db.rollback()
    storefront = storefront_of(db, bright.account)
    assert storefront.display_name == "" and storefront.primary_colour == "#2456c7" and not storefront.has_logo
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "storefront.branding_changed")) is None


@pytest.mark.parametrize("name", ["Northwind Distribution", "  NORTHWIND   distribution shop", "Ｎorthwind Distribution"])
@pytest.mark.parametrize("field", ["display_name", "sender_name"])
def test_a_reseller_may_not_brand_itself_with_its_distributors_name(db, bright, field, name):
    with pytest.raises(ValidationError) as refused:
        update_branding(db, actor=bright, values={field: name})
    assert list(refused.value.fields) == [field] and "your own name" in refused.value.fields[field][0]


def test_a_distributor_brands_its_own_shop_in_its_own_name(db, shops, actor_for):
    storefront = update_branding(db, actor=actor_for("northwind"), values={"display_name": "Northwind Distribution"})
    assert storefront.shop_name == "Northwind Distribution"


def test_every_bad_field_is_reported_at_once(db, bright):
    values = {"display_name": "x" * 81, "primary_colour": "blue", "accent_colour": "#ggg000",
              "contact_email": "@", "contact_phone": "phone", "support_url": "javascript:alert(1)",
              "welcome_text": "w" * 1001, "theme": "dark"}
    with pytest.raises(ValidationError) as refused:
        update_branding(db, actor=bright, values=values, logo=GIF)
    assert sorted(refused.value.fields) == sorted([*values, "logo"])
    assert refused.value.fields["theme"] == ["This field cannot be changed."]


@pytest.mark.parametrize(("logo", "media_type"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"),
                                                  (PNG + bytes(256 * 1024 - len(PNG)), "image/png")])
def test_a_logo_is_recognised_by_its_bytes(db, bright, logo, media_type):
    assert update_branding(db, actor=bright, values={}, logo=logo).logo_media_type == media_type


@pytest.mark.parametrize(("logo", "message"), [
    (GIF, "Upload a PNG, JPEG or WebP image."),
    (SVG, "Upload a PNG, JPEG or WebP image."),
    (b"<?xml version='1.0'?>" + SVG, "Upload a PNG, JPEG or WebP image."),
    (b"", "Upload a PNG, JPEG or WebP image."),
    (PNG + bytes(300 * 1024), "Use an image of at most 256 KiB."),
    (PNG + bytes(256 * 1024 + 1 - len(PNG)), "Use an image of at most 256 KiB."),
])
def test_any_other_logo_is_refused(db, bright, logo, message):
    with pytest.raises(ValidationError) as refused:
        update_branding(db, actor=bright, values={}, logo=logo)
    assert refused.value.fields == {"logo": [message]}


@pytest.mark.parametrize("attack", INJECTIONS)
def test_markup_in_the_one_line_fields_is_refused(db, bright, attack):
    fields = ["primary_colour", "accent_colour", "contact_email", "contact_phone", "support_url"]
    with pytest.raises(ValidationError) as refused:
        update_branding(db, actor=bright, values={**GOOD, **dict.fromkeys(fields, attack)})
    assert sorted(refused.value.fields) == sorted(fields)


def test_the_logo_can_be_removed(db, bright):
    update_branding(db, actor=bright, values={}, logo=PNG)
    storefront = remove_logo(db, actor=bright)
    assert storefront.logo is None and not storefront.has_logo
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "storefront.branding_changed")
                       .order_by(AuditEvent.id.desc())).first()
    assert event.changes == {"logo": ["image/png", None]}


def test_someone_without_manage_storefront_may_not_brand_it(db, bright):
    team = Team(account=bright.account, name="Buyers", permissions=["purchase"], payment_methods=["card"])
    db.add(team)
    buyer = create_user(db, email="buyer@bright.example", name="Buyer", password="a long enough password")
    add_member(db, team, buyer)
    actor = acting_as(db, buyer, bright.account)
    with pytest.raises(PermissionDeniedError, match="manage_storefront"):
        update_branding(db, actor=actor, values=GOOD)
    with pytest.raises(PermissionDeniedError):
        remove_logo(db, actor=actor)
    assert storefront_of(db, bright.account).display_name == ""


def test_a_reseller_without_a_storefront_has_nothing_to_brand(db, shops, actor_for):
    with pytest.raises(PermissionDeniedError, match="Corner Computers has no storefront"):
        update_branding(db, actor=actor_for("corner"), values=GOOD)


def test_sellers_brand_their_storefront_and_customers_have_none(db, shops, actor_for):
    assert update_branding(db, actor=actor_for("northwind"), values=GOOD).account == shops["northwind"]
    with pytest.raises(PermissionDeniedError, match="a customer has none"):
        update_branding(db, actor=actor_for("harbour"), values=GOOD)


def test_a_sender_name_of_ones_own_comes_with_standard(db, reseller_plan, actor_for):
    reseller_plan("bright", "free")
    with pytest.raises(ValidationError) as refused:
        update_branding(db, actor=actor_for("bright"), values={"sender_name": "Bright Support"})
    assert list(refused.value.fields) == ["sender_name"] and "comes with Standard" in refused.value.fields["sender_name"][0]
    reseller_plan("bright", "standard")
    assert update_branding(db, actor=actor_for("bright"), values={"sender_name": "Bright Support"}).sender_name == "Bright Support"


def test_a_theme_is_chosen_on_standard_only_and_among_the_installed_ones(db, reseller_plan, actor_for):
    reseller_plan("bright", "free")
    with pytest.raises(PermissionDeniedError, match="a choice of themes comes with Standard"):
        choose_theme(db, actor=actor_for("bright"), theme="bold", available={"default", "bold"})
    reseller_plan("bright", "standard")
    with pytest.raises(ValidationError) as refused:
        choose_theme(db, actor=actor_for("bright"), theme="../secrets", available={"default", "bold"})
    assert refused.value.fields == {"theme": ["Choose one of the themes: bold, default."]}
    assert choose_theme(db, actor=actor_for("bright"), theme="bold", available={"default", "bold"}).theme == "bold"
