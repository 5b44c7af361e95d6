"""A reseller's storefront page: whether its shop is live, and its plans side by side."""

import io

import pytest
from sqlalchemy import select

from core.models.outbox import OutboxEmail
from core.services.storefronts import storefront_of
from plugin_kit.testing import provision_due, text_of
from tests.bss.backoffice.conftest import PASSWORD
from tests.core.services.test_branding import PNG


def test_a_reseller_on_standard_sees_its_live_shop_and_its_plan(client, reseller_plan, login_as):
    reseller_plan("bright", "standard")
    login_as("owner@bright.example")
    page = text_of(client.get("/bss/storefront"))
    assert "Live at http://bright.shop.localhost:5000/" in page
    assert "Your plan: Reseller plan Standard (active)" in page


def test_a_reseller_on_basic_compares_the_plans_and_can_choose_one(client, plans, reseller_plan, login_as):
    reseller_plan("corner", "basic")
    login_as("owner@corner.example")
    response = client.get("/bss/storefront")
    page = text_of(response)
    assert "You have no storefront of your own yet" in page
    assert "Storefront of your own No Yes Yes" in page and "Domain of your own No No Yes" in page
    assert "API access No No Yes" in page  # features in words, never their code names
    assert "Price €0.00 a month €0.00 a month €49.00 a month" in page
    body = response.get_data(as_text=True)
    assert f'href="/bss/orders/new?plan_id={plans["reseller-plan/standard"].id}"' in body


def test_a_closed_shop_says_so_and_how_to_open_it_again(client, close_bright, login_as):
    close_bright()
    login_as("owner@bright.example")
    page = text_of(client.get("/bss/storefront"))
    assert "Closed since" in page and "Choose a plan with a storefront below to open it again, as it was." in page


def test_a_distributor_s_page_says_its_storefront_has_every_feature_and_offers_no_plan(client, demo, login_as):
    login_as("admin@northwind.example")
    page = text_of(client.get("/bss/storefront"))
    assert "As the distributor, your storefront is yours without a plan, with every feature: API access," in page
    assert "What you get" not in page and "not on sale to you" not in page


def test_a_distributor_activates_standard_from_the_back_office_and_the_shop_goes_live(
    client, db, demo, plans, login_as, post
):
    assert client.get("/", base_url="http://bright.shop.localhost").status_code == 404
    login_as("admin@northwind.example")
    placed = post("/bss/orders/new", {"account_id": demo["bright"].id, "payer": "owner",
                                      "plan_id": plans["reseller-plan/standard"].id, "quantity": 1,
                                      "payment_method": "on_account"})
    assert placed.status_code == 302, text_of(placed)
    provision_due(db)  # what the worker does: no person has to act
    shop = client.get("/", base_url="http://bright.shop.localhost")
    assert shop.status_code == 200 and "Bright IT" in text_of(shop)
    invitation = db.scalar(select(OutboxEmail).where(OutboxEmail.to_address == "owner@bright.example",
                                                     OutboxEmail.subject.like("Your customer portal is live%")))
    assert "http://127.0.0.1:5000/bss/storefront" in invitation.text_body


def test_a_reseller_buys_free_itself_from_its_storefront_page(client, db, plans, reseller_plan, login_as, post):
    reseller_plan("corner", "basic")
    login_as("owner@corner.example")
    chosen = client.get(f"/bss/orders/new?plan_id={plans['reseller-plan/free'].id}")
    assert "€0.00" in text_of(chosen)
    placed = post("/bss/orders/new", {"plan_id": plans["reseller-plan/free"].id, "quantity": 1,
                                      "payment_method": "on_account"})
    assert placed.status_code == 302, text_of(placed)
    provision_due(db)
    assert client.get("/", base_url="http://corner.shop.localhost").status_code == 200
    assert "Live at http://corner.shop.localhost:5000/" in text_of(client.get("/bss/storefront"))


def _branding(**changes):
    values = {"display_name": "Bright Cloud Shop", "primary_colour": "#aa3300", "accent_colour": "#ffe0b2",
              "contact_email": "help@bright.example", "contact_phone": "+44 20 7946 0000",
              "support_url": "https://help.bright.example/", "welcome_text": "Hello!"}
    return {**values, **changes}


