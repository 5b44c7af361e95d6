"""The account's storefront page speaks French to a customer whose browser asks for it."""

from plugin_kit.testing import BRIGHT, text_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_a_french_customer_reads_its_account_page_in_french(db, shops, account, client, shop_sign_in):
    subscription = account("maple", "maple-bakery.example", 2, "filtering-archiving")
    shop_sign_in("owner@maple.example")
    page = text_of(client.get(f"/email-security/{subscription.id}", base_url=BRIGHT, headers=FRENCH))
    assert "Sécurité des e-mails maple-bakery.example" in page
    assert "Enregistrements à publier" in page and "0 domaines supplémentaires libres sur 0." in page
    assert "Filtrage du spam et des virus Toujours actif" in page
    assert "Records to publish" not in page and "Always on" not in page


def test_its_services_refuse_in_french_to_a_french_customer(db, shops, account, client, shop_sign_in, shop_post):
    subscription = account("maple", "maple-bakery.example", 2, "filtering")
    shop_sign_in("owner@maple.example")
    refused = shop_post(f"/email-security/{subscription.id}/domains/maple-bakery.example/remove", headers=FRENCH)
    assert refused.status_code == 409
    assert ("maple-bakery.example est le domaine principal du compte : il ne part qu'à la résiliation du compte."
            in text_of(refused))


def test_its_product_page_compares_the_plans_by_features_named_in_the_readers_language(client, shops):
    french = text_of(client.get("/products/email_security", base_url=BRIGHT, headers=FRENCH))
    assert "Filtrage du spam et des virus" in french and "Archivage et restauration" in french
    assert "Spam and virus filtering" not in french and "Archiving and restore" not in french
    english = text_of(client.get("/products/email_security", base_url=BRIGHT))
    assert "Spam and virus filtering" in english and "Archiving and restore" in english
