"""Validation of movements (the pages and the API share it): launching a year, a level's
part (its dates and targets), launching the parts below. Targets are typed as offices type
them ("1.500.000"); a target below zero is refused on its own field."""

from django import forms
from django.utils import timezone

from nhandao.lib.money import AmountError, parse_vnd
from nhandao.movements.models import TargetKind


class TargetField(forms.CharField):
    """A target: a whole number ≥ 0 ("1.500.000" or "1500000"); blank = no target."""

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(label=label, **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in (None, ""):
            return None
        if len(text) > 30:
            raise forms.ValidationError("Số quá dài.")
        try:
            number = parse_vnd(text, negative=True)
        except AmountError as exc:
            raise forms.ValidationError(f"Phải là một số nguyên, ví dụ 1.500.000 ({exc}).") from exc
        if number < 0:
            raise forms.ValidationError(f"Chỉ tiêu không được nhỏ hơn 0 (đã nhập {text}).")
        return number


class TargetsMixin:
    """One field per target kind: `target_<kind>`; `targets()` → {kind: value}."""

    def add_target_fields(self, initial: dict | None = None):
        for kind, label in TargetKind.choices:
            self.fields[f"target_{kind}"] = TargetField(label=f"Chỉ tiêu: {label}")
            if initial and kind in initial:
                self.fields[f"target_{kind}"].initial = f"{initial[kind]:,}".replace(",", ".")

    def targets(self) -> dict[str, int]:
        return {
            kind: self.cleaned_data[f"target_{kind}"]
            for kind, _ in TargetKind.choices
            if self.cleaned_data.get(f"target_{kind}") is not None
        }


class EditionForm(TargetsMixin, forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    theme = forms.CharField(label="Chủ đề của năm", max_length=255, required=False)
    launch_date = forms.DateField(
        label="Ngày phát động (dd/mm/yyyy)", required=False, help_text="Để trống: ngày thường lệ"
    )
    receiving_end = forms.DateField(
        label="Ngày kết thúc (dd/mm/yyyy)", required=False, help_text="Để trống: ngày thường lệ"
    )

    def __init__(self, *args, movement=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        year = today.year
        if movement is not None and movement.usual_dates(year)[1] < today:
            year += 1
        self.fields["year"].initial = year
        defaults = {}
        if movement is not None:
            defaults = dict(
                movement.defaults.filter(level="central").values_list("kind", "value")
            )  # fmt: skip
        self.add_target_fields(defaults)


class PartForm(TargetsMixin, forms.Form):
    theme = forms.CharField(label="Chủ đề", max_length=255, required=False)
    launch_date = forms.DateField(label="Ngày phát động (dd/mm/yyyy)")
    receiving_end = forms.DateField(label="Ngày kết thúc (dd/mm/yyyy)", required=False)

    def __init__(self, *args, campaign=None, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.fields["theme"].initial = campaign.theme
            self.fields["launch_date"].initial = campaign.launch_date
            self.fields["receiving_end"].initial = campaign.receiving_end
        self.add_target_fields(targets)


class LaunchForm(forms.Form):
    depth = forms.ChoiceField(
        label="Phát động cho",
        choices=[("children", "Cấp ngay dưới"), ("all", "Mọi cấp dưới (tỉnh và xã)")],
        initial="children",
    )


class RedeemForm(forms.Form):
    """A scan at a stall: the voucher's code (from its QR), the stall, the scan's id (a retry
    sends the same id: answered, not redeemed twice)."""

    code = forms.CharField(label="Mã phiếu quà", max_length=20)
    stall = forms.ModelChoiceField(queryset=None, label="Gian hàng", required=False,
                                   empty_label="(không ghi gian hàng)")  # fmt: skip
    request_id = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    override_reason = forms.CharField(
        label="Lý do vẫn trao khi trùng (lãnh đạo)", max_length=255, required=False
    )

    def __init__(self, *args, fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stall"].queryset = fair.stalls.all()
        if fair.stalls.count() == 1:
            self.fields["stall"].initial = fair.stalls.get().pk
