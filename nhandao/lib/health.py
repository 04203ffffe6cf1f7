"""/healthz: is the database answering, and has a background worker beaten recently?

200 when both are fine, 503 otherwise, with a small JSON body naming each part. The web
container's own health check asks `/healthz?only=database` (a stopped worker must not take
the web server out of the proxy); monitoring asks `/healthz`. Public and cheap: one
`SELECT 1` and one indexed read; it says nothing an outsider could use.
"""

import os
from datetime import timedelta

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from nhandao.lib.models import WorkerHeartbeat


def worker_stale_after() -> timedelta:
    return timedelta(seconds=int(os.environ.get("HEALTHZ_WORKER_STALE", "300")))


@never_cache
@require_GET
def healthz(request):
    report = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = "ok"
    except DatabaseError:
        report["database"] = "down"
        healthy = False
    if request.GET.get("only") != "database" and report["database"] == "ok":
        last = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True)
        seen = last.first()
        if seen is None:
            report["worker"] = "never seen"
            healthy = False
        else:
            report["worker_seen"] = seen.isoformat(timespec="seconds")
            fresh = timezone.now() - seen <= worker_stale_after()
            report["worker"] = "ok" if fresh else "stale"
            healthy = healthy and fresh
    report["status"] = "ok" if healthy else "fail"
    return JsonResponse(report, status=200 if healthy else 503)
