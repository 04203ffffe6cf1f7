"""Pickers over organisations and the map: the form fields, their hints and defaults, and
the search endpoints (`/tra-cuu/to-chuc`, `/tra-cuu/xa-phuong`) they fetch from."""

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, When
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from nhandao.lib import pickers
from nhandao.lib.widgets import Picker
from nhandao.orgs import access
from nhandao.orgs.models import AdminLevel, AdminMap, AdminUnit, Organisation

OLD_UNITS = Prefetch("predecessor_links__old_unit", queryset=AdminUnit.objects.order_by("name"))


def org_hint(org: Organisation) -> str:
    return f"{org.get_level_display()} · mã {org.code}"


def unit_hint(unit: AdminUnit) -> str:
    """The names a commune had before 1 July 2025 (people still say them)."""
    old = sorted({link.old_unit.name for link in unit.predecessor_links.all()} - {unit.name})
    return ("Trước 01/07/2025: " + ", ".join(old)) if old else ""


def org_picker(perm: str | None = None) -> Picker:
    url = reverse_lazy("pick_organisations")
    if perm:
        url = format_lazy("{}?quyen={}", url, perm)
    return Picker(url=url, hint=org_hint, placeholder="Gõ tên tổ chức…")


def unit_picker(levels=(AdminLevel.COMMUNE,)) -> Picker:
    url = reverse_lazy("pick_units")
    if tuple(levels) != (AdminLevel.COMMUNE,):
        url = format_lazy("{}?cap={}", url, ",".join(levels))
    return Picker(url=url, hint=unit_hint, placeholder="Gõ tên xã/phường (tên mới hoặc cũ)…")


def current_units(levels=(AdminLevel.COMMUNE,)):
    """Units on the current map, with the province for the label and old names for hints."""
    return (
        AdminUnit.objects.filter(map=AdminMap.NEW, level__in=levels)
        .select_related("province")
        .prefetch_related(OLD_UNITS)
        .order_by("level", "name")
    )


def area_communes(user):
    """The current-map communes of the user's home organisation's area (None: everywhere)."""
    org = access.home_organisation(user)
    units = access.area_units(org) if org is not None else []
    if units is None:
        return None
    communes = [u.pk for u in units if u.level == AdminLevel.COMMUNE]
    provinces = [u.pk for u in units if u.level == AdminLevel.PROVINCE]
    return current_units().filter(Q(pk__in=communes) | Q(province__in=provinces))


def home_default(user, queryset) -> Organisation | None:
    """The obvious organisation: the only one offered, or the user's own."""
    first_two = list(queryset[:2])
    if len(first_two) == 1:
        return first_two[0]
    home = access.home_organisation(user)
    if home is not None and queryset.filter(pk=home.pk).exists():
        return home
    return None


def preselect(form, name: str, perm: str) -> None:
    """The user's organisation as the initial value of an organisation field."""
    field = form.fields[name]
    if form.is_bound or form.initial.get(name):
        return
    org = home_default(form.actor, field.queryset)
    if org is not None:
        form.initial[name] = org.code


@login_required
def search_organisations(request):
    perm = request.GET.get("quyen", "")
    if perm in access.PERMISSIONS:
        orgs = Organisation.objects.for_user(request.user, perm).active()
    else:
        orgs = Organisation.objects.active()
    by_code = orgs.filter(code__iexact=request.GET.get("q", "").strip())
    if by_code.exists():  # a code typed whole (what the API and old habits use)
        orgs = by_code
    for term in [] if by_code.exists() else pickers.terms(request):
        orgs = orgs.filter(Q(name_key__contains=term) | Q(code__iexact=term))
    orgs = orgs.order_by("level", "name_key")
    return pickers.answer((o.code, o.name, org_hint(o)) for o in orgs[: pickers.RESULTS])


@login_required
def search_units(request):
    """Current-map units by their name or a name they had before the 2025 merger."""
    levels = [c for c in request.GET.get("cap", "commune").split(",") if c in AdminLevel.values]
    units = current_units(levels or [AdminLevel.COMMUNE])
    words = pickers.terms(request)
    for term in words:
        old = AdminUnit.objects.filter(
            name_key__contains=term, successor_links__new_unit=OuterRef("pk")
        )
        units = units.filter(
            Q(name_key__contains=term)
            | Q(code=term.lstrip("0") or term)
            | Q(province__name_key__contains=term)
            | Q(Exists(old))
        )
    # the units whose own name holds the query come first, then those found by an old name
    whole = Q(name_key__contains=" ".join(words))
    units = units.annotate(rank=Case(When(whole, then=0), default=1)).order_by("rank", "name")
    return pickers.answer(
        (u.code, str(u), unit_hint(u)) for u in units.distinct()[: pickers.RESULTS]
    )


def commune_label(code) -> str | None:
    unit = (
        AdminUnit.objects.filter(
            map=AdminMap.NEW, level=AdminLevel.COMMUNE, code=str(code).strip().lstrip("0")
        )
        .select_related("province")
        .first()
    )
    return str(unit) if unit is not None else None


def attach_communes(form, name: str) -> None:
    """A commune-code field as a picker: the communes of the user's area offered (the only
    one preselected on a new form), any other found by searching its new or old name."""
    widget = form.fields[name].widget
    area = area_communes(form.actor)
    # labels only (no old names: those come with a search), so no prefetch
    offered = list(area.prefetch_related(None)[:LOCAL_OFFER]) if area is not None else []
    widget.labels = commune_label
    widget.preferred = [(u.code, str(u)) for u in offered]
    if len(offered) == 1 and not form.is_bound and not form.initial.get(name):
        form.initial[name] = offered[0].code


LOCAL_OFFER = 300


def unit_label(code) -> str | None:
    """A province or commune of the current map by its code (a commune first, as the
    organisation form resolves it)."""
    unit = (
        AdminUnit.objects.filter(map=AdminMap.NEW, code=str(code).strip().lstrip("0"))
        .exclude(level=AdminLevel.DISTRICT)
        .select_related("province")
        .order_by("level")
        .first()
    )
    return str(unit) if unit is not None else None
