"""The cockpit's registries: what each app puts in the menu and on the home page.

Each installed nhandao app may have
  - `menu.py` with `ENTRIES: list[MenuEntry]` — its links, each with the permission it needs;
  - `home.py` with `waiting(user) -> list[Waiting]` (what waits for this user), and
    optionally `figures(user, org) -> list[Figure]`, `charts(user, org) -> list[Chart]`,
    `late(user, org) -> list[Late]` (the subtree's organisations behind a deadline), and
    `org_sections(user, org) -> list[OrgSection]` (what the app shows on an organisation's
    page, so orgs imports no app above it).

They are found by name (like Django admin's autodiscover), so a new app (reports, blood,
members) adds its menu entries and its waiting work without touching the home view or the
layout, and this module imports no app (lib is the bottom layer). Whoever calls `menu()` or
`waiting()` passes the permission check (orgs/access.py) in: the menu never shows a link the
user would get a 403 for.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import reverse

# the menu's groups, by task, in this order
GROUPS = ("Vận động & tiếp nhận", "Đối tượng", "Cứu trợ", "Báo cáo", "Tổ chức")

URGENT, SOON, NORMAL = "urgent", "soon", "normal"
URGENCY_ORDER = {URGENT: 0, SOON: 1, NORMAL: 2}


@dataclass(frozen=True)
class MenuEntry:
    group: str  # one of GROUPS
    label: str
    url_name: str
    # the orgs.access permission needed somewhere (access.can_anywhere); "" = any signed-in user
    perm: str = "view"
    args: tuple = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.args)


@dataclass(frozen=True)
class Waiting:
    """Something waiting for the user: "3 phân bổ chờ duyệt" → the list that shows them."""

    label: str
    count: int
    url: str
    urgency: str = NORMAL  # URGENT (overdue, failed), SOON (due within days), NORMAL
    hint: str = ""  # one short line: the nearest deadline, the newest failure


def counted(queryset, detail: str, listing: str) -> tuple[int, str]:
    """(how many, where to go): the record's own page when there is one, else `listing`.
    One query when nothing waits (the usual case), two otherwise."""
    pks = list(queryset.values_list("pk", flat=True)[:2])
    if len(pks) < 2:
        return len(pks), reverse(detail, args=pks) if pks else listing
    return queryset.count(), listing


@dataclass(frozen=True)
class Figure:
    label: str
    value: str  # already formatted ("1.500.000 ₫", "200 khoản")
    url: str = ""


@dataclass
class Chart:
    """One chart for Chart.js: labels on the x axis, one or more series of numbers."""

    title: str
    labels: list[str]
    series: list[tuple[str, list[int]]] = field(default_factory=list)
    kind: str = "bar"
    unit: str = ""

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        """The same numbers as a table (shown under the chart for those who cannot see it)."""
        return [
            (label, [values[i] for _, values in self.series]) for i, label in enumerate(self.labels)
        ]

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "unit": self.unit,
            "labels": self.labels,
            "series": [{"name": n, "values": v} for n, v in self.series],
        }


@dataclass(frozen=True)
class Late:
    """An organisation of the subtree behind a deadline."""

    organisation: str
    reason: str
    url: str


@dataclass(frozen=True)
class OrgSection:
    """A part of an organisation's page drawn by another app: a heading and a template
    (rendered with `section` = this object)."""

    title: str
    template: str
    context: dict = field(default_factory=dict)


@cache
def app_modules(module: str) -> tuple:
    """The `<app>.<module>` modules of every installed nhandao app, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("nhandao."):
            continue
        name = f"{config.name}.{module}"
        if find_spec(name) is not None:
            found.append(import_module(name))
    return tuple(found)


def menu(can: Callable[[str], bool]) -> list[tuple[str, list[MenuEntry]]]:
    """[(group, entries)] of the entries whose permission `can(perm)` grants, groups in the
    order of GROUPS, empty groups left out."""
    by_group: dict[str, list[MenuEntry]] = {g: [] for g in GROUPS}
    allowed: dict[str, bool] = {}
    for module in app_modules("menu"):
        for entry in module.ENTRIES:
            if entry.perm not in allowed:
                allowed[entry.perm] = can(entry.perm) if entry.perm else True
            if allowed[entry.perm]:
                by_group.setdefault(entry.group, []).append(entry)
    return [(group, entries) for group, entries in by_group.items() if entries]


def _collect(function: str, *args) -> list:
    out = []
    for module in app_modules("home"):
        provider = getattr(module, function, None)
        if provider is not None:
            out.extend(provider(*args))
    return out


def waiting(user) -> list[Waiting]:
    """Everything waiting for `user` (counts within the user's reach only), most urgent first;
    nothing with a count of zero."""
    items = [w for w in _collect("waiting", user) if w.count]
    return sorted(items, key=lambda w: URGENCY_ORDER.get(w.urgency, 9))


def figures(user, org) -> list[Figure]:
    return _collect("figures", user, org)


def charts(user, org) -> list[Chart]:
    return _collect("charts", user, org)


def late(user, org) -> list[Late]:
    return _collect("late", user, org)


def org_sections(user, org) -> list[OrgSection]:
    """The sections the apps add to `org`'s page for `user` (who may view it)."""
    return _collect("org_sections", user, org)
