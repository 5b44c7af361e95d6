"""A storefront wears its seller's branding: name, logo, colours, contact details, welcome text."""

import io

import pytest
from markupsafe import escape

from core.errors import ValidationError
from core.services.branding import BRANDING_FIELDS, update_branding
from plugin_kit.testing import post_form, text_of
from tests.core.services.test_branding import GOOD, INJECTIONS, JPEG, PNG

BRIGHT = "http://bright.shop.localhost"


@pytest.fixture
def brand(db, shops, actor_for):
    """Brand Bright IT's storefront through the core service, and commit."""

    def apply(values=None, logo=None):
        update_branding(db, actor=actor_for("bright"), values=GOOD if values is None else values, logo=logo)
        db.commit()

    return apply


def test_the_home_wears_the_branding(client, brand):
    brand(logo=PNG)
    response = client.get("/", base_url=BRIGHT)
    page, text = response.get_data(as_text=True), text_of(response)
    assert "<title>Bright Cloud Shop</title>" in page and '<h1 id="shop-name">Bright Cloud Shop</h1>' in page
    assert "--shop-primary: #aa3300;" in page and "--shop-accent: #ffe0b2;" in page
    assert "Hello!\nWe look after your cloud." in page  # shown with its line breaks (white-space: pre-line)
    assert '<a href="mailto:help@bright.example">help@bright.example</a>' in page
    assert '<a href="tel:+44(20)7946-0000">+44 (20) 7946-0000</a>' in page
    assert '<a href="https://help.bright.example/start">Support</a>' in page
    assert '<img src="/logo?v=' in page
    assert text.count("Bright Cloud Shop") >= 3  # title, header, heading, footer
    assert "Bright IT" not in text


def test_without_branding_the_shop_goes_by_its_accounts_name_in_the_default_colours(client, shops):
    response = client.get("/", base_url=BRIGHT)
    page = response.get_data(as_text=True)
    assert "<title>Bright IT</title>" in page and "--shop-primary: #2456c7;" in page
    assert "Welcome. Here is what we can set up and look after for you." in page
    assert "<img" not in page and "mailto:" not in page


def test_the_logo_is_served_with_its_media_type(client, brand):
    brand(logo=PNG)
    response = client.get("/logo", base_url=BRIGHT)
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in response.headers["Cache-Control"]


def test_a_png_named_jpg_is_still_served_as_a_png(client, db, shops, login_as):
    login_as("owner@bright.example")
    saved = post_form(client, "/bss/storefront/branding", {**GOOD, "logo": (io.BytesIO(PNG), "photo.jpg")})
    assert saved.status_code == 302
    assert client.get("/logo", base_url=BRIGHT).headers["Content-Type"] == "image/png"


def test_a_jpeg_is_served_as_a_jpeg(client, brand):
    brand(values={}, logo=JPEG)
    assert client.get("/logo", base_url=BRIGHT).headers["Content-Type"] == "image/jpeg"


def test_no_logo_is_a_404(client, brand):
    brand()
    response = client.get("/logo", base_url=BRIGHT)
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_another_shops_logo_is_not_served(client, brand, reseller_plan):
    brand(logo=PNG)
    reseller_plan("corner", "free")
    assert client.get("/logo", base_url="http://corner.shop.localhost").status_code == 404


@pytest.mark.parametrize("attack", INJECTIONS)
def test_markup_in_every_field_is_refused_or_shown_as_inert_text(client, db, shops, actor_for, attack):
    accepted = []
    for field in BRANDING_FIELDS:
        try:
            update_branding(db, actor=actor_for("bright"), values={field: attack})
        except ValidationError:
            db.rollback()
        else:
            db.commit()
            accepted.append(field)
    assert accepted == ["display_name", "sender_name", "welcome_text"]  # free text; every other field has a shape
    for path in ("/", "/nothing-here"):
        response = client.get(path, base_url=BRIGHT)
        page = response.get_data(as_text=True)
        assert "<script>" not in page and "</style><script>" not in page and "<img src=x" not in page
        assert 'href="javascript:' not in page
        assert str(escape(attack)) in page and attack in text_of(response)  # the name, shown as the text it is


def test_the_closed_page_keeps_the_shops_name(client, brand, close_bright):
    brand(values={"display_name": "<script>alert(1)</script>"})
    close_bright()
    response = client.get("/", base_url=BRIGHT)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "This shop is closed" in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; is closed</title>" in page
    assert "<script>" not in page
