"""Recomputing stored folded keys after lib.text.fold() learns a letter (for data migrations).

Every searchable text has a folded copy in a `*_key` column. When fold() changes, the rows
whose keys hold the letters it now folds are recomputed from their text — with the current
code on purpose: that is the change being applied.
"""

from collections.abc import Callable

from django.db.models import Q

from nhandao.lib.text import D_LETTERS, search_key

# What the look-alikes of Đ (lib.text.D_LETTERS) were stored as before they were folded to d:
# fold() lower-cased them and kept them.
UNFOLDED_D = "ðɖ"
_LOOK_ALIKES = D_LETTERS.replace("đ", "").replace("Đ", "")
# hidden from search_key() as CJK letters: word characters that fold() leaves alone
_HIDE = {ord(c): chr(0x4E00 + i) for i, c in enumerate(_LOOK_ALIKES)}
_SHOW = {0x4E00 + i: c.lower() for i, c in enumerate(_LOOK_ALIKES)}


def search_key_before(text: str | None) -> str:
    """search_key() as it was before the look-alikes of Đ were folded: kept, lower-cased.
    (Needed to tell a key made from what is stored from a key edited since.)"""
    return search_key((text or "").translate(_HIDE)).translate(_SHOW)


def refold(model, keys: dict[str, Callable], *, unique_with: tuple[str, ...] = ()) -> list:
    """Recompute `keys` (field → function of the row) on the rows where one of them holds an
    unfolded letter; returns the rows changed. With `unique_with`, the keys are part of a
    unique constraint with those fields: a row whose new keys are already taken keeps its old
    ones (two donors who now fold alike stay two, and the next import finds the first)."""
    holds_letter = Q()
    for field in keys:
        for letter in UNFOLDED_D:
            holds_letter |= Q(**{f"{field}__contains": letter})
    changed, taken = [], set()
    for row in model.objects.filter(holds_letter).order_by("pk").iterator():
        new = {field: compute(row) for field, compute in keys.items()}
        if unique_with:
            identity = {**{f: getattr(row, f) for f in unique_with}, **new}
            key = tuple(sorted(identity.items()))
            if key in taken or model.objects.filter(**identity).exclude(pk=row.pk).exists():
                continue
            taken.add(key)
        for field, value in new.items():
            setattr(row, field, value)
        changed.append(row)
    model.objects.bulk_update(changed, list(keys), batch_size=1000)
    return changed
