"""The public form on which a person asks an organisation to see, correct, erase or restrict
their personal data (Decree 13/2023, the 2025 Law; docs/decisions/0025-personal-data.md),
without an account: it lands in the organisation's queue "received, identity not yet
verified" with the legal deadline running (orgs/datarequests.py: file_request), and the
filer gets a reference number and the deadline date. Rate-limited per client address
(lib/ratelimit.py, scope "request"), as the other public forms are; the organisation is
chosen with a picker over the public organisations, searched by name (never a code)."""

from django import forms
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from nhandao.lib import pickers, ratelimit
from nhandao.lib.errors import Refused
from nhandao.lib.widgets import Picker
from nhandao.orgs import datarequests
from nhandao.orgs.models import FilingRecords, Organisation

TOO_MANY = (
    "Có quá nhiều yêu cầu gửi từ thiết bị này trong thời gian ngắn. Vui lòng thử lại sau "
    "{seconds} giây."
)

# the form's summary puts the field's label before it
CONTACT_WRONG = "Cần một số điện thoại (9–11 chữ số) hoặc một địa chỉ thư điện tử để trả lời bạn."


def org_hint(org: Organisation) -> str:
    """The level and the place, so two chapters of the same name can be told apart."""
    place = org.admin_unit.name if org.admin_unit_id else ""
    return " · ".join(p for p in (org.get_kind_display(), org.get_level_display(), place) if p)


class FilingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Bạn muốn", widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn xem, sửa, xoá hoặc hạn chế.",
                        "invalid_choice": "Hãy chọn một loại trong danh sách."},
    )  # fmt: skip
    full_name = forms.CharField(
        label="Họ và tên", max_length=150,
        error_messages={"required": "Không được để trống.",
                        "max_length": "Tối đa 150 ký tự."},
    )  # fmt: skip
    contact = forms.CharField(
        label="Số điện thoại hoặc thư điện tử để tổ chức trả lời bạn", max_length=150,
        error_messages={"required": CONTACT_WRONG, "max_length": CONTACT_WRONG},
    )  # fmt: skip
    organisation = forms.ModelChoiceField(
        None, label="Tổ chức đang giữ dữ liệu của bạn",
        widget=Picker(url=reverse_lazy("portal_pick_organisations"), hint=org_hint,
                      placeholder="Gõ tên hội, tên xã/phường hoặc tỉnh…"),
        error_messages={"required": "Hãy chọn tổ chức đang giữ dữ liệu của bạn (gõ tên "
                        "để tìm).",
                        "invalid_choice": "Hãy chọn một tổ chức trong danh sách."},
    )  # fmt: skip
    records = forms.ChoiceField(
        label="Dữ liệu nào", choices=FilingRecords.choices, widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn một mục (chọn “Tôi không rõ” nếu không "
                        "chắc).",
                        "invalid_choice": "Hãy chọn một mục trong danh sách."},
    )  # fmt: skip
    detail = forms.CharField(
        label="Nội dung (điều cần xem, cần sửa, lý do…)", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Tối đa 4.000 ký tự."},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k.code, f"{k.label} (trả lời trong {k.deadline_hours} giờ)")
            for k in datarequests.kinds()
        ]
        self.fields["organisation"].queryset = datarequests.public_organisations().select_related(
            "admin_unit"
        )

    def clean_contact(self):
        contact = datarequests.clean_contact(self.cleaned_data["contact"])
        if not contact:
            raise forms.ValidationError(CONTACT_WRONG)
        return contact


@require_http_methods(["GET", "POST"])
def file_request(request):
    form = FilingForm(request.POST or None)
    filing, status, wait = None, 200, 0
    if request.method == "POST":
        wait = ratelimit.hit(request, "request")
    if wait:
        form, status = FilingForm(), 429
        error = TOO_MANY.format(seconds=wait)
    else:
        error = ""
    if request.method == "POST" and not wait:
        if form.is_valid():
            data = form.cleaned_data
            try:
                filing = datarequests.file_request(
                    data["organisation"], data["kind"], data["full_name"], data["contact"],
                    data["records"], data["detail"],
                )  # fmt: skip
            except Refused as refusal:
                form.add_error(None, refusal.message)
                status = 422
        else:
            status = 422
    response = render(request, "portal/data_request.html",
                      {"form": form, "filing": filing, "error": error}, status=status)  # fmt: skip
    if wait:
        response["Retry-After"] = str(wait)
    return response


@require_GET
def search_organisations(request):
    """The picker's search over the public organisations, by folded name or place."""
    wait = ratelimit.hit(request, "search")
    if wait:
        return pickers.answer([])
    orgs = datarequests.public_organisations().select_related("admin_unit")
    for term in pickers.terms(request):
        orgs = orgs.filter(name_key__contains=term)
    orgs = orgs.order_by("level", "name_key", "pk")
    return pickers.answer((o.pk, o.name, org_hint(o)) for o in orgs[: pickers.RESULTS])
