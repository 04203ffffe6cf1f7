"""Background work: full duplicate runs and the checking and committing of uploaded lists
(django-tasks). Each task is a thin wrapper around one function of dedup.py or importers.py;
the import tasks mark their list failed when they cannot finish (lib.tasks.import_task)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from nhandao.beneficiaries import importers
from nhandao.lib.errors import Refused
from nhandao.lib.tasks import import_task


def _user(user_id):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


@task()
def run_dedup_task(user_id: int | None = None) -> dict:
    from nhandao.beneficiaries.dedup import run_dedup

    run = run_dedup(actor=_user(user_id))
    return {"run": run.pk, "pairs": run.pairs, "new_pairs": run.new_pairs}


@import_task(mark_failed=importers.mark_failed)
def preview_import_task(batch_id: int) -> dict:
    batch = importers.preview_stored(batch_id)
    return {"status": batch.status, "rows": batch.rows_read}


@import_task(mark_failed=importers.mark_failed)
def commit_import_task(batch_id: int, user_id: int | None = None) -> dict:
    try:
        batch = importers.commit_stored(batch_id, _user(user_id))
    except Refused as refusal:
        raise Refused(f"Nhập thất bại, không dòng nào được ghi: {refusal.message}") from refusal
    return {"created": batch.created}
