"""Retention rules (beneficiaries.RetentionRule, data: kind, years) and what each kind of
record does when its time has passed. `nhandao apply_retention [--dry-run]` runs them.

    nhat-ky-doc        reads of sensitive data older than the rule: deleted
    thong-bao          notifications read longer ago than the rule: deleted
    doi-tuong-da-gop   persons merged into another record, created before the cut-off and
                       with no support since: pseudonymised (privacy.erase_person); their
                       support records and values stay, so every total still adds up

A rule whose kind is not listed here is reported as unknown and left alone."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from nhandao.beneficiaries.models import (
    Person,
    PersonStatus,
    RetentionRule,
    SensitiveRead,
    SupportRecord,
)
from nhandao.beneficiaries.privacy import erase_person
from nhandao.lib.models import Notification


def _cutoff(years: int) -> date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _reads(cutoff):
    return SensitiveRead.objects.filter(at__date__lt=cutoff)


def _notifications(cutoff):
    return Notification.objects.filter(read_at__date__lt=cutoff)


def _merged_persons(cutoff):
    recent = SupportRecord.objects.filter(person=OuterRef("pk"), date__gte=cutoff)
    return Person.objects.filter(
        status=PersonStatus.MERGED, erased_at=None, created_at__date__lt=cutoff
    ).exclude(Exists(recent))


# kind → (the records past their time, what is done to them, in words)
KINDS = {
    "nhat-ky-doc": (_reads, "xoá"),
    "thong-bao": (_notifications, "xoá"),
    "doi-tuong-da-gop": (_merged_persons, "ẩn danh hoá"),
}


@dataclass
class Outcome:
    rule: RetentionRule
    cutoff: date | None
    count: int
    verb: str

    def line(self, dry_run: bool) -> str:
        if self.cutoff is None:
            return (
                f"- {self.rule.label}: loại hồ sơ “{self.rule.kind}” chưa có cách áp dụng, bỏ qua"
            )
        will = "sẽ " if dry_run else "đã "
        return (
            f"- {self.rule.label} (lưu {self.rule.years} năm, trước "
            f"{self.cutoff:%d/%m/%Y}): {self.count} bản ghi {will}{self.verb}"
        )


def apply(dry_run: bool = False) -> list[Outcome]:
    """Apply every rule (or only count, with `dry_run`), each in its own transaction."""
    outcomes = []
    for rule in RetentionRule.objects.all():
        if rule.kind not in KINDS:
            outcomes.append(Outcome(rule, None, 0, ""))
            continue
        select, verb = KINDS[rule.kind]
        cutoff = _cutoff(rule.years)
        with transaction.atomic():
            records = select(cutoff)
            count = records.count()
            if not dry_run and count:
                if rule.kind == "doi-tuong-da-gop":
                    for person in records:
                        erase_person(None, person, restrict=False)
                else:
                    records.delete()
        outcomes.append(Outcome(rule, cutoff, count, verb))
    return outcomes
