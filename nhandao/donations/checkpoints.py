"""Taking checkpoints (audit/checkpoints.py) with the organisations' signing keys, which
live in this app (receipts/keys.py): after every statement import (a task queued by the
import task) and at least daily (`nhandao checkpoint`, run by a timer: docs/howto.md)."""

from django_tasks import task

from nhandao.audit import checkpoints
from nhandao.audit.models import CheckpointReason
from nhandao.donations.receipts.keys import key_for, sign


def sign_with_key(organisation, text: str) -> tuple[str, str, str]:
    key = key_for(organisation)
    return key.key_id, key.public_key, sign(key, text)


def take(reason: str = CheckpointReason.MANUAL):
    return checkpoints.take(reason, sign_with_key)


@task()
def take_checkpoint(reason: str = CheckpointReason.IMPORT) -> dict:
    checkpoint = take(reason)
    return {"checkpoint": checkpoint.number, "heads": checkpoint.heads.count()}
