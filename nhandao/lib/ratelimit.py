"""Per-client rate limits for the public pages (search, self-check, ledger, blood drive
registration), in Django's cache.

A fixed window per (scope, client address): cheap (one cache add/incr per request) and
enough to stop scraping and guessing. Hand-written rather than django-ratelimit because it
is fifteen lines and the portal needs a Vietnamese 429 for both HTML and JSON.

Limits: PORTAL_RATE_LIMITS in the environment, e.g. "search=60/60,check=10/60"
(requests/seconds), or "off" (benchmarks on loopback). The counters live in the default
cache, shared by every worker process (settings.cache_config: Redis, or files on one
machine). With the file cache an increment is a read and a write, not atomic: two requests
of the same client at the same instant may count once — the limit stays a limit, give or
take a request.
"""

import os
import time

from django.core.cache import cache

from nhandao.lib import net

DEFAULTS = {
    "search": (60, 60),
    "check": (10, 60),
    "verify": (10, 60),
    "ledger": (10, 60),
    "period": (10, 60),  # a campaign's figures over a period: read by date, not from totals
    "register": (10, 600),  # a family at one address registers a few, a bot many
    "request": (5, 3600),  # a person asks about their own data once or twice, a bot floods
}
MESSAGE = "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau {seconds} giây."


def limits() -> dict[str, tuple[int, int]] | None:
    text = os.environ.get("PORTAL_RATE_LIMITS", "").strip()
    if text.lower() == "off":
        return None
    out = dict(DEFAULTS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        scope, _, value = part.partition("=")
        count, _, seconds = value.partition("/")
        if count.isdigit() and seconds.isdigit() and int(seconds) > 0:
            out[scope.strip()] = (int(count), int(seconds))
    return out


def client_ip(request) -> str:
    return net.client_ip(request)


def hit(request, scope: str) -> int:
    """0 when the request may go on, else the seconds to wait."""
    table = limits()
    if table is None or scope not in table:
        return 0
    count, seconds = table[scope]
    now = int(time.time())
    window = now // seconds
    key = f"portal:rl:{scope}:{client_ip(request)}:{window}"  # the name kept: live counters
    if cache.add(key, 1, seconds + 1):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, seconds + 1)
            used = 1
    if used > count:
        return (window + 1) * seconds - now
    return 0
