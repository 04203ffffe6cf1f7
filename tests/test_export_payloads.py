"""Formula payloads never come out live: every export goes through lib/exports.py (checked
over the source), and the exports that carry people's texts are fed the payloads and read
back — the public open data in CSV, HXL and XLSX, the registry's person export, relief's
workbooks."""

import csv
import io
import re
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse

from nhandao.donations.models import StatementLine
from nhandao.portal.exports import BUILDERS
from nhandao.relief.exports import coverage_xlsx
from tests import test_portal_common as common
from tests.test_lib_exports import PAYLOADS

fresh_cache, statements, vcb, yagi = common.fresh_cache, common.statements, common.vcb, common.yagi

PACKAGE = Path(__file__).resolve().parent.parent / "nhandao"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+$")


def test_no_export_bypasses_lib_exports():
    """A CSV writer, a text/csv response or a raw sheet.append outside lib would skip the
    neutralising: named here by file and line."""
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|text/csv")
    sheet_append = re.compile(r"\b(sheet|listing|notes|ws|book\.active)\.append\(")
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(PACKAGE / "lib") or "migrations" in path.parts:
            continue
        source = path.read_text()
        spreadsheet = "openpyxl" in source
        for number, line in enumerate(source.splitlines(), start=1):
            if writers.search(line) or (spreadsheet and sheet_append.search(line)):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == []


def assert_inert_csv(text: str):
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        for cell in row:
            if cell.startswith(FORMULA_START):
                assert NUMBER.match(cell), f"live cell {cell!r}"


def assert_inert_xlsx(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert cell.data_type == "s"


def download(client, campaign, dataset, fmt) -> bytes:
    response = client.get(reverse("portal_data", args=[campaign.code, dataset, fmt]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_public_open_data_carries_no_live_formula(client, statements, yagi):
    lines = list(StatementLine.objects.filter(campaign=yagi).order_by("pk")[: len(PAYLOADS)])
    for line, payload in zip(lines, PAYLOADS, strict=True):
        StatementLine.objects.filter(pk=line.pk).update(description=payload + "\x07")
    for dataset in BUILDERS:
        for fmt in ("csv", "hxl.csv"):
            text = download(client, yagi, dataset, fmt).decode("utf-8-sig")
            assert "\x07" not in text
            assert_inert_csv(text)
        assert_inert_xlsx(download(client, yagi, dataset, "xlsx"))
    # the payloads are there, neutralised, and negative amounts are still numbers
    text = download(client, yagi, "dong-sao-ke", "csv").decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and "'+cmd|" in text and "'@SUM(" in text
    book = openpyxl.load_workbook(io.BytesIO(download(client, yagi, "dong-sao-ke", "xlsx")))
    texts = {c.value for row in book.active.iter_rows() for c in row}
    assert PAYLOADS[0] in texts  # XLSX keeps the text as a string cell, not a formula


def test_relief_workbooks_carry_no_live_formula():
    rows = [
        SimpleNamespace(
            commune_name=p, eligible=3, reached=-1, left_behind=2, poor=1, poor_left_behind=0
        )
        for p in PAYLOADS
    ]
    households = [
        SimpleNamespace(
            pk=1, head_id=1, head=SimpleNamespace(full_name=p), village=p, commune_id=None
        )
        for p in PAYLOADS
    ]
    data = coverage_xlsx(
        SimpleNamespace(name=PAYLOADS[0]), SimpleNamespace(name="x"), rows, households
    )
    assert_inert_xlsx(data)
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = [c.value for row in book["Theo xã"].iter_rows(min_row=4) for c in row]
    assert PAYLOADS[1] in values and -1 in values
