"""A shop's customers get their emails as HTML in the shop's brand, with the plain text beside it
(``core.services.email_layout``), through a real SMTP server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.mail import SMTPTransport
from core.models.outbox import OutboxEmail
from core.models.storefronts import Storefront
from core.services.billing_run import run_billing
from core.services.branding import update_branding
from core.services.email_layout import email_html
from core.services.invoice_notices import announce_all
from core.services.outbox import deliver_email
from core.services.password_resets import request_password_reset

SENDER = "Cascade <no-reply@cascade.example>"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9ccP\t;\x0e\x00\x01\xe3\x01B\xee\x85\x1f\x01\x00\x00\x00\x00IEND\xaeB`\x82")
BRAND = {"display_name": "Bright Cloud Shop", "primary_colour": "#aa3300", "contact_email": "help@bright.example",
         "contact_phone": "+44 20 7946 0000"}


@pytest.fixture
def bright_shop(db, shops, actor_for):
    """Bright IT's live storefront, branded, with or without a logo."""

    def brand(logo: bytes | None = None) -> Storefront:
        storefront = update_branding(db, actor=actor_for("bright"), values=BRAND, logo=logo)
        db.commit()
        return storefront

    return brand


def _deliver(db, smtp_server, subject_start, to="owner@harbour.example"):
    url, mailbox = smtp_server
    email = db.scalars(select(OutboxEmail).where(OutboxEmail.subject.startswith(subject_start),
                                                 OutboxEmail.to_address == to)).one()
    deliver_email(db, email.id, SMTPTransport(url), SENDER, mail_domain="mail.example")
    (message,) = mailbox.wait_for(1)
    return message


def _assert_names_nobody(message):
    """Nothing the customer reads names the platform or the distributor: headers, addresses, bodies."""
    everything = "\n".join([*(f"{name}: {value}" for name, value in message.items()),
                            *(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")])
    assert "northwind" not in everything.lower() and "cascade" not in everything.lower()


def test_an_invoice_arrives_as_html_in_the_shops_brand_with_the_text_beside_it(frozen_clock, db, bright_shop, subscribe,
                                                                               smtp_server):
    bright_shop(logo=PNG)
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    announce_all(db)
    db.commit()
    message = _deliver(db, smtp_server, "Invoice BRIGHT-000001")
    alternative = next(part for part in message.walk() if part.get_content_type() == "multipart/alternative")
    assert [part.get_content_type() for part in alternative.iter_parts()] == ["text/plain", "multipart/related"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bright Cloud Shop has issued invoice BRIGHT-000001" in text
    assert "Bright Cloud Shop has issued invoice BRIGHT-000001" in html
    assert "<h1" in html and ">Bright Cloud Shop</h1>" in html and "#aa3300" in html
    link = "http://bright.shop.localhost:5000/invoices/"
    assert f'<a href="{link}' in html  # clickable
    assert "mailto:help@bright.example" in html and "+44 20 7946 0000" in html  # the footer
    (logo,) = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert logo["Content-ID"] == "<logo@shop>" and 'src="cid:logo@shop"' in html
    assert logo.get_content() == PNG
    (attached,) = message.iter_attachments()  # the invoice; the logo is not a file to open
    assert attached.get_filename() == "BRIGHT-000001.pdf"
    _assert_names_nobody(message)


def test_a_password_reset_asked_on_a_shop_arrives_in_its_brand_without_a_logo_it_lacks(db, bright_shop, smtp_server):
    storefront = bright_shop()
    request_password_reset(db, email="owner@harbour.example", storefront=storefront,
                           link_for=lambda token: f"http://bright.shop.localhost:5000/password/reset/{token}")
    db.commit()
    message = _deliver(db, smtp_server, "Reset your password")
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == "Bright Cloud Shop <no-reply@bright.mail.example>"
    assert smtp_server[1].envelope_senders == ["no-reply@bright.mail.example"]  # the Return-Path
    assert message["Message-ID"].endswith("@bright.mail.example>")
    assert message["Reply-To"] == "help@bright.example"  # the shop's support
    html = message.get_body(("html",)).get_content()
    assert ">Bright Cloud Shop</h1>" in html and "#aa3300" in html and "<img" not in html
    assert '<a href="http://bright.shop.localhost:5000/password/reset/' in html
    assert "Choose a new password here:" in message.get_body(("plain",)).get_content()
    _assert_names_nobody(message)


def test_the_html_shows_the_text_as_text(db, bright_shop):
    html = email_html(bright_shop(), "Hi", 'Hello <b>Tom</b> & "Jerry",\n\nSee https://x.example/a?b=1&c=<2>.')
    assert "<b>" not in html and "&lt;b&gt;Tom&lt;/b&gt; &amp; &#34;Jerry&#34;" in html
    assert '<a href="https://x.example/a?b=1&amp;c=" ' in html and "&lt;2&gt;." in html
