"""The audit log page: newest first, each event a sentence and each change in words, in English and French,
narrowed by who, what and when, a page at a time."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.models.orders import Order
from core.services.audit import record_event
from core.services.invitations import invite_person
from core.services.people import owner_team
from core.services.price_lists import set_price
from core.services.pricing import price_list_for
from plugin_kit.testing import main_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_what_people_did_reads_as_sentences_in_english_and_in_french(client, db, demo, plans, subscribe, login_as,
                                                                     frozen_clock):
    subscribe("harbour")
    order = db.scalar(select(Order).order_by(Order.id.desc()))
    owners = owner_team(db, demo["bright"])
    owner = owners.memberships[0].user
    retail = price_list_for(db, demo["harbour"])
    set_price(db, price_list=retail, plan=plans["microsoft-365/business-basic"], by=owner, unit_price="7.25")
    invite_person(db, account=demo["bright"], team_id=owners.id, email="ana@example.com", by=owner,
                  link_for=lambda token: f"https://bss.example/invitations/{token}")
    db.commit()
    login_as("owner@bright.example")
    english = main_of(client.get("/bss/audit"))
    assert f"Placed order {order.id}" in english
    assert f"Set the price of Microsoft 365 Business Basic in price list {retail.id} Plan: Microsoft 365 Business Basic" in english
    assert "Unit price: 7.25" in english
    assert f"Invited ana@example.com to the team “{owners.name}” Team: {owners.name} Email: ana@example.com" in english
    french = main_of(client.get("/bss/audit", headers=FRENCH))
    assert f"Commande {order.id} passée" in french
    assert f"Prix de l'offre Microsoft 365 Business Basic fixé dans la grille tarifaire {retail.id} Offre : Microsoft 365 Business Basic" in french
    assert f"Invitation envoyée à ana@example.com pour l'équipe « {owners.name} » Équipe : {owners.name}" in french


def test_a_plugins_actions_read_in_its_own_words(client, db, demo, subscribe, login_as):
    subscription = subscribe("harbour")
    record_event(db, account=demo["harbour"], by=None, action="domain.nameservers", target=subscription,
                 changes={"nameservers": ["ns1.bright.example", "ns2.bright.example"]})
    db.commit()
    login_as("owner@bright.example")
    page = main_of(client.get("/bss/audit"))
    assert (f"Pointed the domain of subscription {subscription.id} at other nameservers "
            "Nameservers: ns1.bright.example, ns2.bright.example") in page
    french = main_of(client.get("/bss/audit", headers=FRENCH))
    assert f"Domaine de l'abonnement {subscription.id} dirigé vers d'autres serveurs de noms" in french


def test_changes_read_as_words_never_as_raw_values(client, db, demo, login_as, frozen_clock):
    record_event(db, account=demo["harbour"], by=None, action="subscription.frozen", target=demo["harbour"],
                 changes={"status": ["active", "suspended"], "auto_renew": [False, True], "note": None,
                          "nameservers": ["ns1.bright.example", "ns2.bright.example"],
                          "payment_confirmation_methods": [[], ["bank_transfer"]],
                          "trial_ends_at": "2026-04-01T00:00:00+00:00", "paid_on": "2026-03-02"})
    db.commit()
    login_as("owner@bright.example")
    page = main_of(client.get("/bss/audit"))
    # Nothing words this action: it reads as its code, and what it acted on.
    assert ("Subscription frozen account" in page and "Status: Active → Suspended" in page
            and "Auto-renewal: no → yes" in page and "Note: —" in page
            and "Nameservers: ns1.bright.example, ns2.bright.example" in page
            and "Payments waiting for a confirmation: — → Bank transfer" in page
            and "Trial ends at: 1 Apr 2026, 00:00 UTC" in page and "Paid on: 2 Mar 2026" in page)
    assert "[" not in page and "None" not in page and "False" not in page


def test_the_log_is_narrowed_by_who_what_and_when(client, db, demo, login_as, frozen_clock):
    owner = owner_team(db, demo["bright"]).memberships[0].user
    record_event(db, account=demo["harbour"], by=owner, action="team.created", target=demo["harbour"],
                 changes={"name": "Early birds"})
    db.commit()  # written now: its time is taken as it is written
    frozen_clock.advance(timedelta(days=3))
    record_event(db, account=demo["harbour"], by=None, action="subscription.renewed", target=demo["harbour"],
                 changes={"period": "April"})
    db.commit()
    login_as("owner@bright.example")
    automatic = main_of(client.get("/bss/audit?who=automatic"))
    assert "Period: April" in automatic and "Early birds" not in automatic
    teams = main_of(client.get(f"/bss/audit?area=team&who={owner.id}"))
    assert "Early birds" in teams and "Period: April" not in teams
    today = frozen_clock.now().date()
    earlier = main_of(client.get(f"/bss/audit?until={today - timedelta(days=1)}"))
    assert "Early birds" in earlier and "Period: April" not in earlier
    later = main_of(client.get(f"/bss/audit?since={today}"))
    assert "Period: April" in later and "Early birds" not in later
    refused = client.get("/bss/audit?since=yesterday")
    assert refused.status_code == 422 and "From: Give a day as YYYY-MM-DD." in main_of(refused)
    assert client.get("/bss/audit?area=nothing").status_code == 422


def test_the_log_pages_newest_first(client, db, demo, login_as):
    for n in range(60):
        record_event(db, account=demo["harbour"], by=None, action="team.renamed", target=demo["harbour"],
                     changes={"name": f"Team {n:02}"})
    db.commit()
    login_as("owner@bright.example")
    first = client.get("/bss/audit?area=team")
    names = re.findall(r"Team (\d\d)", main_of(first))
    assert names[:3] == ["59", "58", "57"] and len(names) == 50
    older = re.search(r'href="(/bss/audit\?before=\d+[^"]*)"', first.get_data(as_text=True)).group(1)
    rest = re.findall(r"Team (\d\d)", main_of(client.get(older.replace("&amp;", "&"))))
    assert rest == [f"{n:02}" for n in range(9, -1, -1)]
