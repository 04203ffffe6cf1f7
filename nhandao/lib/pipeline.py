"""One status pipeline: the allowed moves as a visible table, one function that makes a
move (refusing any other), a history row for every move, and the question pages ask
("which moves may this user make here?") instead of comparing status strings.

    ROUNDS = Pipeline(
        RoundStatus,
        noun="đợt cấp phát",
        moves=[
            Move("draft", "open", "Bắt đầu cấp phát"),
            Move("draft", "cancelled", "Hủy đợt", style="secondary"),
            Move("open", "closed", "Kết thúc đợt"),
        ],
    )
    ROUNDS.move(rnd, "open", actor=user, history=RoundStatusChange, note="")
    ROUNDS.moves_for(rnd, can=lambda perm: access.can(user, perm, rnd.organisation))

A move names the permission it needs at the subject's organisation ("edit" unless said
otherwise) and whether the one who made the subject's previous move may not make this one
(maker–checker). lib knows no app, so the caller passes how to ask for a permission (`can`)
and who made the previous move (`maker_id`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from nhandao.lib.errors import Refused


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    label: str = ""  # the button's words ("Duyệt", "Kết thúc đợt")
    permission: str = "edit"
    checker: bool = False  # maker–checker: not by whoever made the subject's previous move
    style: str = ""  # "secondary", "danger": how a page draws the button


class Moves(tuple):
    """The moves a user may make now, as a page wants them: iterate to draw buttons,
    `"closed" in moves` to ask about one target."""

    def __contains__(self, target) -> bool:
        return any(m.target == target for m in self)

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(m.target for m in self)


class Pipeline:
    def __init__(self, statuses, moves: list[Move], *, noun: str, field: str = "status"):
        self.statuses = statuses  # a TextChoices class: the words for each status
        self.noun = noun  # what moves, in Vietnamese ("chiến dịch", "phân bổ")
        self.field = field
        self.table: dict[tuple[str, str], Move] = {}
        for move in moves:
            for status in (move.source, move.target):
                if status not in statuses.values:
                    raise ValueError(f"{status!r} is not a status of {statuses.__name__}")
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

    def check(self, source: str, target: str) -> Move:
        """The move from `source` to `target`, or Refused naming both in words."""
        move = self.table.get((source, target))
        if move is None:
            raise Refused(
                f"Không thể chuyển {self.noun} từ “{self.label(source)}” sang "
                f"“{self.label(target)}”.",
                field=self.field,
            )
        return move

    def moves_for(
        self, subject, *, can: Callable[[str], bool], actor_id=None, maker_id=None
    ) -> Moves:
        """The moves from the subject's status that the user may make: `can(permission)`
        answers for the subject's organisation; a checker move is left out for the maker."""
        status = getattr(subject, self.field)
        return Moves(
            move
            for (source, _), move in self.table.items()
            if source == status
            and can(move.permission)
            and not (move.checker and actor_id is not None and actor_id == maker_id)
        )

    # --- making a move ---

    def move(self, subject, target: str, *, actor, history=None, note: str = "", maker_id=None):
        """Change the subject's status to `target` if the table allows it (Refused
        otherwise, and for a checker move by its maker), save only that field, and write the
        history row (`history`: a model with a `log(subject, to_status, from_status=…,
        actor=…, note=…)` class method, see lib.models.StatusChange). Returns the status
        before. The caller holds the transaction and the row lock, and records the audit
        event."""
        source = getattr(subject, self.field)
        move = self.check(source, target)
        actor_id = getattr(actor, "pk", None)
        if move.checker and actor_id is not None and actor_id == maker_id:
            raise Refused(
                f"Người đã lập {self.noun} không được tự {move.label.lower() or 'duyệt'}: "
                "cần một người khác (hai người, hai bước).",
                field=self.field,
            )
        setattr(subject, self.field, target)
        subject.save(update_fields=[self.field])
        if history is not None:
            history.log(subject, target, from_status=source, actor=actor, note=note)
        return source

    def change_text(self, source: str, target: str) -> str:
        """ "Nháp → Đang mở": a move in words, for history lists and the audit log."""
        return f"{self.label(source)} → {self.label(target)}"
