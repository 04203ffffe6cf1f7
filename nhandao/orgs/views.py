"""Pages of the map, the organisation tree and organisation management.

Each view: parse input → access check (orgs/access.py) → one action → render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from nhandao.audit.models import AuditEvent
from nhandao.lib import cockpit as registry
from nhandao.lib import notify
from nhandao.orgs import access, actions, cockpit, forms, lookups
from nhandao.orgs.models import (
    AdminLevel,
    AdminMap,
    AdminUnit,
    Organisation,
    Role,
)


@login_required
def home(request):
    """Work to do: what waits for this user (every app's home.py), the key figures of the
    organisation in context and one chart; leaders see who is late below them."""
    user = request.user
    org = cockpit.context_organisation(request)
    charts = registry.charts(user, org)
    context = {
        "org": org,
        "waiting": registry.waiting(user),
        "figures": registry.figures(user, org),
        "chart": charts[0] if charts else None,
        "chart_data": charts[0].as_json() if charts else None,
        "late": registry.late(user, org),
        "roles": user.roles.select_related("organisation"),
        "notifications": list(notify.unread(user)[:5]),
        "unread_count": notify.unread(user).count(),
    }
    if org is not None:
        context["active_count"] = Organisation.objects.subtree_of(org).active().count() - 1
    return render(request, "orgs/home.html", context)


@login_required
@require_POST
def org_switch(request):
    """Choose the organisation in context among those where the user holds a role."""
    chosen = request.POST.get("org", "")
    for org in cockpit.role_organisations(request.user):
        if str(org.pk) == chosen:
            request.session[cockpit.SESSION_KEY] = org.pk
            messages.success(request, f"Đang làm việc cho: {org.name}.")
            break
    else:
        messages.error(request, "Bạn không có vai trò ở tổ chức đã chọn.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "home"
    return redirect(target or "home")


@login_required
def org_list(request):
    query = request.GET.get("q", "").strip()
    show_inactive = request.GET.get("all") == "1"
    orgs = Organisation.objects.for_user(request.user).select_related("parent", "admin_unit")
    if not show_inactive:
        orgs = orgs.active()
    if query:
        orgs = orgs.search(query)
        page = Paginator(orgs.order_by("path"), 50).get_page(request.GET.get("page"))
        roots = []
    else:
        page = None
        roots = Organisation.objects.filter(path__in=access.reach_paths(request.user))
        if access.is_everywhere(request.user):
            roots = Organisation.objects.filter(parent=None)
    return render(
        request,
        "orgs/org_list.html",
        {"query": query, "page": page, "roots": roots, "show_inactive": show_inactive},
    )


@login_required
def org_detail(request, pk):
    org = access.get_org(request.user, pk)
    context = {
        "org": org,
        "ancestors": [a for a in org.ancestors() if access.can(request.user, "view", a)],
        "children": org.children.active()
        .select_related("admin_unit__province")  # its name shows the province: no query each
        .order_by("name_key"),
        "predecessors": org.predecessors.order_by("name_key"),
        "roles": org.roles.select_related("user").order_by("role", "user__username"),
        "history": AuditEvent.objects.about(org)[:50],
        "can_manage": access.can(request.user, "manage_orgs", org),
        "can_manage_users": access.can(request.user, "manage_users", org),
        "sections": registry.org_sections(request.user, org),  # leaders (people), …
    }
    return render(request, "orgs/org_detail.html", context)


def _form_page(request, form, title, org=None, submit="Lưu"):
    return render(
        request, "orgs/form.html", {"form": form, "title": title, "org": org, "submit": submit}
    )


@login_required
def org_create(request):
    access.require_anywhere(request.user, "manage_orgs")
    initial = {"parent": request.GET.get("parent", "")}
    form = forms.OrganisationCreateForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = actions.create_organisation(request.user, **form.action_fields())
        messages.success(request, f"Đã tạo tổ chức “{org}”.")
        return redirect("org_detail", pk=org.pk)
    return _form_page(request, form, "Tạo tổ chức mới", submit="Tạo")


@login_required
def org_rename(request, pk):
    org = access.get_org(request.user, pk, "manage_orgs")
    form = forms.RenameForm(request.POST or None, actor=request.user, initial={"name": org.name})
    if request.method == "POST" and form.is_valid():
        actions.rename_organisation(request.user, org, form.cleaned_data["name"])
        messages.success(request, "Đã đổi tên.")
        return redirect("org_detail", pk=org.pk)
    return _form_page(request, form, f"Đổi tên “{org}”", org)


@login_required
def org_move(request, pk):
    org = access.get_org(request.user, pk, "manage_orgs")
    form = forms.MoveForm(request.POST or None, actor=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        actions.move_organisation(request.user, org, form.cleaned_data["new_parent"])
        messages.success(request, "Đã chuyển tổ chức.")
        return redirect("org_detail", pk=org.pk)
    return _form_page(request, form, f"Chuyển “{org}” sang cấp trên khác", org)


@login_required
def org_merge(request, pk):
    """Merge other organisations into this one (this one keeps the history)."""
    org = access.get_org(request.user, pk, "manage_orgs")
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["into"] = org.code
    form = forms.MergeForm(data, actor=request.user, initial={"into": org.code})
    form.fields["into"].disabled = True
    if data is not None and form.is_valid():
        sources = list(form.cleaned_data["sources"])
        actions.merge_organisations(request.user, sources, org, form.cleaned_data["on"])
        messages.success(request, f"Đã hợp nhất {len(sources)} tổ chức vào “{org}”.")
        return redirect("org_detail", pk=org.pk)
    return _form_page(request, form, f"Hợp nhất các tổ chức vào “{org}”", org, "Hợp nhất")


@login_required
def org_dissolve(request, pk):
    org = access.get_org(request.user, pk, "manage_orgs")
    form = forms.DissolveForm(request.POST or None, actor=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.dissolve_organisation(request.user, org, data["successor"], data["on"])
        messages.success(request, f"Đã giải thể “{org}”.")
        return redirect("org_detail", pk=org.pk)
    return _form_page(request, form, f"Giải thể “{org}”", org, "Giải thể")


@login_required
def org_users(request, pk):
    """Users and roles in the subtree of `org`; grant roles and create users (org admins)."""
    org = access.get_org(request.user, pk, "manage_users")
    initial = {"organisation": org.code}
    grant_form = forms.GrantRoleForm(None, actor=request.user, initial=initial)
    user_form = forms.UserCreateForm(None, actor=request.user, initial=initial)
    if request.method == "POST" and request.POST.get("form") == "grant":
        grant_form = forms.GrantRoleForm(request.POST, actor=request.user)
        if grant_form.is_valid():
            data = grant_form.cleaned_data
            actions.grant_role(request.user, data["user"], data["organisation"], data["role"])
            messages.success(request, "Đã trao vai trò.")
            return redirect("org_users", pk=org.pk)
    elif request.method == "POST" and request.POST.get("form") == "create":
        user_form = forms.UserCreateForm(request.POST, actor=request.user)
        if user_form.is_valid():
            data = user_form.cleaned_data
            actions.create_user(
                request.user,
                **{
                    k: data[k]
                    for k in ("username", "full_name", "email", "password", "organisation", "role")
                },
            )
            messages.success(request, f"Đã tạo người dùng “{data['username']}”.")
            return redirect("org_users", pk=org.pk)
    roles = (
        Role.objects.filter(organisation__path__startswith=org.path)
        .select_related("user", "organisation")
        .order_by("organisation__path", "user__username")
    )
    return render(
        request,
        "orgs/org_users.html",
        {"org": org, "roles": roles, "grant_form": grant_form, "user_form": user_form},
    )


@login_required
@require_POST
def role_revoke(request, pk):
    role = lookups.get_role(request.user, pk)
    if role.user_id == request.user.pk and not access.is_everywhere(request.user):
        messages.error(request, "Bạn không thể tự thu hồi vai trò của chính mình.")
    else:
        actions.revoke_role(request.user, role)
        messages.success(request, "Đã thu hồi vai trò.")
    return redirect("org_users", pk=role.organisation_id)


def unit_list(request):
    """Public: the administrative map is public data."""
    query = request.GET.get("q", "").strip()
    admin_map = request.GET.get("map", AdminMap.NEW)
    level = request.GET.get("level", "")
    units = AdminUnit.objects.select_related("province", "parent").filter(map=admin_map)
    if level in AdminLevel.values:
        units = units.filter(level=level)
    elif not query:
        units = units.filter(level=AdminLevel.PROVINCE)
    units = units.search(query).order_by("level", "name_key", "pk")
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/unit_list.html",
        {
            "page": page,
            "query": query,
            "admin_map": admin_map,
            "level": level,
            "maps": AdminMap.choices,
            "levels": AdminLevel.choices,
        },
    )


def unit_detail(request, pk):
    unit = get_object_or_404(AdminUnit.objects.select_related("province", "parent"), pk=pk)
    children = unit.children.order_by("name_key")
    if unit.level == AdminLevel.PROVINCE and unit.map == AdminMap.OLD:
        children = AdminUnit.objects.filter(province=unit, level=AdminLevel.DISTRICT)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "children": children.order_by("name_key"),
            "new_units": unit.new_units(),
            "old_units": unit.old_units(),
        },
    )


@login_required
def cluster_list(request):
    """Clusters whose owner or one of whose members is within the user's reach."""
    clusters = lookups.clusters(request.user).select_related("owner").prefetch_related("members")
    return render(request, "orgs/cluster_list.html", {"clusters": clusters})
