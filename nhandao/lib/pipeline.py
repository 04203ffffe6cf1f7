"""One status pipeline: the allowed moves as a visible table, one function that makes a
move (refusing any other), a history row for every move, and the question pages ask
("which moves may this user make here?") instead of comparing status strings.

    ROUNDS = Pipeline(
        RoundStatus,
        noun="đợt cấp phát",
        moves=[
            Move("draft", "open", "Bắt đầu cấp phát", rule=check_deadline_and_budget),
            Move("draft", "cancelled", "Hủy đợt", style="secondary"),
            Move("open", "closed", "Kết thúc đợt"),
        ],
    )
    ROUNDS.move(rnd, "open", actor=user, can=can, history=RoundStatusChange, note="")
    ROUNDS.moves_for(rnd, can=lambda perm: access.can(user, perm, rnd.organisation))

A move names the permission it needs at the subject's organisation ("edit" unless said
otherwise), whether the ones who made the subject's earlier steps may not make it
(maker–checker), when it applies at all (`when`: a property of the subject, e.g. "needs a
second approver"; a move that does not apply is neither offered nor allowed) and the rule
that may refuse it now with a reason (`rule`: a Decree 93 deadline, a budget; the button is
offered, pressing it explains). lib knows no app, so the caller passes how to ask for a
permission (`can`) and who the makers are (`maker_id`: one id or several).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.module_loading import import_string

from nhandao.lib.errors import Refused


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    label: str = ""  # the button's words ("Duyệt", "Kết thúc đợt")
    permission: str = "edit"
    checker: bool = False  # maker–checker: not by the subject's makers
    style: str = ""  # "secondary", "danger": how a page draws the button
    when: Callable | None = None  # subject → bool: does this move apply to this subject?
    # subject → None, raises Refused: may it be made now? A dotted path is imported when the
    # move is made (the rule lives in the app's actions, which import the models)
    rule: Callable | str | None = None
    # the move needs a reason (a rejection, a return): what to say when it is missing
    note_required: str = ""


class Moves(tuple):
    """The moves a user may make now, as a page wants them: iterate to draw buttons,
    `"closed" in moves` to ask about one target."""

    def __contains__(self, target) -> bool:
        return any(m.target == target for m in self)

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(m.target for m in self)

    @property
    def note_wanted(self) -> str:
        """The moves that need a reason, in words ("từ chối, trả lại để sửa"; "" if none)."""
        return ", ".join(m.label.lower() for m in self if m.note_required)


def _ids(maker_id) -> frozenset:
    if maker_id is None:
        return frozenset()
    if isinstance(maker_id, Iterable) and not isinstance(maker_id, str):
        return frozenset(i for i in maker_id if i is not None)
    return frozenset({maker_id})


class Pipeline:
    def __init__(
        self,
        statuses,
        moves: list[Move],
        *,
        noun: str,
        field: str = "status",
        error: type[Refused] = Refused,
        error_field: str | None = None,
    ):
        self.statuses = statuses  # a TextChoices class: the words for each status
        self.noun = noun  # what moves, in Vietnamese ("chiến dịch", "phân bổ")
        self.field = field  # the subject's status attribute
        self.error = error  # the app's refusal (a Refused subclass)
        self.error_field = error_field or field  # the form field a refusal points at
        self.table: dict[tuple[str, str], Move] = {}
        for move in moves:
            for status in (move.source, move.target):
                if status not in statuses.values:
                    raise ValueError(f"{status!r} is not a status of {statuses.__name__}")
            if (move.source, move.target) in self.table:
                raise ValueError(f"{move.source} → {move.target} is listed twice")
            self.table[(move.source, move.target)] = move

    # --- reading the table ---

    def label(self, status: str) -> str:
        """The status in words ("Đang mở"); "—" for none."""
        if not status:
            return "—"
        return self.statuses(status).label if status in self.statuses.values else status

    def targets_from(self, status: str) -> tuple[str, ...]:
        return tuple(target for (source, target) in self.table if source == status)

    def allows(self, source: str, target: str) -> bool:
        return (source, target) in self.table

    def _refuse(self, message: str):
        return self.error(message, field=self.error_field)

    def check(self, source: str, target: str, subject=None) -> Move:
        """The move from `source` to `target` (that applies to `subject`, when given), or
        the app's refusal naming both statuses in words."""
        move = self.table.get((source, target))
        if move is None or (subject is not None and move.when and not move.when(subject)):
            raise self._refuse(
                f"Không thể chuyển {self.noun} từ “{self.label(source)}” sang "
                f"“{self.label(target)}”."
            )
        return move

    def moves_for(
        self, subject, *, can: Callable[[str], bool], actor_id=None, maker_id=None
    ) -> Moves:
        """The moves from the subject's status that the user may make: `can(permission)`
        answers for the subject's organisation; a move whose `when` is false is left out, and
        so is a checker move for its makers. Rules are not run: their button shows, and
        pressing it says why not now."""
        status = getattr(subject, self.field)
        makers = _ids(maker_id)
        return Moves(
            move
            for (source, _), move in self.table.items()
            if source == status
            and (move.when is None or move.when(subject))
            and can(move.permission)
            and not (move.checker and actor_id is not None and actor_id in makers)
        )

    # --- making a move ---

    def move(
        self,
        subject,
        target: str,
        *,
        actor,
        history=None,
        note: str = "",
        maker_id=None,
        can: Callable[[str], bool] | None = None,
    ):
        """Change the subject's status to `target` if the table allows it, the user may
        (`can(move.permission)`; PermissionDenied otherwise — None: the system acts), the
        maker–checker rule holds, the move's reason is given and its rule passes (the app's
        refusal otherwise); save only that field, and write the history row (`history`: a
        model with a `log(subject, to_status, from_status=…, actor=…, note=…)` class method,
        see lib.models.StatusChange). Returns the status before. The caller holds the
        transaction and the row lock, and records the audit event."""
        source = getattr(subject, self.field)
        move = self.check(source, target, subject)
        if can is not None and not can(move.permission):
            raise PermissionDenied(
                f"Bạn không có quyền “{move.label or self.label(target)}” với {self.noun} này."
            )
        actor_id = getattr(actor, "pk", None)
        if move.checker and actor_id is not None and actor_id in _ids(maker_id):
            raise self._refuse(
                f"Người đã lập {self.noun} không được tự {move.label.lower() or 'duyệt'}: "
                "cần một người khác (hai người, hai bước)."
            )
        if move.note_required and not note.strip():
            raise self.error(move.note_required, field="note")
        if move.rule is not None:
            rule = import_string(move.rule) if isinstance(move.rule, str) else move.rule
            rule(subject)
        setattr(subject, self.field, target)
        subject.save(update_fields=[self.field])
        if history is not None:
            history.log(subject, target, from_status=source, actor=actor, note=note)
        return source

    def change_text(self, source: str, target: str) -> str:
        """ "Nháp → Đang mở": a move in words, for history lists and the audit log."""
        return f"{self.label(source)} → {self.label(target)}"
