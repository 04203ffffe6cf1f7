"""Taking checkpoints (audit/checkpoints.py) with the organisations' signing keys, which
live in this app (receipts/keys.py): after every statement import (a task queued by the
import task) and at least daily (`nhandao checkpoint`, run by a timer: docs/howto.md)."""

from django_tasks import task

from nhandao.audit import checkpoints
from nhandao.audit.models import CheckpointReason
from nhandao.donations.models import SigningKey
from nhandao.donations.receipts.keys import key_for, sign


class Signer:
    """Signs with each organisation's active key (a retired one only verifies what it
    signed); the keys (with their organisation, which unwrapping reads) are loaded in one
    query, not two per organisation (3,400 signers)."""

    def __init__(self):
        self.keys = {
            k.organisation_id: k
            for k in SigningKey.objects.filter(retired_at=None).select_related("organisation")
        }

    def __call__(self, organisation, text: str) -> tuple[str, str, str]:
        key = self.keys.get(organisation.pk) or key_for(organisation)
        return key.key_id, key.public_key, sign(key, text)


def take(reason: str = CheckpointReason.MANUAL):
    return checkpoints.take(reason, Signer())


@task()
def take_checkpoint(reason: str = CheckpointReason.IMPORT) -> dict:
    checkpoint = take(reason)
    return {"checkpoint": checkpoint.number, "heads": checkpoint.heads.count()}
