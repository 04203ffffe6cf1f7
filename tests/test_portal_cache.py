"""One cache for every worker process, and persistent database connections.

The portal caches whole anonymous pages and search results, and counts requests per client
for its rate limits: with a per-process cache each gunicorn worker warmed its own copy and
counted its own limit. Settings now pick Redis when REDIS_URL/CACHE_URL is set, files under
var/cache otherwise (no service, no table: a fresh clone still runs on SQLite alone), and an
in-memory cache in tests. These tests check the choice, and that a page cached by this
process is read by another process from the same cache."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from nhandao import settings as project_settings
from tests import test_portal_common as common

yagi = common.yagi  # the shared fixture (not fresh_cache: it would clear a shared Redis)

ROOT = Path(__file__).resolve().parent.parent

# A second process: reads one key from the cache configured in argv (repr of the CACHES
# entry) and prints the length and start of what it finds, or MISS.
READER = """
import sys, ast
import django
from django.conf import settings
settings.configure(CACHES={"default": ast.literal_eval(sys.argv[1])})
django.setup()
from django.core.cache import cache
found = cache.get(sys.argv[2])
if found is None:
    print("MISS")
else:
    content, content_type, status = found
    print(status, content_type, len(content), content[:15].decode())
"""


def read_in_another_process(config: dict, key: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", READER, repr(config), key],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def page_key(path: str) -> str:
    import hashlib

    return "portal:page:" + hashlib.sha256(path.encode()).hexdigest()


# --- the choice of cache -------------------------------------------------------------------


def test_tests_run_on_a_local_in_memory_cache():
    assert django_settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_without_redis_the_cache_is_files_under_var(tmp_path):
    config = project_settings.cache_config("", testing=False, var_dir=tmp_path)
    assert config["BACKEND"] == "nhandao.lib.filecache.FileCache"
    assert config["LOCATION"] == str(tmp_path / "cache")


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/1", "rediss://cache.example:6380/0"])
def test_a_redis_address_selects_redis(tmp_path, url):
    config = project_settings.cache_config(url, testing=False, var_dir=tmp_path)
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == url


def test_tests_keep_the_local_cache_even_with_redis_set(tmp_path):
    config = project_settings.cache_config("redis://x:6379/0", testing=True, var_dir=tmp_path)
    assert config["BACKEND"].endswith("LocMemCache")


def test_an_unknown_cache_address_stops_the_start_with_a_clear_message(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="must start with redis://"):
        project_settings.cache_config("memcached://x:11211", testing=False, var_dir=tmp_path)


# --- persistent connections ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["sqlite:////tmp/x.sqlite3", "postgresql://postgres@127.0.0.1:5432/nhandao"]
)
def test_connections_persist_on_both_backends_with_health_checks(url):
    config = project_settings.database_config(url, 600)
    assert config["CONN_MAX_AGE"] == 600 and config["CONN_HEALTH_CHECKS"] is True
    if url.startswith("sqlite"):
        assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_the_running_settings_keep_connections():
    assert django_settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- one cache for every process -----------------------------------------------------------


def serve_and_read_elsewhere(client, yagi, config) -> tuple:
    url = reverse("portal_campaign", args=[yagi.code])
    first = client.get(url)
    again = client.get(url)
    assert first.status_code == 200 and again["X-Cache"] == "hit"
    assert first["Cache-Control"] == again["Cache-Control"] == "public, max-age=60"
    return first, read_in_another_process(config, page_key(url))


@pytest.mark.django_db
def test_a_page_cached_by_one_process_is_served_from_files_to_another(
    client, settings, tmp_path, yagi
):
    config = project_settings.cache_config("", testing=False, var_dir=tmp_path)
    settings.CACHES = {"default": config}
    first, elsewhere = serve_and_read_elsewhere(client, yagi, config)
    length = len(first.content)
    assert elsewhere == f"200 text/html; charset=utf-8 {length} {first.content[:15].decode()}"


def redis_address() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001  (no Redis here: nothing to test against)
        return ""
    return url


@pytest.mark.django_db
@pytest.mark.skipif(not redis_address(), reason="no Redis server reachable")
def test_a_page_cached_by_one_process_is_served_from_redis_to_another(client, settings, yagi):
    config = project_settings.cache_config(redis_address(), testing=False, var_dir=Path("/"))
    config["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"  # this run's keys only
    settings.CACHES = {"default": config}
    try:
        first, elsewhere = serve_and_read_elsewhere(client, yagi, config)
        assert elsewhere.startswith(f"200 text/html; charset=utf-8 {len(first.content)} ")
    finally:
        # only this run's keys (clear() would empty the whole Redis database)
        for key in caches["default"]._cache.get_client().keys(f"{config['KEY_PREFIX']}:*"):
            caches["default"]._cache.get_client().delete(key)


def test_the_file_cache_trims_itself_every_few_seconds_not_on_every_write(tmp_path, monkeypatch):
    from nhandao.lib import filecache

    cache = filecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10}})
    clock = [1000.0]
    monkeypatch.setattr(filecache.time, "monotonic", lambda: clock[0])
    for i in range(30):  # within one trimming period: nothing is dropped
        cache.set(f"k{i}", i, 60)
    assert len(list(tmp_path.glob("*.djcache"))) == 30
    clock[0] += filecache.CULL_SECONDS + 1
    cache.set("last", 1, 60)  # the next write after the period trims
    assert len(list(tmp_path.glob("*.djcache"))) < 30
    assert cache.get("last") == 1
