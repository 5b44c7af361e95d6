"""What the plugin's pages say (its storefront pages and its back-office pages), in the shop's
languages, kept in the plugin's own folder.

The storefront's own messages are in the core's catalog (``core/translations``), which a plugin
does not edit; so the plugin's pages write ``t("...")`` with the English text, and ``FRENCH``
holds its translation (``tests/plugins/email_security/test_plugin.py`` checks that every text the
storefront pages use has one, with the same placeholders). Placeholders are ``%(name)s``, as gettext's.
"""

from __future__ import annotations

from typing import Any

from core.languages import answering
from core.products import text_in
from plugins.email_security.addons import Service
from plugins.email_security.dns_records import Reason
from web.formatting import current_locale

FRENCH: dict[str, str] = {
    '%(change)s per user a month': '%(change)s par utilisateur et par mois',
    '%(count)s more extra domains: they count as soon as the service confirms.':
        '%(count)s domaines supplémentaires de plus : ils comptent dès que le service le confirme.',
    '%(domain)s is added: publish its MX records, then check the DNS.':
        '%(domain)s est ajouté : publiez ses enregistrements MX, puis vérifiez le DNS.',
    '%(domain)s is removed: its extra domain is free.': '%(domain)s est retiré : son domaine supplémentaire est libre.',
    '%(free)s of %(bought)s extra domains are free.': '%(free)s domaines supplémentaires libres sur %(bought)s.',
    '%(free)s of %(bought)s extra domains free.': '%(free)s domaines supplémentaires libres sur %(bought)s.',
    '%(free)s of %(bought)s users free': '%(free)s utilisateurs libres sur %(bought)s',
    '%(free)s users are free.': '%(free)s utilisateurs sont libres.',
    "%(hosts)s also receive the domain's mail, which so goes round the filtering: remove them.":
        '%(hosts)s reçoivent aussi le courrier du domaine, qui contourne ainsi le filtrage : retirez-les.',
    '%(name)s can no longer sign in.': '%(name)s ne peut plus se connecter.',
    '%(name)s can sign in again.': '%(name)s peut de nouveau se connecter.',
    '%(name)s is deleted.': '%(name)s est supprimé.',
    "%(name)s's mail is protected.": 'Le courrier de %(name)s est protégé.',
    "%(name)s's user is free again.": "L'utilisateur de %(name)s est de nouveau libre.",
    '%(plan)s, %(quantity)s': '%(plan)s, %(quantity)s',
    '%(service)s is being switched off: the rest of the period is credited back.':
        '%(service)s est en cours de désactivation : le reste de la période vous est crédité.',
    '%(service)s is being switched on: it is charged for the rest of the period.':
        "%(service)s est en cours d'activation : il est facturé pour le reste de la période.",
    '%(service)s:': '%(service)s :',
    '%(service)s: always on': '%(service)s : toujours actif',
    '(%(change)s per user a month for %(payer)s)': '(%(change)s par utilisateur et par mois pour %(payer)s)',
    '(primary)': '(principal)',
    "(the account's own)": '(celui du compte)',
    'A domain of yours, such as example.fr.': 'Un de vos domaines, par exemple example.fr.',
    'A service switched on is billed for the rest of the period at once; one switched off is credited back.':
        'Un service activé est facturé aussitôt pour le reste de la période ; un service désactivé vous est crédité.',
    'A temporary password is shown once the user is added.':
        "Un mot de passe temporaire s'affiche une fois l'utilisateur ajouté.",
    'Account': 'Compte',
    'Accounts': 'Comptes',
    'Actions': 'Actions',
    'Add a domain': 'Ajouter un domaine',
    'Add a user': 'Ajouter un utilisateur',
    'Add extra domains': 'Ajouter des domaines supplémentaires',
    'Add the domain': 'Ajouter le domaine',
    'Add the user': "Ajouter l'utilisateur",
    'Address': 'Adresse',
    'All email security accounts': 'Tous les comptes de sécurité des e-mails',
    'Allowed': 'Autorisée',
    'Always on': 'Toujours actif',
    'Archive': 'Archives',
    'Archive of %(domain)s': 'Archives de %(domain)s',
    'Archived messages, newest first': "Messages archivés, les plus récents d'abord",
    'Ask a person who manages your subscriptions to buy more users.':
        "Demandez à une personne qui gère vos abonnements d'acheter plus d'utilisateurs.",
    'Back to the account': 'Retour au compte',
    'Buy more users': "Acheter plus d'utilisateurs",
    'By account you sell to': 'Par compte à qui vous vendez',
    'Check DNS': 'Vérifier le DNS',
    'Choose how many users to add, from 1 to %(most)s.': "Choisissez combien d'utilisateurs ajouter, de 1 à %(most)s.",
    'Choose how many.': 'Choisissez combien.',
    'Credited for the rest of the period.': 'Crédité pour le reste de la période.',
    'Customer': 'Client',
    'DNS checked: %(protected)s of %(count)s domains protected.': 'DNS vérifié : %(protected)s domaines protégés sur %(count)s.',
    'Delete %(name)s': 'Supprimer %(name)s',
    'Disable': 'Désactiver',
    'Disabled': 'Désactivée',
    'Domain': 'Domaine',
    'Domains': 'Domaines',
    'Domains and extra domains': 'Domaines et domaines supplémentaires',
    'Domains and services': 'Domaines et services',
    "Each is billed every month; this period's rest is billed now.":
        'Chacun est facturé chaque mois ; le reste de cette période est facturé maintenant.',
    'Email security': 'Sécurité des e-mails',
    'Email security accounts': 'Comptes de sécurité des e-mails',
    'Email security for %(customer)s': 'Sécurité des e-mails de %(customer)s',
    'Enable': 'Réactiver',
    'Every extra domain is in use: add extra domains to protect another domain.':
        'Tous les domaines supplémentaires sont utilisés : ajoutez-en pour protéger un autre domaine.',
    'Every user is in use: someone else is protected once a user is free.':
        "Tous les utilisateurs sont pris : une autre personne peut être protégée dès qu'un utilisateur se libère.",
    'Extra domains': 'Domaines supplémentaires',
    'Extra domains to add': 'Domaines supplémentaires à ajouter',
    'From': 'De',
    'Give back a free extra domain': 'Rendre un domaine supplémentaire libre',
    'Give back an extra domain': 'Rendre un domaine supplémentaire',
    'Give it to them now: it is shown this once. They sign in as %(address)s and choose their own password.':
        ("Transmettez-le maintenant : il n'est affiché qu'une fois. La personne se connecte en tant que %(address)s et choisit "
         'son propre mot de passe.'),
    'Hosted': 'Hébergée',
    'How will you pay?': 'Comment allez-vous payer ?',
    'In all': 'Au total',
    'Its domains and services can be changed while it is active.':
        "Ses domaines et ses services se modifient tant qu'il est actif.",
    'Kind': 'Type',
    'Last checked': 'Dernière vérification',
    "Looks each domain's MX and SPF records up now.": 'Consulte maintenant les enregistrements MX et SPF de chaque domaine.',
    'Mail goes through the service, and the SPF record includes it.':
        "Le courrier passe par le service, et l'enregistrement SPF l'inclut.",
    'Mailbox': 'Boîte aux lettres',
    'Misconfigured': 'Mal configuré',
    'More for this account': 'Plus pour ce compte',
    'More users': "Plus d'utilisateurs",
    'Name': 'Nom',
    'No MX record of the domain leads to the service yet: publish the records below.':
        'Aucun enregistrement MX du domaine ne mène encore au service : publiez les enregistrements ci-dessous.',
    'No archived message matches.': 'Aucun message archivé ne correspond.',
    'No email security accounts yet.': 'Aucun compte de sécurité des e-mails pour le moment.',
    'Nobody is protected yet.': "Personne n'est encore protégé.",
    'Not allowed': 'Non autorisé',
    'Not checked yet': 'Pas encore vérifié',
    'Not protected': 'Non protégé',
    'Not ready yet': 'Pas encore prêt',
    'Not yet': 'Pas encore',
    'Nothing was changed. Please correct the following:': "Rien n'a été modifié. Veuillez corriger ce qui suit :",
    'Nothing was changed:': "Rien n'a été modifié :",
    'Off': 'Désactivé',
    'On': 'Activé',
    'One extra domain fewer: the rest of its period is credited back.':
        'Un domaine supplémentaire de moins : le reste de sa période vous est crédité.',
    'Order %(id)s is placed for %(count)s extra domains.': 'La commande %(id)s de %(count)s domaines supplémentaires est passée.',
    'Order an account on the order form.': 'Commandez un compte sur le bon de commande.',
    'Payment method': 'Moyen de paiement',
    'Pending': 'En attente',
    'Plan': 'Offre',
    'Please try again': 'Veuillez réessayer',
    'Priority': 'Priorité',
    'Protect': 'Protéger',
    'Protect it now': 'Le protéger maintenant',
    'Protect their mail (%(free)s users free)': 'Protéger son courrier (%(free)s utilisateurs libres)',
    'Protected': 'Protégé',
    'Protection': 'Protection',
    ('Publish these records for each domain where its DNS is managed. Mail reaches the filtering once the MX records lead to '
     'it; changes can take a few hours to spread.'):
        ('Publiez ces enregistrements pour chaque domaine là où son DNS est géré. Le courrier passe par le filtrage dès que les'
         ' enregistrements MX y mènent ; les changements peuvent mettre quelques heures à se propager.'),
    'Received': 'Reçu',
    'Records each domain publishes': 'Enregistrements que chaque domaine publie',
    'Records to publish': 'Enregistrements à publier',
    'Remove': 'Retirer',
    'Remove %(domain)s': 'Retirer %(domain)s',
    'Remove any other MX record, or mail can go round the filtering.':
        'Retirez tout autre enregistrement MX, sinon le courrier peut contourner le filtrage.',
    'Rename or delete': 'Renommer ou supprimer',
    'Reset the password': 'Réinitialiser le mot de passe',
    'Restore to the mailbox': 'Restaurer dans la boîte aux lettres',
    'Restored': 'Restauré',
    'Save': 'Enregistrer',
    'Saved: %(name)s, %(address)s.': 'Enregistré : %(name)s, %(address)s.',
    'Search': 'Rechercher',
    'Search the archived mail': 'Rechercher dans le courrier archivé',
    'Service': 'Service',
    'Services': 'Services',
    'Sign-in': 'Connexion',
    "Spam and virus filtering for your customers' domains, with hosted mailboxes, archiving and encryption as add-ons.":
        ('Le filtrage du spam et des virus pour les domaines de vos clients, avec boîtes aux lettres hébergées, archivage '
         'et chiffrement en options.'),
    'Standing': 'État',
    'Status': 'État',
    'Stop protecting': 'Ne plus protéger',
    'Subject': 'Objet',
    'Subscriptions': 'Abonnements',
    'Switch %(service)s off': 'Désactiver « %(service)s »',
    'Switch %(service)s on': 'Activer « %(service)s »',
    'Switch off': 'Désactiver',
    'Switch on': 'Activer',
    ('Switched on, a service is charged for the rest of the period at once, at every level; switched off, the rest is '
     'credited back.'):
        ('Activé, un service est facturé aussitôt pour le reste de la période, à chaque niveau ; désactivé, le reste est '
         'crédité.'),
    'Temporary password for %(name)s': 'Mot de passe temporaire de %(name)s',
    'The account does not have archiving: switch it on to keep and restore its mail.':
        "Le compte n'a pas l'archivage : activez-le pour conserver et restaurer son courrier.",
    'The account is not set up at the email security service yet.':
        "Le compte n'est pas encore prêt au service de sécurité des e-mails.",
    'The account is not set up at the email security service yet: try again once it is active.':
        "Le compte n'est pas encore prêt au service de sécurité des e-mails : réessayez une fois qu'il est actif.",
    'The domain has no SPF record: publish the one below.': "Le domaine n'a pas d'enregistrement SPF : publiez celui ci-dessous.",
    'The domain has several SPF records: keep one, the one below.':
        "Le domaine a plusieurs enregistrements SPF : n'en gardez qu'un, celui ci-dessous.",
    "The domain's SPF record does not include the service: publish the one below instead.":
        "L'enregistrement SPF du domaine n'inclut pas le service : publiez plutôt celui ci-dessous.",
    "The domain's mail still goes to %(hosts)s: publish the records below instead.":
        'Le courrier du domaine va encore à %(hosts)s : publiez plutôt les enregistrements ci-dessous.',
    'The domains whose mail the account protects, and where each stands':
        "Les domaines dont le compte protège le courrier, et l'état de chacun",
    'The email security service is not answering just now. Try again in a minute.':
        'Le service de sécurité des e-mails ne répond pas pour le moment. Réessayez dans une minute.',
    'The email security service is not answering just now: try again in a minute.':
        'Le service de sécurité des e-mails ne répond pas pour le moment : réessayez dans une minute.',
    'The people whose mail the account protects': 'Les personnes dont le compte protège le courrier',
    'The service did not answer. Nothing was changed: try again in a minute.':
        "Le service n'a pas répondu. Rien n'a été modifié : réessayez dans une minute.",
    'They count at once.': 'Ils comptent aussitôt.',
    'To': 'À',
    'Type': 'Type',
    'Users': 'Utilisateurs',
    'Users and mailboxes': 'Utilisateurs et boîtes aux lettres',
    'Users to add': 'Utilisateurs à ajouter',
    'Value': 'Valeur',
    'Waiting for an extra domain': "En attente d'un domaine supplémentaire",
    'Words from the sender, the recipient, the subject or the text.':
        "Des mots de l'expéditeur, du destinataire, de l'objet ou du texte.",
    'You are buying %(count)s users in all: they count as soon as the service confirms.':
        'Vous achetez %(count)s utilisateurs en tout : ils comptent dès que le service le confirme.',
    'You are here': 'Vous êtes ici',
    'Your teams here may not do that. Ask a person who manages your organisation.':
        'Vos équipes ici ne peuvent pas faire cela. Demandez à une personne qui gère votre organisation.',
    'Your teams here may not read the archive. Ask a person who manages your organisation.':
        'Vos équipes ici ne peuvent pas lire les archives. Demandez à une personne qui gère votre organisation.',
    'Your users can be managed once the account is set up.': 'Vos utilisateurs se gèrent une fois le compte prêt.',
    'Your users cannot be shown just now. Try again in a minute.':
        'Vos utilisateurs ne peuvent pas être affichés pour le moment. Réessayez dans une minute.',
    'customer': 'client',
    'distributor': 'distributeur',
    'email security for %(customer)s': 'sécurité des e-mails de %(customer)s',
    "name@domain, under one of the account's domains": "nom@domaine, sous l'un des domaines du compte",
    'never': 'jamais',
    'of %(domain)s for %(customer)s': 'de %(domain)s pour %(customer)s',
    'off': 'désactivé',
    'on': 'activé',
    'reseller': 'revendeur',
    'restored %(day)s': 'restauré le %(day)s',
    '“%(subject)s” is delivered to %(to)s again.': '« %(subject)s » est de nouveau remis à %(to)s.',
    # The plugin's events in the back office's audit log (the ``audit_words`` hook).
    'Protected the domain %(domain)s (subscription %(id)s)': 'Domaine %(domain)s protégé (abonnement %(id)s)',
    'Stopped protecting the domain %(domain)s (subscription %(id)s)':
        "Domaine %(domain)s retiré de la protection (abonnement %(id)s)",
    'Checked the DNS of the domains of subscription %(id)s': "DNS des domaines de l'abonnement %(id)s vérifié",
    'Restored “%(subject)s” to %(to)s': '« %(subject)s » restauré pour %(to)s',
    # What its services answer when they refuse (``said``).
    '%(account)s has email security for %(domain)s already: change that subscription instead.':
        '%(account)s a déjà la sécurité des e-mails pour %(domain)s : modifiez plutôt cet abonnement.',
    ('%(account)s has no email security account for %(domain)s: order the account first (earlier in the same order '
     'will do).'):
        ("%(account)s n'a pas de compte de sécurité des e-mails pour %(domain)s : commandez d'abord le compte (plus "
         'haut dans la même commande, cela suffit).'),
    '%(domain)s is already protected by another account.': '%(domain)s est déjà protégé par un autre compte.',
    '%(domain)s is being ordered by another account.': '%(domain)s est en cours de commande par un autre compte.',
    '%(domain)s is named twice in this order.': '%(domain)s figure deux fois dans cette commande.',
    '%(domain)s is not a domain of this account: use %(domains)s.':
        "%(domain)s n'est pas un domaine de ce compte : utilisez %(domains)s.",
    "%(domain)s is protected by %(account)s's account for %(primary)s already.":
        '%(domain)s est déjà protégé par le compte du domaine %(primary)s, qui appartient à %(account)s.',
    "%(domain)s is the account's own domain: it goes when the account is cancelled.":
        "%(domain)s est le domaine principal du compte : il ne part qu'à la résiliation du compte.",
    '%(name)s is a name under %(domain)s: give the domain itself, %(domain)s.':
        '%(name)s est un nom sous %(domain)s : indiquez le domaine lui-même, %(domain)s.',
    '%(name)s is an extension, not a domain: give the whole name, such as example.%(name)s.':
        '%(name)s est une extension, pas un domaine : indiquez le nom complet, par exemple example.%(name)s.',
    '%(plan)s is not set up at the email security service yet: its users can be managed once it is active.':
        ("L'abonnement %(plan)s n'est pas encore prêt au service de sécurité des e-mails : ses utilisateurs pourront "
         "être gérés une fois qu'il sera actif."),
    '%(plan)s is not those services: order the plan “%(wanted)s” (%(code)s) for them.':
        "L'offre %(plan)s ne comprend pas ces services : commandez pour cela l'offre « %(wanted)s » (%(code)s).",
    '%(reason)s Add an extra domain to the account first.':
        "%(reason)s Ajoutez d'abord un domaine supplémentaire au compte.",
    '%(unknown)s: choose among %(known)s.': '%(unknown)s : choisissez parmi %(known)s.',
    'All %(count)s users of %(plan)s are protected: stop protecting someone, or buy more users.':
        ("Les %(count)s utilisateurs de l'abonnement %(plan)s sont tous protégés : cessez de protéger quelqu'un, ou "
         'achetez des utilisateurs supplémentaires.'),
    'Another order took one of these domains a moment ago: check them and try again.':
        "Une autre commande vient de prendre l'un de ces domaines : vérifiez-les et réessayez.",
    'Before the @, use at most %(most)s letters, digits and . - _ (no dot first, last or twice in a row).':
        ('Avant le @, utilisez au plus %(most)s lettres, chiffres et . - _ (pas de point au début, à la fin ni deux à '
         'la suite).'),
    'Choose how many extra domains to add, from 1 to %(most)s.':
        'Choisissez combien de domaines supplémentaires ajouter, de 1 à %(most)s.',
    'Extra domains are not on sale.': 'Les domaines supplémentaires ne sont pas en vente.',
    'Give the domains as a list, or separated by commas.':
        'Indiquez les domaines sous forme de liste, ou séparés par des virgules.',
    "Give the person's name.": 'Indiquez le nom de la personne.',
    'Give the services as a list of %(services)s.': 'Indiquez les services sous forme de liste, parmi %(services)s.',
    'Name at most %(most)s extra domains in one order.':
        'Indiquez au plus %(most)s domaines supplémentaires par commande.',
    'No email security account %(id)s.': 'Aucun compte de sécurité des e-mails %(id)s.',
    'No user %(id)s.': 'Aucun utilisateur %(id)s.',
    'Search with at most %(most)s characters.': 'Recherchez avec %(most)s caractères au plus.',
    'That set of services is no longer on sale.': "Cet ensemble de services n'est plus en vente.",
    'The account for %(domain)s has extra domains already: change their number on that subscription instead.':
        ('Le compte du domaine %(domain)s a déjà des domaines supplémentaires : modifiez plutôt leur nombre sur cet '
         'abonnement.'),
    'The account has %(service)s off already.': 'Le service « %(service)s » est déjà désactivé sur le compte.',
    'The account has %(service)s on already.': 'Le service « %(service)s » est déjà activé sur le compte.',
    'The account has no domain %(domain)s.': "Le compte n'a pas de domaine %(domain)s.",
    'The account has no extra domains.': "Le compte n'a pas de domaines supplémentaires.",
    'The account is %(status)s: its domains can be changed while it is active.':
        "Le compte est dans l'état « %(status)s » : ses domaines se modifient tant qu'il est actif.",
    'The account uses its %(count)s extra domains: remove a domain first.':
        "Le compte utilise ses %(count)s domaines supplémentaires : retirez d'abord un domaine.",
    'The archive has no message %(id)s.': 'Les archives ne contiennent aucun message %(id)s.',
    'The DNS did not answer: nothing was checked. Try again in a few minutes.':
        "Le DNS n'a pas répondu : rien n'a été vérifié. Réessayez dans quelques minutes.",
    'The email security service could not be asked whether these domains are free (%(error)s). Try again in a minute.':
        ("Le service de sécurité des e-mails n'a pas pu être interrogé sur la disponibilité de ces domaines "
         '(%(error)s). Réessayez dans une minute.'),
    'The email security service is not answering just now (%(error)s). Try again in a minute.':
        'Le service de sécurité des e-mails ne répond pas pour le moment (%(error)s). Réessayez dans une minute.',
    'The email security service is not answering just now: nothing was changed. Try again in a minute.':
        ("Le service de sécurité des e-mails ne répond pas pour le moment : rien n'a été modifié. Réessayez dans une "
         'minute.'),
    'The email security service refused: %(reason)s': 'Le service de sécurité des e-mails a refusé : %(reason)s',
    'The email security service was not asked about these domains: try again.':
        "Le service de sécurité des e-mails n'a pas été interrogé sur ces domaines : réessayez.",
    'The primary domain is not an extra domain as well.':
        'Le domaine principal ne peut pas être aussi un domaine supplémentaire.',
    'The user is not protected: %(reason)s': "L'utilisateur n'est pas protégé : %(reason)s",
    'There is no add-on %(service)s: choose among %(known)s.':
        "Il n'existe pas d'option %(service)s : choisissez parmi %(known)s.",
    'Use at most %(most)s characters.': 'Utilisez %(most)s caractères au plus.',
    'Write it as name@domain, e.g. alex@%(domain)s.':
        'Écrivez-le sous la forme nom@domaine, par exemple alex@%(domain)s.',
}


