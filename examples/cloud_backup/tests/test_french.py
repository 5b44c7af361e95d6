"""The vault's storefront page speaks French to a customer whose browser asks for it, the back office to a seller."""

import re

from plugin_kit.testing import BRIGHT, text_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_a_french_customer_reads_its_vault_page_in_french(client, shops, subscribe, shop_sign_in):
    vault = subscribe("harbour", "vault-100")
    shop_sign_in()
    page = text_of(client.get(f"/backup/{vault.id}", base_url=BRIGHT, headers=FRENCH))
    assert "Sauvegardes et restaurations" in page and "Demander une restauration" in page
    assert "Aucune restauration demandée pour le moment." in page
    assert "Backups and restores" not in page


def test_a_french_seller_reads_its_restores_and_their_audit_log_in_french(client, shops, subscribe, actor_for, db,
                                                                          frozen_clock, login_as, post):
    from cloud_backup.restores import request_restore

    vault = subscribe("harbour", "vault-100")
    restore = request_restore(db, actor=actor_for("harbour"), subscription_id=vault.id, restore_point=frozen_clock.now().date())
    db.commit()
    login_as("owner@bright.example")
    restores = client.get("/bss/backup/restores", headers=FRENCH).get_data(as_text=True)
    assert re.search(r'<option value="requested"[^>]*>Demandé</option>', restores), "the status filter says it in French"
    post(f"/bss/backup/restores/{restore.id}/done")
    audit = text_of(client.get("/bss/audit", headers=FRENCH))
    assert f"Restauration du coffre de l'abonnement {vault.id} au 2 mars 2026 demandée" in audit
    assert f"Coffre de l'abonnement {vault.id} restauré au 2 mars 2026" in audit
    assert "restore requested" not in audit and "restore done" not in audit  # an action no one words reads as its code


def test_a_status_the_restores_do_not_have_is_refused_once_in_french(client, shops, login_as):
    login_as("owner@bright.example")
    refused = client.get("/bss/backup/restores?status=bogus", headers=FRENCH)
    assert refused.status_code == 422
    assert text_of(refused).count("État : « bogus » n'est pas un état de restauration.") == 1