def test_the_owner_brands_the_storefront_from_its_page(client, db, shops, login_as, post):
    login_as("owner@bright.example")
    form = client.get("/bss/storefront").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'name="csrf_token"' in form
    for field in ("display_name", "primary_colour", "accent_colour", "contact_email", "contact_phone", "support_url",
                  "welcome_text", "logo"):
        assert f'<label for="{field}">' in form and f'id="{field}" name="{field}"' in form
    saved = post("/bss/storefront/branding", _branding(logo=(io.BytesIO(PNG), "logo.jpg")))
    assert saved.status_code == 302 and saved.headers["Location"] == "/bss/storefront"
    page = client.get("/bss/storefront")
    assert "Your storefront's branding is saved" in text_of(page)
    body = page.get_data(as_text=True)
    assert 'value="Bright Cloud Shop"' in body and 'value="#aa3300"' in body
    assert "Your storefront shows your logo (image/png)" in text_of(page)
    assert storefront_of(db, shops["bright"]).logo == PNG


def test_bad_branding_comes_back_with_each_fault_next_to_its_field(client, db, shops, login_as, post):
    login_as("owner@bright.example")
    refused = post("/bss/storefront/branding", _branding(
        primary_colour="red", support_url="javascript:alert(1)", contact_phone="<script>",
        logo=(io.BytesIO(b"GIF89a" + bytes(40)), "logo.png"),
    ))
    assert refused.status_code == 422
    page = text_of(refused)
    assert "Nothing was changed:" in page
    assert "Main colour: Give a colour as # and six hexadecimal digits, like #2456c7." in page
    assert "Support page: Give a web address that starts with https:// or http://, or leave it empty." in page
    assert "Contact phone: Use digits, spaces, +, - and parentheses only, or leave it empty." in page
    assert "Logo: Upload a PNG, JPEG or WebP image." in page
    body = refused.get_data(as_text=True)
    assert 'aria-describedby="support_url-error"' in body and 'id="support_url-error"' in body
    assert 'value="Bright Cloud Shop"' in body  # what was typed is kept
    assert "<script>" not in body and 'value="&lt;script&gt;"' in body
    assert storefront_of(db, shops["bright"]).display_name == ""


def test_a_logo_too_large_is_refused(client, shops, login_as, post):
    login_as("owner@bright.example")
    refused = post("/bss/storefront/branding", _branding(logo=(io.BytesIO(PNG + bytes(300 * 1024)), "logo.png")))
    assert refused.status_code == 422 and "Logo: Use an image of at most 256 KiB." in text_of(refused)


def test_the_logo_can_be_removed_from_the_page(client, db, shops, login_as, post):
    login_as("owner@bright.example")
    post("/bss/storefront/branding", _branding(logo=(io.BytesIO(PNG), "logo.png")))
    removed = post("/bss/storefront/logo/remove")
    assert removed.status_code == 302
    assert "The logo is removed" in text_of(client.get("/bss/storefront"))
    assert not storefront_of(db, shops["bright"]).has_logo


def test_only_people_who_manage_the_storefront_see_the_form(client, shops, buyer, login_as, post):
    login_as(buyer, PASSWORD)
    assert "Brand your storefront" not in text_of(client.get("/bss/storefront"))
    assert post("/bss/storefront/branding", _branding()).status_code == 403


def test_a_reseller_without_a_storefront_has_no_form(client, shops, login_as, post):
    login_as("owner@corner.example")
    assert "Brand your storefront" not in text_of(client.get("/bss/storefront"))
    assert post("/bss/storefront/branding", _branding()).status_code == 403


def test_a_request_larger_than_any_upload_is_refused_unread(client, shops, login_as):
    login_as("owner@bright.example")
    huge = client.post("/bss/storefront/branding", data=b"x" * (2 * 1024 * 1024), content_type="application/octet-stream")
    assert huge.status_code == 413


def test_a_reseller_on_standard_chooses_a_theme_and_its_shop_wears_it(client, db, shops, login_as, post):
    assert "Georgia" not in client.get("/", base_url="http://bright.shop.localhost").get_data(as_text=True)
    login_as("owner@bright.example")
    page = text_of(client.get("/bss/storefront"))
    assert "Dress your storefront in Default" in page and "Harbour" in page
    assert post("/bss/storefront/theme", {"theme": "../../etc"}).status_code == 422
    chosen = post("/bss/storefront/theme", {"theme": "harbour"})
    assert chosen.status_code == 302
    db.expire_all()
    assert storefront_of(db, shops["bright"]).theme == "harbour"
    shop = client.get("/", base_url="http://bright.shop.localhost").get_data(as_text=True)
    assert "Georgia" in shop  # the harbour theme's serif type, where the default theme sets system-ui


