"""Report forms: which report to open (an organisation and a period chosen from lists), the
values an organisation enters (typed as offices type them: "1.500.000"), and the comment or
reason that returning, reopening and "not reporting" need."""

import re

from django import forms

from nhandao.orgs.forms import OrgCodeField
from nhandao.orgs.models import Organisation
from nhandao.reports import periods
from nhandao.reports.models import Report, Source, Target

_WHOLE = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+$")


def parse_whole(text: str):
    """ "1.500.000" or "1500000" → 1500000; blank → None; anything else → ValidationError."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if not _WHOLE.match(text):
        raise forms.ValidationError(
            "Phải là một số nguyên, viết như 1.500.000 (không có phần lẻ sau dấu phẩy)."
        )
    return int(text.replace(".", ""))


class OpenReportForm(forms.Form):
    organisation = OrgCodeField(Organisation.objects.none(), label="Đơn vị")
    period = forms.ChoiceField(label="Kỳ báo cáo")

    def __init__(self, *args, organisations, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        choices = [(p.code, p.label.capitalize()) for p in periods.reporting_periods(today)]
        self.fields["period"].choices = choices


class EntriesForm(forms.Form):
    """One field per entered indicator and per narrative section of the report's form."""

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        stored = {
            v.indicator.code: v.value
            for v in report.values.filter(scope="own", source=Source.ENTERED).select_related(
                "indicator"
            )
        }
        self.indicator_codes = []
        for indicator in report.form.ordered_indicators():
            if indicator.source != Source.ENTERED:
                continue
            value = stored.get(indicator.code)
            self.fields[indicator.code] = forms.CharField(
                label=f"{indicator.name} ({indicator.unit})",
                required=False,
                initial="" if value is None else f"{value:,}".replace(",", "."),
                help_text="Bắt buộc trước khi gửi." if indicator.required else "",
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
            self.indicator_codes.append(indicator.code)
        for i, title in enumerate(report.form.sections):
            self.fields[f"section_{i}"] = forms.CharField(
                label=title,
                required=False,
                initial=report.narrative.get(title, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=20_000,
            )

    def clean(self):
        data = super().clean()
        for code in self.indicator_codes:
            try:
                data[code] = parse_whole(data.get(code))
            except forms.ValidationError as exc:
                self.add_error(code, exc)
        return data

    def values(self) -> dict:
        return {code: self.cleaned_data.get(code) for code in self.indicator_codes}

    def narrative(self) -> dict:
        return {t: self.cleaned_data.get(f"section_{i}", "")
                for i, t in enumerate(self.report.form.sections)}  # fmt: skip


class TargetsForm(forms.Form):
    """One field per indicator the organisation can plan (formulas follow from the others):
    the target of the report's organisation for its period, typed as "1.500.000"."""

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        stored = dict(
            Target.objects.filter(
                organisation=report.organisation_id, period=report.period
            ).values_list("indicator__code", "value")
        )
        self.indicator_codes = []
        for indicator in report.form.ordered_indicators():
            if indicator.source == Source.FORMULA:
                continue
            value = stored.get(indicator.code)
            self.fields[f"target_{indicator.code}"] = forms.CharField(
                label=f"{indicator.name} — kế hoạch ({indicator.unit})",
                required=False,
                initial="" if value is None else f"{value:,}".replace(",", "."),
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
            self.indicator_codes.append(indicator.code)

    def clean(self):
        data = super().clean()
        for code in self.indicator_codes:
            try:
                data[f"target_{code}"] = parse_whole(data.get(f"target_{code}"))
            except forms.ValidationError as exc:
                self.add_error(f"target_{code}", exc)
        return data

    def values(self) -> dict:
        return {code: self.cleaned_data.get(f"target_{code}") for code in self.indicator_codes}


class NoteForm(forms.Form):
    note = forms.CharField(label="Ý kiến / lý do", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