def t(text: str, **values: Any) -> str:
    """``text`` in the request's language, its placeholders filled with ``values``: what a page says."""
    return _in(current_locale(), text, values)


def said(text: str, **values: Any) -> str:
    """``text`` in the language of the person being answered (``core.languages.answering``; English for a worker or the
    command line), its placeholders filled with ``values``: what the plugin's services answer, a refusal."""
    return _in(answering(), text, values)


def _in(locale: str, text: str, values: dict[str, Any]) -> str:
    chosen = FRENCH.get(text, text) if locale == "fr" else text
    return chosen % values if values else chosen


def service_name(service: Service) -> str:
    return text_in(service.name, current_locale())


REASONS = {
    Reason.NO_MX: "No MX record of the domain leads to the service yet: publish the records below.",
    Reason.MX_ELSEWHERE: "The domain's mail still goes to %(hosts)s: publish the records below instead.",
    Reason.MX_MIXED: "%(hosts)s also receive the domain's mail, which so goes round the filtering: remove them.",
    Reason.NO_SPF: "The domain has no SPF record: publish the one below.",
    Reason.SPF_TWICE: "The domain has several SPF records: keep one, the one below.",
    Reason.SPF_WITHOUT_SERVICE: "The domain's SPF record does not include the service: publish the one below instead.",
    Reason.OK: "Mail goes through the service, and the SPF record includes it.",
}


def reason_text(reason: str, hosts: tuple[str, ...] = ()) -> str:
    """Why a DNS check came to its status, in words for the customer."""
    try:
        text = REASONS[Reason(reason)]
    except ValueError:
        return ""
    return t(text, hosts=", ".join(hosts)) if "%(hosts)s" in text else t(text)
