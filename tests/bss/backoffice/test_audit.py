"""The audit log page: newest first, each change in words, narrowed by who, what and when, a page at a time."""

from __future__ import annotations

import re
from datetime import timedelta

from core.services.audit import record_event
from core.services.people import owner_team
from plugin_kit.testing import main_of


def test_changes_read_as_words_never_as_raw_values(client, db, demo, login_as, frozen_clock):
    record_event(db, account=demo["harbour"], by=None, action="subscription.suspended", target=demo["harbour"],
                 changes={"status": ["active", "suspended"], "auto_renew": [False, True], "note": None,
                          "nameservers": ["ns1.bright.example", "ns2.bright.example"],
                          "payment_confirmation_methods": [[], ["bank_transfer"]]})
    db.commit()
    login_as("owner@bright.example")
    page = main_of(client.get("/bss/audit"))
    assert ("Subscription suspended account" in page and "status: active → suspended" in page
            and "auto renew: no → yes" in page and "note: —" in page
            and "nameservers: ns1.bright.example, ns2.bright.example" in page
            and "payment confirmation methods: — → bank_transfer" in page)
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
    assert "period: April" in automatic and "Early birds" not in automatic
    teams = main_of(client.get(f"/bss/audit?area=team&who={owner.id}"))
    assert "Early birds" in teams and "period: April" not in teams
    today = frozen_clock.now().date()
    earlier = main_of(client.get(f"/bss/audit?until={today - timedelta(days=1)}"))
    assert "Early birds" in earlier and "period: April" not in earlier
    later = main_of(client.get(f"/bss/audit?since={today}"))
    assert "period: April" in later and "Early birds" not in later
    refused = client.get("/bss/audit?since=yesterday")
    assert refused.status_code == 422 and "since" in main_of(refused)
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
