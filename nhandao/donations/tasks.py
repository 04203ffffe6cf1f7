"""Background work: statement imports (large files run in the worker, progress on the page)
and the automatic receipts of an imported statement."""

import logging

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from nhandao.donations.models import Statement, StatementStatus

log = logging.getLogger(__name__)


@task()
def import_statement(
    statement_id: int,
    actor_id: int | None = None,
    layout: str = "auto",
    mapping: dict | None = None,
    header_row: int | None = None,
    number_format: str = "auto",
) -> dict:
    from nhandao.donations.importers import run_import

    statement = Statement.objects.select_related("bank_account__organisation", "campaign").get(
        pk=statement_id
    )
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        with statement.file.open("rb") as handle:
            data = handle.read()
        return run_import(
            statement,
            data,
            actor=actor,
            layout=layout,
            mapping=mapping,
            header_row=header_row,
            number_format=number_format,
        )
    except Exception:
        log.exception("statement import %s failed", statement_id)
        Statement.objects.filter(pk=statement_id).update(
            status=StatementStatus.FAILED,
            progress=100,
            finished_at=timezone.now(),
            errors=[
                {
                    "row": 0,
                    "column": "",
                    "reason": "Lỗi hệ thống khi nhập; chưa ghi gì. Hãy báo quản trị.",
                    "values": {},
                }
            ],
        )
        raise


@task()
def issue_automatic_receipts(statement_id: int, actor_id: int | None = None) -> dict:
    """Receipts for the named donations of an imported statement whose campaign issues them
    automatically (batched, numbered without gaps; running it again issues nothing)."""
    from nhandao.donations.receipts import issue_missing

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return {
        "statement": statement_id,
        "issued": issue_missing(statement_id=statement_id, actor=actor),
    }
