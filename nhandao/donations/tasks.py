"""Background work: statement imports (queued by the page and the API; the command line runs
the same task in its own process, lib.tasks.run_here) and the automatic receipts of an
imported statement. Each task is a thin wrapper around one function."""

from django.contrib.auth import get_user_model
from django_tasks import task

from nhandao.donations import importers
from nhandao.donations.checkpoints import take_checkpoint

__all__ = [
    "import_statement",
    "issue_automatic_receipts",
    "preview_statement",
    "take_checkpoint",
]
from nhandao.lib.tasks import import_task


@import_task(mark_failed=importers.mark_failed, resume=importers.resume_stopped)
def import_statement(
    statement_id: int,
    actor_id: int | None = None,
    layout: str = "auto",
    mapping: dict | None = None,
    header_row: int | None = None,
    number_format: str = "auto",
    resume: bool = False,
) -> dict:
    return importers.run_stored(
        statement_id,
        actor_id,
        layout=layout,
        mapping=mapping,
        header_row=header_row,
        number_format=number_format,
        resume=resume,
    )


@import_task(mark_failed=importers.mark_failed)
def preview_statement(statement_id: int, actor_id: int | None = None) -> dict:
    from nhandao.donations.actions import preview_in_background

    return preview_in_background(statement_id, actor_id)


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
