"""The vault's storefront page speaks French to a customer whose browser asks for it."""

from plugin_kit.testing import BRIGHT, text_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_a_french_customer_reads_its_vault_page_in_french(client, shops, subscribe, shop_sign_in):
    vault = subscribe("harbour", "vault-100")
    shop_sign_in()
    page = text_of(client.get(f"/backup/{vault.id}", base_url=BRIGHT, headers=FRENCH))
    assert "Sauvegardes et restaurations" in page and "Demander une restauration" in page
    assert "Aucune restauration demandée pour le moment." in page
    assert "Backups and restores" not in page
