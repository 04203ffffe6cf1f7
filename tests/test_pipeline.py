"""lib.pipeline: the allowed moves as a table, refusals in words, maker–checker, and the
moves a page may offer."""

from types import SimpleNamespace

import pytest
from django.db import models

from nhandao.lib.errors import Refused
from nhandao.lib.pipeline import Move, Pipeline


class Status(models.TextChoices):
    DRAFT = "draft", "Nháp"
    PROPOSED = "proposed", "Đã đề xuất"
    APPROVED = "approved", "Đã duyệt"
    CANCELLED = "cancelled", "Đã hủy"


PIPE = Pipeline(
    Status,
    noun="phân bổ",
    moves=[
        Move("draft", "proposed", "Đề xuất"),
        Move("proposed", "approved", "Duyệt", permission="approve", checker=True),
        Move("proposed", "cancelled", "Hủy", style="secondary"),
    ],
)


class Subject(SimpleNamespace):
    saved_fields = None

    def save(self, update_fields):
        self.saved_fields = update_fields


class History:
    rows: list = []

    @classmethod
    def log(cls, subject, to_status, *, from_status, actor, note):
        cls.rows.append((from_status, to_status, actor, note))


def test_a_status_not_in_the_choices_is_a_programming_error():
    with pytest.raises(ValueError):
        Pipeline(Status, noun="x", moves=[Move("draft", "nowhere")])


def test_a_move_outside_the_table_is_refused_in_words():
    with pytest.raises(Refused) as refused:
        PIPE.check("draft", "approved")
    assert refused.value.message == "Không thể chuyển phân bổ từ “Nháp” sang “Đã duyệt”."
    assert refused.value.field == "status"


def test_a_move_saves_only_the_status_and_writes_a_history_row():
    History.rows = []
    subject = Subject(status="draft")
    before = PIPE.move(subject, "proposed", actor="an", history=History, note="vì")
    assert before == "draft"
    assert subject.status == "proposed"
    assert subject.saved_fields == ["status"]
    assert History.rows == [("draft", "proposed", "an", "vì")]


def test_the_maker_cannot_make_the_checker_move():
    maker = SimpleNamespace(pk=7)
    subject = Subject(status="proposed")
    with pytest.raises(Refused, match="hai người, hai bước"):
        PIPE.move(subject, "approved", actor=maker, maker_id=7)
    assert subject.status == "proposed"
    PIPE.move(subject, "approved", actor=SimpleNamespace(pk=8), maker_id=7)
    assert subject.status == "approved"


def test_a_page_gets_the_moves_the_user_may_make_now():
    subject = Subject(status="proposed")
    officer = PIPE.moves_for(subject, can=lambda perm: perm == "edit", actor_id=1, maker_id=2)
    assert officer.targets == ("cancelled",)
    assert "cancelled" in officer and "approved" not in officer
    manager = PIPE.moves_for(subject, can=lambda perm: True, actor_id=1, maker_id=2)
    assert manager.targets == ("approved", "cancelled")
    maker = PIPE.moves_for(subject, can=lambda perm: True, actor_id=2, maker_id=2)
    assert maker.targets == ("cancelled",)
    assert [m.label for m in manager] == ["Duyệt", "Hủy"]


def test_a_change_reads_as_words():
    assert PIPE.change_text("", "draft") == "— → Nháp"
    assert PIPE.change_text("draft", "proposed") == "Nháp → Đã đề xuất"


class Checked(Refused):
    pass


def refuse_when_empty(subject):
    if not getattr(subject, "lines", 1):
        raise Checked("Danh sách chưa có người nhận.")


RULED = Pipeline(
    Status,
    noun="phân bổ",
    error=Checked,
    error_field="to_status",
    moves=[
        Move("draft", "proposed", "Đề xuất", rule="tests.test_pipeline.refuse_when_empty"),
        Move("proposed", "approved", "Duyệt", "approve", checker=True,
             when=lambda s: not s.big),
        Move("proposed", "cancelled", "Hủy", note_required="Cần ghi lý do hủy."),
    ],
)  # fmt: skip


def test_a_move_is_refused_by_its_rule_and_nothing_is_saved():
    subject = Subject(status="draft", lines=0)
    with pytest.raises(Checked, match="chưa có người nhận"):
        RULED.move(subject, "proposed", actor=None)
    assert subject.status == "draft" and subject.saved_fields is None
    subject.lines = 3
    RULED.move(subject, "proposed", actor=None)
    assert subject.status == "proposed"


def test_a_move_that_does_not_apply_is_neither_offered_nor_allowed():
    small, big = Subject(status="proposed", big=False), Subject(status="proposed", big=True)
    assert "approved" in RULED.moves_for(small, can=lambda perm: True)
    assert "approved" not in RULED.moves_for(big, can=lambda perm: True)
    with pytest.raises(Checked) as refused:
        RULED.move(big, "approved", actor=None)
    assert refused.value.field == "to_status"  # the app's refusal, on the app's field


def test_the_move_asks_the_permission_and_the_reason():
    from django.core.exceptions import PermissionDenied

    subject = Subject(status="proposed", big=False)
    with pytest.raises(PermissionDenied, match="Duyệt"):
        RULED.move(subject, "approved", actor=None, can=lambda perm: perm == "edit")
    with pytest.raises(Checked, match="Cần ghi lý do hủy.") as refused:
        RULED.move(subject, "cancelled", actor=None, note="  ")
    assert refused.value.field == "note"
    assert RULED.moves_for(subject, can=lambda perm: True).note_wanted == "hủy"


def test_every_maker_is_kept_from_the_checker_move():
    subject = Subject(status="proposed", big=False)
    first_approver = SimpleNamespace(pk=8)
    with pytest.raises(Refused, match="hai người, hai bước"):
        RULED.move(subject, "approved", actor=first_approver, maker_id={7, 8})
    moves = RULED.moves_for(subject, can=lambda perm: True, actor_id=8, maker_id={7, 8})
    assert moves.targets == ("cancelled",)


def test_a_move_listed_twice_is_a_programming_error():
    with pytest.raises(ValueError):
        Pipeline(Status, noun="x", moves=[Move("draft", "proposed"), Move("draft", "proposed")])
