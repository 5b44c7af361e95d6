"""Email security in the back office: a seller's customers' accounts, each one's page as the
customer has it on its storefront (``views``: domains, DNS, add-ons, extra domains, archive), and
for a seller the totals of the accounts below each account it sells to (a distributor's resellers).

Users and mailboxes are the core's users pages (``/bss/subscriptions/<id>/users``): the product
has a user directory. Mounted under ``/bss`` through the ``backoffice_pages`` hook.
"""

from __future__ import annotations

from flask_babel import LazyString

from core.models.accounts import AccountKind
from plugins.email_security.accounts import list_accounts, totals_by_account_sold_to
from plugins.email_security.texts import t
from plugins.email_security.views import BACKOFFICE, account_pages
from web.database import db
from web.pages import BackofficePages, NavEntry, current_account, render_page, sign_in_required

bp = account_pages(BACKOFFICE)
#: Its label is in the plugin's own texts, not the core's catalog.
pages = BackofficePages(bp, nav=(NavEntry(LazyString(t, "Email security"), "email_security.accounts"),))


@bp.get("/")
@sign_in_required
def accounts() -> str:
    viewer = current_account()
    totals = totals_by_account_sold_to(db.session, viewer) if viewer.kind is not AccountKind.CUSTOMER else []
    return render_page("email_security/backoffice/accounts.html", accounts=list_accounts(db.session, viewer),
                       totals=totals, viewer=viewer)