def test_on_free_the_default_theme_only(client, reseller_plan, login_as, post):
    reseller_plan("bright", "free")
    login_as("owner@bright.example")
    assert "A choice of themes comes with the Standard plan." in text_of(client.get("/bss/storefront"))
    assert post("/bss/storefront/theme", {"theme": "harbour"}).status_code == 403


def test_the_owner_chooses_its_handle_prefix_and_nameservers_on_the_page(client, db, shops, login_as, post):
    login_as("owner@bright.example")
    form = client.get("/bss/storefront").get_data(as_text=True)
    assert '<label for="handle_prefix">' in form and 'id="handle_prefix" name="handle_prefix"' in form
    assert 'placeholder="BRIGHT"' in form and form.count('name="nameservers"') == 4
    saved = post("/bss/storefront/vendor-names", {"handle_prefix": "brt1", "nameservers": ["NS1.Bright.example", "",
                                                                                           "ns2.bright.example."]})
    assert saved.status_code == 302 and saved.headers["Location"] == "/bss/storefront#vendor-names"
    page = client.get("/bss/storefront")
    assert "Your names at registries and hosting panels are saved" in text_of(page)
    assert "contact handles read BRT1-1234 and logins brt11234" in text_of(page)
    body = page.get_data(as_text=True)
    assert 'value="BRT1"' in body and 'value="ns1.bright.example"' in body and 'value="ns2.bright.example"' in body
    db.expire_all()
    storefront = storefront_of(db, shops["bright"])
    assert (storefront.handle_prefix, storefront.nameservers) == ("BRT1", ["ns1.bright.example", "ns2.bright.example"])

    emptied = post("/bss/storefront/vendor-names", {"handle_prefix": "", "nameservers": ["", ""]})
    assert emptied.status_code == 302
    db.expire_all()
    assert (storefront.handle_prefix, storefront.nameservers) == (None, [])  # back to BRIGHT and the platform's own


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"handle_prefix": "B", "nameservers": []}, "Handle prefix",
     "Use 2 to 8 letters and digits, such as BRIGHT: no spaces, hyphens or accents."),
    ({"handle_prefix": "BRIGHT-IT", "nameservers": []}, "Handle prefix", "Use 2 to 8 letters and digits"),
    ({"handle_prefix": "NORTHWIN", "nameservers": []}, "Handle prefix",
     "NORTHWIN names Northwind Distribution, the company you buy from: choose a prefix of your own."),
    ({"handle_prefix": "", "nameservers": ["ns1.bright.example"]}, "Nameservers",
     "Give 2 to 4 nameservers (registries ask for two at least), or none for the platform's own."),
    ({"handle_prefix": "", "nameservers": ["ns1.bright.example", "not a host"]}, "Nameservers",
     "Give the name alone, such as example.com: 'not a host' is more than a name."),
    ({"handle_prefix": "", "nameservers": ["ns1.bright.example", "NS1.bright.example"]}, "Nameservers",
     "ns1.bright.example is given twice: give each nameserver once."),
    ({"handle_prefix": "", "nameservers": [f"ns{n}.bright.example" for n in range(5)]}, "Nameservers",
     "Give 2 to 4 nameservers"),
])
def test_bad_names_are_refused_naming_the_field_and_nothing_is_saved(client, db, shops, login_as, post, form, field,
                                                                      message):
    login_as("owner@bright.example")
    refused = post("/bss/storefront/vendor-names", {**{"handle_prefix": "GOOD", "nameservers": ["ns1.b.example",
                                                                                              "ns2.b.example"]}, **form})
    assert refused.status_code == 422
    page = text_of(refused)
    assert "Nothing was changed:" in page and f"{field}: {message}" in page
    assert f'value="{form["handle_prefix"]}"' in refused.get_data(as_text=True)  # what was typed is kept
    db.expire_all()
    storefront = storefront_of(db, shops["bright"])
    assert (storefront.handle_prefix, storefront.nameservers) == (None, [])


def test_only_sellers_with_a_storefront_and_its_managers_choose_names(client, db, shops, buyer, login_as, post):
    names = {"handle_prefix": "MINE", "nameservers": []}
    login_as("owner@corner.example")
    assert "Handle prefix" not in text_of(client.get("/bss/storefront"))
    assert post("/bss/storefront/vendor-names", names).status_code == 403
    login_as(buyer, PASSWORD)
    assert post("/bss/storefront/vendor-names", names).status_code == 403
    db.expire_all()
    assert storefront_of(db, shops["bright"]).handle_prefix is None
