"""The client's address, the one every rate limit and the login lockout (django-axes) count by.

Behind a reverse proxy REMOTE_ADDR is the proxy's: the whole country would be one client.
Only when REMOTE_ADDR belongs to a trusted proxy (settings.TRUSTED_PROXIES, networks such as
"127.0.0.1/32,172.16.0.0/12") is X-Forwarded-For read, from the right, skipping trusted
proxies: the first address that is not one is the client. Addresses further left were
written by the client itself and can be forged, so they are never used.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(s.strip(), strict=False) for s in spec if s.strip())


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


# A request without REMOTE_ADDR (the test client's login, a misconfigured server) counts as
# one client; it must still be an address, since django-axes stores it in an inet column on
# PostgreSQL.
UNKNOWN = "0.0.0.0"  # noqa: S104  (an address to count by, never one to bind to)


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not remote:
        return UNKNOWN
    if not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed header: count the proxy, never a forged name
        if not _trusted(hop):
            return hop
    return hops[0] if hops else remote
