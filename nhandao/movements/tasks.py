"""Background work of movements: launching a level's parts (a thin wrapper around
actions.run_launch; a failure marks the launch failed with a Vietnamese reason)."""

from nhandao.lib.tasks import import_task
from nhandao.movements import actions


@import_task(mark_failed=actions.mark_failed)
def launch_parts_task(launch_id: int) -> dict:
    launch = actions.run_launch(launch_id)
    return {"status": launch.status, "done": launch.done, "total": launch.total}
