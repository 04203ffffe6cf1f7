"""The one way a back-office list pages and sorts: `listing(request, queryset, sorts)`.

A list view names the orders it offers (label and order_by fields) and gets back the page and
the chosen sort; the template includes `sort_select.html` (inside its filter form) and
`pager.html`. An unknown sort falls back to the first, so a hand-edited URL never fails.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PER_PAGE = 50


@dataclass(frozen=True)
class Sort:
    key: str  # in the URL: ?sort=<key>
    label: str  # Vietnamese, in the select
    order_by: tuple[str, ...]


@dataclass
class Listing:
    page: Page
    sort: Sort
    sorts: list[Sort]


def sorted_by(request, queryset, sorts: list[Sort]):
    """(queryset in the chosen order, the chosen Sort); the first when none or unknown."""
    wanted = request.GET.get("sort", "")
    chosen = next((s for s in sorts if s.key == wanted), sorts[0])
    return queryset.order_by(*chosen.order_by), chosen


def listing(request, queryset, sorts: list[Sort], per_page: int = PER_PAGE) -> Listing:
    ordered, chosen = sorted_by(request, queryset, sorts)
    page = Paginator(ordered, per_page).get_page(request.GET.get("page"))
    return Listing(page=page, sort=chosen, sorts=sorts)
