"""The search endpoints behind pickers (`/tra-cuu/<kind>?q=`): each app's view scopes its
records (for_user, access) and hands them here; this module folds the query and shapes the
answer Tom Select reads (static/js/picker.js)."""

from django.http import JsonResponse

from nhandao.lib.text import fold, search_key

RESULTS = 20


def terms(request) -> list[str]:
    """The query's words, folded as the `*_key` columns are (accents, case, đ, punctuation)."""
    return search_key(request.GET.get("q", ""))[:100].split()


def answer(rows) -> JsonResponse:
    """rows: (value, text, hint) — at most RESULTS are sent."""
    results = [
        {
            "value": str(value),
            "text": text,
            "hint": hint or "",
            "fold": fold(f"{text} {hint} {value}"),
        }
        for value, text, hint in list(rows)[:RESULTS]
    ]
    return JsonResponse({"results": results})
