"""The free trial's page speaks French to a customer whose browser asks for it, plans and prices included."""

from plugin_kit.testing import text_of
from tests.storefront.conftest import BRIGHT

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_a_french_customer_chooses_a_plan_to_try_in_french(client, shops, shop_sign_in):
    shop_sign_in()
    page = text_of(client.get("/hosting/trial", base_url=BRIGHT, headers=FRENCH))
    assert "Commencez votre essai gratuit" in page and "Offre à essayer" in page
    assert "Starter : 1 site, 10 Go puis 4,99 € par mois" in page
    assert "per month" not in page
