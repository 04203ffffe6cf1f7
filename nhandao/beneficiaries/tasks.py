"""Background work: full duplicate runs and big imports (django-tasks)."""

from django.contrib.auth import get_user_model
from django_tasks import task


@task()
def run_dedup_task(user_id: int | None = None) -> dict:
    from nhandao.beneficiaries.dedup import run_dedup

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = run_dedup(actor=user)
    return {"run": run.pk, "pairs": run.pairs, "new_pairs": run.new_pairs}


@task()
def preview_import_task(batch_id: int) -> dict:
    from nhandao.beneficiaries import importers
    from nhandao.beneficiaries.models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)

    def progress(done):
        ImportBatch.objects.filter(pk=batch_id).update(progress=done)

    importers.preview(batch, progress=progress)
    return {"status": batch.status, "rows": batch.rows}


@task()
def commit_import_task(batch_id: int, user_id: int | None = None) -> dict:
    from nhandao.beneficiaries import importers
    from nhandao.beneficiaries.models import ImportBatch, ImportStatus

    batch = ImportBatch.objects.get(pk=batch_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        importers.commit(user, batch)
    except Exception as error:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED,
            errors=[
                {
                    "row": 0,
                    "column": "",
                    "message": f"Nhập thất bại, không dòng nào được ghi: {error}",
                }
            ],
        )
        raise
    return {"created": batch.created}
