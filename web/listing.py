"""Lists that sort, search and page the same way on every page.

A view names the columns its list sorts by and the endpoint its links go to; ``read_listing`` reads ``sort``,
``dir``, ``q`` and ``page`` from the query string against them, and ``page_of`` orders its query, counts it and takes
one page of rows.
A value that cannot be read is not an error a person must fix: an unknown column, a direction other than
``asc`` or ``desc``, a page that is no whole number from 1 fall back to the list's default, and a page past
the last shows the last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

#: Rows on a page.
PAGE_SIZE = 50
#: The query string's own arguments; a page's other arguments (its filters) are kept in its links.
OWN_ARGS = ("sort", "dir", "q", "page")

Row = TypeVar("Row")


@dataclass(frozen=True)
class Listing:
    """What a list was asked for: the column it is sorted by and which way, its search, its page (the first is 1)."""

    sort: str
    descending: bool
    search: str
    page: int
    #: The default column and direction: links leave them out.
    default: tuple[str, bool]
    #: The view its links and search go to: the list's own page, also when a refused form shows the list again.
    endpoint: str
    #: The query string's other arguments (a page's filters), kept in every link.
    others: tuple[tuple[str, str], ...] = ()

    def link(self, **changes: Any) -> dict[str, Any]:
        """The query arguments of this list with ``changes`` (``sort``, ``descending``, ``search``, ``page``)."""
        shown = replace(self, **changes)
        args: dict[str, Any] = dict(self.others)
        if (shown.sort, shown.descending) != self.default:
            args.update(sort=shown.sort, dir="desc" if shown.descending else "asc")
        if shown.search:
            args["q"] = shown.search
        if shown.page > 1:
            args["page"] = shown.page
        return args

    def sorted_by(self, column: str) -> dict[str, Any]:
        """The query arguments of the first page sorted by ``column``: the other way round when it is sorted by it already."""
        return self.link(sort=column, descending=not self.descending if column == self.sort else False, page=1)

    def aria_sort(self, column: str) -> str:
        """How ``column`` sorts the list, for its header's ``aria-sort``."""
        if column != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"


def read_listing(args: Mapping[str, str], columns: Mapping[str, Any], default: str, *, endpoint: str,
                 descending: bool = False) -> Listing:
    """The listing ``args`` ask for, sorted by one of ``columns`` (by ``default``, ``descending`` or not, when they name
    none), linking to ``endpoint``."""
    sort = args.get("sort") or default
    direction = args.get("dir", "")
    if sort not in columns:  # a column it does not sort by: its default order, whichever way was asked
        sort, direction = default, ""
    if direction not in ("asc", "desc"):
        direction = "desc" if descending and sort == default else "asc"
    page = args.get("page", "").strip()
    return Listing(
        sort=sort,
        descending=direction == "desc",
        search=args.get("q", "").strip(),
        page=int(page) if page.isascii() and page.isdigit() and int(page) > 0 else 1,
        default=(default, descending),
        endpoint=endpoint,
        others=tuple((name, value) for name, value in args.items() if name not in OWN_ARGS and value),
    )


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a list: its rows, what was asked for, and how many rows the whole list has."""

    rows: list[Row]
    listing: Listing
    total: int
    size: int = PAGE_SIZE

    @property
    def first(self) -> int:
        """The position of the page's first row in the list (1 for the first), 0 when the list is empty."""
        return (self.listing.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """The position of the page's last row in the list."""
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.listing.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.listing.page * self.size < self.total


def page_of(session: Session, query: Select[tuple[Row]], columns: Mapping[str, ColumnElement[Any]], listing: Listing, *,
            tiebreak: ColumnElement[Any], size: int = PAGE_SIZE) -> Page[Row]:
    """The page of ``query``'s rows ``listing`` asks for, in its order (``tiebreak`` orders equal values the same way
    every time), with the count of all; a page past the last is the last."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = min(listing.page, max(1, -(-total // size)))
    column = columns[listing.sort]
    order = (column.desc(), tiebreak.desc()) if listing.descending else (column.asc(), tiebreak.asc())
    rows = list(session.scalars(query.order_by(*order).limit(size).offset((number - 1) * size)))
    return Page(rows, replace(listing, page=number), total, size)
