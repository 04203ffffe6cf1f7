"""Template filters for Vietnamese display: {{ amount|vnd }}, {{ day|ngay }}, {{ t|ngaygio }},
{{ subject|status_label }}, {% sort_head listing "col" "Label" %}."""

from django import template

from nhandao.lib.dates import format_date, format_datetime
from nhandao.lib.money import format_vnd

register = template.Library()

register.filter("vnd", format_vnd)
register.filter("ngay", format_date)
register.filter("ngaygio", format_datetime)


@register.filter
def status_label(subject) -> str:
    """{{ campaign|status_label }}: the subject's status in words, from its model's status
    pipeline (`Model.pipeline`, lib.pipeline) — templates never show or compare codes."""
    pipeline = type(subject).pipeline
    return pipeline.label(getattr(subject, pipeline.field))


@register.filter
def with_aria(field):
    """The field's widget linked to its hint and errors (aria-describedby) and marked invalid
    when it has errors, so a screen reader reads them with the field (form_fields.html)."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def sort_head(context, listing, column: str, label: str) -> str:
    """`{% sort_head listing "ten" "Họ và tên" %}`: a column head that sorts the list
    (lib/listing.py), keeping the page's filters."""
    return listing.head(context["request"].GET, column, label)
