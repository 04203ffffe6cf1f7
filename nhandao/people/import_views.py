"""Pages of the member and volunteer lists (issue #20, item 8): upload → the list checked
in the background → the officer confirms → committed by a queued task. Thin: access
(lookups.py) → one function of importers.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nhandao.lib.downloads import XLSX, attachment
from nhandao.lib.errors import Refused
from nhandao.lib.views import show_refused
from nhandao.orgs import access
from nhandao.people import forms, importers, lookups
from nhandao.people.models import ListKind

TITLES = {
    ListKind.MEMBERS: "Nhập danh sách hội viên",
    ListKind.VOLUNTEERS: "Nhập danh sách tình nguyện viên",
}
TEMPLATE_NAMES = {
    ListKind.MEMBERS: "mau-danh-sach-hoi-vien.xlsx",
    ListKind.VOLUNTEERS: "mau-danh-sach-tinh-nguyen-vien.xlsx",
}


def _upload(request, kind):
    access.require_anywhere(request.user, "edit")
    form = forms.ListImportForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp = importers.start(request.user, form.cleaned_data["organisation"], kind,
                                  upload.name, upload.read())  # fmt: skip
            if imp.repeated:
                messages.info(request, imp.repeat_message())
            return redirect("member_import", pk=imp.pk)
        except Refused as exc:
            show_refused(request, exc, form)
    imports = lookups.member_imports(request.user).filter(kind=kind).select_related(
        "organisation").defer("errors", "warnings")[:20]  # fmt: skip
    return render(request, "people/import.html", {
        "form": form, "kind": kind, "title": TITLES[kind], "imports": imports,
        "columns": list(importers.COLUMNS[kind].values()),
        "required": [importers.COLUMNS[kind][n] for n in importers.REQUIRED[kind]],
    }, status=422 if form.is_bound else 200)  # fmt: skip


@login_required
def member_import_upload(request):
    return _upload(request, ListKind.MEMBERS)


@login_required
def volunteer_import_upload(request):
    return _upload(request, ListKind.VOLUNTEERS)


def _template(kind):
    return attachment(importers.template_workbook(kind), TEMPLATE_NAMES[kind], XLSX)


@login_required
def member_import_template(request):
    return _template(ListKind.MEMBERS)


@login_required
def volunteer_import_template(request):
    return _template(ListKind.VOLUNTEERS)


@login_required
def member_import_detail(request, pk):
    imp = lookups.get_member_import(request.user, pk)
    return render(request, "people/import_detail.html", {
        "imp": imp, "title": TITLES[imp.kind], "errors": imp.errors[:500],
        "warnings": imp.warnings[:500],
        "can_edit": access.can(request.user, "edit", imp.organisation),
        "upload_url": "member_import_upload" if imp.kind == ListKind.MEMBERS
        else "volunteer_import_upload",
    })  # fmt: skip


@login_required
@require_POST
def member_import_confirm(request, pk):
    imp = lookups.get_member_import(request.user, pk, "edit")
    try:
        if request.POST.get("cancel"):
            importers.cancel(request.user, imp)
            messages.info(request, "Đã bỏ danh sách, không nhập.")
        else:
            importers.confirm(request.user, imp)
            messages.success(request, "Đang nhập trong nền; trang này cho biết khi xong.")
    except Refused as exc:
        show_refused(request, exc)
    return redirect("member_import", pk=pk)


@login_required
def member_import_rejected(request, pk):
    imp = lookups.get_member_import(request.user, pk)
    return attachment(importers.rejected_workbook(imp), f"dong-bi-tu-choi-{imp.pk}.xlsx", XLSX)
