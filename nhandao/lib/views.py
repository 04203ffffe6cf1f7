"""What every app's pages share."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render

from nhandao.lib.errors import NeedsConfirmation, Refused


def show_refused(request, exc: Refused, form=None) -> None:
    """Show a refusal where the user looks: with a form, on the field it names (above the
    form when it names none, or one the form lacks); without, as messages on the next page,
    one per reason. A refusal the user can lift by confirming is a warning, not an error."""
    for field, reasons in exc.as_errors().items():
        for reason in reasons:
            if form is not None:
                form.add_error(field if field in form.fields else None, reason)
            elif isinstance(exc, NeedsConfirmation):
                messages.warning(request, reason)
            else:
                messages.error(request, reason)


class _SampleForm(forms.Form):
    """The style page's form: one of each field kind, bound with errors."""

    name = forms.CharField(label="Họ và tên", help_text="Viết có dấu, ví dụ Nguyễn Thị Lan.")
    amount = forms.IntegerField(label="Số tiền (đồng)", help_text="Chỉ gõ số, ví dụ 500000.")
    channel = forms.ChoiceField(
        label="Hình thức", choices=[("cash", "Tiền mặt"), ("transfer", "Chuyển khoản")]
    )
    received_on = forms.DateField(label="Ngày nhận", required=False)
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    receipt = forms.BooleanField(label="Cấp biên nhận ngay", required=False)


def style_guide(request):
    """/giao-dien/: every component of the back office on one page, for designers and for
    the accessibility check (tests/browser)."""
    form = _SampleForm({"name": "", "amount": "năm trăm", "channel": "cash"})
    form.is_valid()
    page = Paginator(range(95), 10).get_page(request.GET.get("page", 3))
    rows = [
        ("Nguyễn Văn An", "Tiền mặt", 500_000, date(2026, 10, 5), "Đã ghi sổ"),
        ("Công ty TNHH Hòa Bình", "Chuyển khoản", 25_000_000, date(2026, 10, 7), "Chờ duyệt"),
        ("Trần Thị Bích Ngọc", "Hiện vật", 1_500_000, date(2026, 10, 9), "Đã hủy"),
    ]
    return render(request, "style.html", {"form": form, "page": page, "rows": rows})
