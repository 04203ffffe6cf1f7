"""A database too busy to answer is a 503 with a Vietnamese message, never a 500.

On SQLite a long import holds the single write lock; a request that waits longer than the
busy timeout (settings: 20 s) gets "database is locked". PostgreSQL's equivalents are a lock
or statement timeout. The user can simply try again, so say so (and Retry-After)."""

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse

MESSAGE = "Hệ thống đang bận, vui lòng thử lại sau ít phút."
BUSY_MARKERS = (
    "database is locked",
    "database table is locked",
    "lock timeout",
    "statement timeout",
)


def is_busy(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, OperationalError) and any(m in text for m in BUSY_MARKERS)


def busy_response(request):
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE, "errors": {"__all__": [MESSAGE]}}, status=503)
    else:
        response = HttpResponse(
            f"<!doctype html><meta charset=utf-8><title>Hệ thống đang bận</title>"
            f"<h1>Hệ thống đang bận</h1><p>{MESSAGE}</p>",
            status=503,
        )
    response["Retry-After"] = "30"
    return response


class BusyDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_busy(exception):
            return busy_response(request)
        return None
