"""Background work of the member and volunteer lists (django-tasks): checking an uploaded
list and committing a confirmed one. Each task is a thin wrapper around importers.py; when
it cannot finish, its list is marked failed (lib.tasks.import_task)."""

from django.contrib.auth import get_user_model

from nhandao.lib.tasks import import_task
from nhandao.people import importers


@import_task(mark_failed=importers.mark_failed)
def preview_member_import(import_id: int) -> dict:
    imp = importers.preview(import_id)
    return {"status": imp.status, "rows": imp.rows_read}


@import_task(mark_failed=importers.mark_failed)
def commit_member_import(import_id: int, user_id: int | None = None) -> dict:
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    imp = importers.commit(import_id, actor)
    return {"status": imp.status, "accepted": imp.rows_accepted}
