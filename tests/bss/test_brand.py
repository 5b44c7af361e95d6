"""The back office and the API's pages wear the distributor's brand, and a seller's on its storefront's host:
never the platform's name."""

from __future__ import annotations

import pytest

from core.services.branding import update_branding
from plugin_kit.testing.forms import BRIGHT
from tests.core.services.test_branding import PNG


@pytest.fixture
def northwind_brand(db, demo, actor_for):
    """Northwind names its brand, colours it and gives it a logo (on its own storefront's branding)."""
    update_branding(db, actor=actor_for("northwind"), values={"display_name": "Northwind Cloud",
                                                               "primary_colour": "#0b6e4f"}, logo=PNG)
    db.commit()


def test_the_sign_in_page_wears_the_distributor_s_brand(client, demo, northwind_brand):
    page = client.get("/bss/login").get_data(as_text=True)
    assert "<title>" in page and "Northwind Cloud" in page and "--accent: #0b6e4f" in page
    assert "Cascade" not in page
    logo = client.get(f"/bss/brand/{demo['northwind'].id}/logo")
    assert (logo.status_code, logo.data, logo.mimetype) == (200, PNG, "image/png")
    assert client.get(f"/bss/brand/{demo['bright'].id}/logo").status_code == 404  # Bright IT has none


def test_a_reseller_s_staff_see_their_distributor_s_brand(client, login_as, shops, northwind_brand):
    home = login_as("owner@bright.example").get("/bss/").get_data(as_text=True)
    assert "Northwind Cloud" in home and "Cascade" not in home


def test_without_branding_the_distributor_s_name_is_shown(client, demo):
    page = client.get("/bss/login").get_data(as_text=True)
    assert demo["northwind"].name in page and "Cascade" not in page


def test_the_api_answers_on_a_storefront_s_host_and_its_docs_name_the_seller_only(api_as, shops, northwind_brand):
    harbour = api_as("harbour")
    me = harbour.get("/api/v1/me", base_url=BRIGHT)
    assert me.status_code == 200, me.get_data(as_text=True)
    catalogs = harbour.get("/tmf-api/productCatalogManagement/v4/catalog", base_url=BRIGHT)
    assert catalogs.status_code == 200 and [each["name"] for each in catalogs.json] == ["Bright IT catalog"]

    document = harbour.get("/api/v1/openapi.json", base_url=BRIGHT).json
    assert document["info"]["title"] == "Bright IT API"
    docs = harbour.get("/api/v1/docs", base_url=BRIGHT)
    page = docs.get_data(as_text=True)
    assert docs.status_code == 200 and "<title>Bright IT API</title>" in page
    for leak in ("Northwind", "Cascade"):
        assert leak not in page
    dressing = harbour.get("/bss/assets/components.css", base_url=BRIGHT)
    dressing.close()
    assert dressing.status_code == 200  # the docs page is dressed on the shop's host too
    assert harbour.get("/bss/login", base_url=BRIGHT).status_code == 404  # the back office is not on a shop's host
