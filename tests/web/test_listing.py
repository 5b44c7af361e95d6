"""Lists read their order, search and page from the query string, whatever is written there (``web.listing``)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.models.accounts import Account, AccountKind
from web.listing import page_of, read_listing

COLUMNS = {"name": func.lower(Account.name), "created": Account.created_at}
ENDPOINT = "backoffice.accounts"


def test_a_list_asked_nothing_is_the_first_page_in_its_default_order():
    listing = read_listing({}, COLUMNS, "name", endpoint=ENDPOINT)
    assert (listing.sort, listing.descending, listing.search, listing.page) == ("name", False, "", 1)
    assert read_listing({}, COLUMNS, "created", endpoint=ENDPOINT, descending=True).descending


@pytest.mark.parametrize("args", [{"sort": "password"}, {"sort": "name", "dir": "sideways"}, {"page": "abc"},
                                  {"page": "-1"}, {"page": "0"}, {"page": "٣"}, {"page": " "}])
def test_what_cannot_be_read_falls_back_to_the_default(args):
    listing = read_listing(args, COLUMNS, "name", endpoint=ENDPOINT)
    assert (listing.sort, listing.descending, listing.page) == ("name", False, 1)


def test_links_keep_the_filters_and_leave_out_the_defaults():
    listing = read_listing({"sort": "created", "dir": "desc", "q": " maple ", "page": "3", "kind": "customer", "x": ""},
                           COLUMNS, "name", endpoint=ENDPOINT)
    assert listing.search == "maple"
    assert listing.link(page=4) == {"kind": "customer", "sort": "created", "dir": "desc", "q": "maple", "page": 4}
    assert listing.sorted_by("created") == {"kind": "customer", "sort": "created", "dir": "asc", "q": "maple"}
    assert listing.sorted_by("name") == {"kind": "customer", "q": "maple"}
    assert (listing.aria_sort("created"), listing.aria_sort("name")) == ("descending", "none")


def test_a_page_is_ordered_counted_and_past_the_last_is_the_last(db, demo, make_account):
    parent = make_account(AccountKind.RESELLER, demo["northwind"], name="Lister")
    for name in ("delta", "Alpha", "charlie", "Bravo", "echo"):
        make_account(AccountKind.CUSTOMER, parent, name=name)
    query = select(Account).where(Account.parent_id == parent.id)

    def names(args, size=2):
        listing = read_listing(args, COLUMNS, "name", endpoint=ENDPOINT)
        page = page_of(db, query, COLUMNS, listing, tiebreak=Account.id, size=size)
        return [account.name for account in page.rows], page

    first, page = names({})
    assert first == ["Alpha", "Bravo"] and (page.first, page.last, page.total) == (1, 2, 5)
    assert not page.has_previous and page.has_next
    last, page = names({"dir": "desc", "page": "99"})
    assert last == ["Alpha"] and page.listing.page == 3 and (page.first, page.last) == (5, 5) and not page.has_next
    empty, page = names({}, size=50)
    assert len(empty) == 5 and not page.has_next
    nothing = page_of(db, query.where(Account.id < 0), COLUMNS, read_listing({}, COLUMNS, "name", endpoint=ENDPOINT),
                      tiebreak=Account.id)
    assert (nothing.rows, nothing.first, nothing.last, nothing.listing.page) == ([], 0, 0, 1)
