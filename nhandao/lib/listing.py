"""The one way a back-office list pages and sorts: `listing(request, queryset, sorts)`.

A list view names the orders it offers (label and order_by fields) and gets back the page and
the chosen sort; the template includes `sort_select.html` (inside its filter form) and
`pager.html`. An unknown sort falls back to the first, so a hand-edited URL never fails.

A sort may belong to a column (`column=`, `descending=`): the column's head is then a link,
`{% sort_head listing "ten" "Họ và tên" %}`, showing the direction (▲/▼ and `aria-sort`) and
leading to the other direction — or, from another column, to the column's first sort. The link
keeps the page's filters and goes back to page 1. On a phone the heads of a `cards` table are
hidden, so the list keeps the select as well.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.html import format_html

PER_PAGE = 50


@dataclass(frozen=True)
class Sort:
    key: str  # in the URL: ?sort=<key>
    label: str  # Vietnamese, in the select
    order_by: tuple[str, ...]
    column: str = ""  # the column head that offers this order ("" : offered in the select only)
    descending: bool = False


@dataclass
class Listing:
    page: Page
    sort: Sort
    sorts: list[Sort]

    def head(self, query, column: str, label: str) -> str:
        """The <th> of `column`: a link to sort by it (see the module's docstring)."""
        offered = [s for s in self.sorts if s.column == column]
        if not offered:
            return format_html('<th scope="col">{}</th>', label)
        current = self.sort.column == column
        if current:
            other = [s for s in offered if s.descending != self.sort.descending]
            target = other[0] if other else self.sort
        else:
            target = offered[0]
        params = query.copy()
        params.pop("page", None)
        params["sort"] = target.key
        if current:
            arrow = "▼" if self.sort.descending else "▲"
            order = "descending" if self.sort.descending else "ascending"
            return format_html(
                '<th scope="col" aria-sort="{}"><a class="sort-head" href="?{}" title="{}">'
                '{} <span aria-hidden="true">{}</span></a></th>',
                order,
                params.urlencode(),
                f"Đang xếp: {self.sort.label}. Bấm để xếp: {target.label}",
                label,
                arrow,
            )
        return format_html(
            '<th scope="col"><a class="sort-head" href="?{}" title="{}">{}</a></th>',
            params.urlencode(),
            f"Bấm để xếp: {target.label}",
            label,
        )


def sorted_by(request, queryset, sorts: list[Sort]):
    """(queryset in the chosen order, the chosen Sort); the first when none or unknown."""
    wanted = request.GET.get("sort", "")
    chosen = next((s for s in sorts if s.key == wanted), sorts[0])
    return queryset.order_by(*chosen.order_by), chosen


def listing(request, queryset, sorts: list[Sort], per_page: int = PER_PAGE) -> Listing:
    ordered, chosen = sorted_by(request, queryset, sorts)
    page = Paginator(ordered, per_page).get_page(request.GET.get("page"))
    return Listing(page=page, sort=chosen, sorts=sorts)
