"""Template filters for Vietnamese display: {{ amount|vnd }}, {{ day|ngay }}, {{ t|ngaygio }}."""

from django import template

from nhandao.lib.dates import format_date, format_datetime
from nhandao.lib.money import format_vnd

register = template.Library()

register.filter("vnd", format_vnd)
register.filter("ngay", format_date)
register.filter("ngaygio", format_datetime)
