"""The hosting pages: the storefront's free trial link and sites, the back office's websites and domains."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from core.models.outbox import OutboxEmail
from core.services.renewals import run_period_ends
from plugin_kit.testing import provision_due, text_of
from plugins.hosting.models import Website, WebsiteStatus
from tests.plugins.hosting.conftest import vendor
from tests.plugins.hosting.test_french import FRENCH
from tests.storefront.conftest import BRIGHT


def test_the_free_trial_link_invites_a_visitor_to_open_an_account_first(client, shops):
    page = client.get("/hosting/trial", base_url=BRIGHT)
    assert page.status_code == 200
    text = text_of(page)
    assert "Try your website free for 14 days" in text and "Bright IT" in text
    assert "Northwind" not in page.get_data(as_text=True)
    assert 'href="/sign-in?next=/hosting/trial"' in page.get_data(as_text=True)


def test_a_customer_starts_a_free_trial_on_the_storefront_and_opens_its_control_panel(
        client, db, frozen_clock, shops, shop_sign_in, shop_post, plans, panel):
    shop_sign_in()
    form = client.get("/hosting/trial", base_url=BRIGHT)
    assert "Starter: 1 site, 10 GB then €4.99 per month" in text_of(form)
    refused = shop_post("/hosting/trial", {"domain": "not a name", "plan_id": plans["web-hosting/starter"].id})
    assert refused.status_code == 422 and "Give the name alone" in text_of(refused)

    started = shop_post("/hosting/trial", {"domain": "www.harbour-smiles.com", "plan_id": plans["web-hosting/starter"].id})
    assert started.status_code == 302
    website = db.scalar(select(Website).where(Website.domain == "www.harbour-smiles.com"))
    assert website.account.slug == "harbour" and website.status is WebsiteStatus.TRIAL
    assert "being set up" in text_of(client.get(started.location, base_url=BRIGHT))

    provision_due(db)
    page = text_of(client.get(started.location, base_url=BRIGHT))
    assert "Free trial until 16 Mar 2026" in page and "ask Bright IT to put it live on a hosting plan" in page
    opened = shop_post(f"/hosting/websites/{website.id}/control-panel")
    assert opened.status_code == 302 and opened.location.startswith(f"{panel.url}/sso/")
    hosting = client.get(f"/subscriptions/{website.subscription.id}", base_url=BRIGHT)
    assert f'href="/hosting/websites/{website.id}"' in hosting.get_data(as_text=True), "its hosting links to the site"


def test_a_customer_sees_only_its_own_sites(client, db, shops, shop_sign_in, actor_for, plans, demo):
    from plugins.hosting.websites import create_website

    other = create_website(db, actor=actor_for("bright"), account_id=demo["maple"].id, domain="www.maple.example",
                           plan_id=plans["web-hosting/starter"].id)
    db.commit()
    shop_sign_in()
    assert client.get(f"/hosting/websites/{other.id}", base_url=BRIGHT).status_code == 404
    assert "www.maple.example" not in text_of(client.get("/hosting/websites", base_url=BRIGHT))


def test_a_reseller_creates_a_site_and_is_told_why_it_cannot_go_live_yet(client, db, demo, plans, login_as, post):
    login_as("owner@bright.example")
    assert "New website" in text_of(client.get("/bss/websites"))
    form = text_of(client.get("/bss/websites/new"))
    assert "Harbour Dental" in form and "Web hosting Starter" in form
    refused = post("/bss/websites", {"account_id": demo["harbour"].id, "start": "trial", "domain": "",
                                     "plan_id": plans["web-hosting/starter"].id})
    assert refused.status_code == 422 and "Address: Give a domain name" in text_of(refused)

    created = post("/bss/websites", {"account_id": demo["harbour"].id, "start": "trial", "domain": "www.harbour-dental.com",
                                     "plan_id": plans["web-hosting/starter"].id})
    assert created.status_code == 302
    provision_due(db)
    website_id = int(created.location.rsplit("/", 1)[1])
    live = post(f"/bss/websites/{website_id}/live")
    assert live.status_code == 409
    assert "not on a paying hosting plan" in text_of(live)
    in_french = post(f"/bss/websites/{website_id}/live", headers=FRENCH)
    assert in_french.status_code == 409
    assert ("Le site www.harbour-dental.com est en essai gratuit sur l'offre Hébergement web Starter, pas sur une offre "
            "d'hébergement payante") in text_of(in_french)
    assert "www.harbour-dental.com Harbour Dental Web hosting Starter (Trial)" in text_of(client.get("/bss/websites"))
    assert "Web hosting Starter (Trial: a free trial, nothing paid yet)" in text_of(client.get(f"/bss/websites/{website_id}"))
    assert "Hébergement web Starter (Essai)" in text_of(client.get("/bss/websites", headers=FRENCH))


def test_the_domains_page_shows_where_each_domain_stands_with_its_dates(
        client, db, frozen_clock, order_domain, login_as, post, registrar):
    order = order_domain("harbour-dental.com", by="bright", for_="harbour", payer="buyer")
    domain = order.lines[0].subscription
    login_as("owner@bright.example")
    listed = text_of(client.get("/bss/domains"))
    assert "harbour-dental.com Harbour Dental Bright IT Active to renew by 2 Mar 2027" in listed

    page = text_of(client.get(f"/bss/domains/{domain.id}"))
    assert "Registrant and technical contact Bright IT (what WHOIS shows)" in page
    changed = post(f"/bss/domains/{domain.id}/nameservers", {"nameservers": "ns1.bright-it.example\nns2.bright-it.example"})
    assert changed.status_code == 302
    assert vendor(registrar, "GET", "/domains/harbour-dental.com")["nameservers"] == [
        "ns1.bright-it.example", "ns2.bright-it.example"]
    assert post(f"/bss/domains/{domain.id}/nameservers", {"nameservers": "only.one.example"}).status_code == 422

    frozen_clock.advance(domain.current_period_end - frozen_clock.now() + timedelta(days=2))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    login_as("owner@bright.example")  # the session did not last two months
    listed = text_of(client.get("/bss/domains"))
    assert "Expired expired 2 Mar 2027; renewable until 1 Apr 2027, then in redemption until 1 May 2027" in listed


def test_a_reseller_sets_a_domain_to_renew_by_itself_from_its_page(client, db, order_domain, login_as, post):
    order = order_domain("harbour-dental.com", by="harbour", for_="harbour", payer="owner", method="card")
    domain = order.lines[0].subscription
    login_as("owner@bright.example")
    assert post(f"/bss/domains/{domain.id}/auto-renew", {"auto_renew": "on"}).status_code == 302
    db.expire_all()
    assert domain.auto_renew is True
    assert domain.events[-1].action == "auto_renew_set"
    assert not db.scalars(select(OutboxEmail).where(OutboxEmail.subject.contains("Northwind"))).all()


def test_the_distributor_starts_a_trial_for_a_resellers_customer_on_the_plans_that_customer_can_buy(
        client, db, demo, plans, login_as, post):
    login_as("admin@northwind.example")
    own = text_of(client.get("/bss/websites/new"))
    assert "No Web hosting plan is for sale to Northwind Distribution." in own, "a distributor buys from nobody"

    chosen = client.get(f"/bss/websites/new?account_id={demo['harbour'].id}")
    form = text_of(chosen)
    assert chosen.status_code == 200 and "Start it for Harbour Dental" in form
    assert "Web hosting Starter: 1 site, 10 GB" in form and "Web hosting Pro yearly: 25 sites, 200 GB" in form
    created = post("/bss/websites", {"account_id": demo["harbour"].id, "start": "trial", "domain": "www.harbour-smile.com",
                                     "plan_id": plans["web-hosting/starter"].id})
    assert created.status_code == 302
    website = db.scalar(select(Website).where(Website.domain == "www.harbour-smile.com"))
    assert website.account.slug == "harbour"
    assert website.subscription.unit_amount == Decimal("4.99"), "at Bright IT's price for its customers, not Northwind's"


def test_a_reseller_sees_no_plans_of_an_account_outside_its_tree(client, demo, login_as):
    login_as("owner@bright.example")
    assert client.get(f"/bss/websites/new?account_id={demo['solo'].id}").status_code == 404


def test_a_domains_page_tells_its_renewal_date_apart_from_the_registrars_expiry(
        client, frozen_clock, order_domain, login_as, registrar):
    order = order_domain("harbour-dental.com", by="bright", for_="harbour", payer="buyer")
    vendor(registrar, "POST", "/domains/harbour-dental.com/renew", {"years": 1})  # renewed at the registrar directly
    login_as("owner@bright.example")
    page = text_of(client.get(f"/bss/domains/{order.lines[0].subscription.id}"))
    assert "harbour-dental.com for Harbour Dental Active to renew by 2 Mar 2027" in page
    assert "Subscription Domain name .com (Active)" in page
    assert "At the registrar Active, registered until 2 Mar 2028" in page
    assert "expires" not in page

    french = text_of(client.get(f"/bss/domains/{order.lines[0].subscription.id}", headers=FRENCH))
    assert "Actif à renouveler avant le 2 mars 2027" in french and "Nom de domaine .com (Actif)" in french
    assert "(active)" not in french
