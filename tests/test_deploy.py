"""The deployment kit: `check --deploy` clean with the documented production environment, the
compose file valid, the client address behind trusted proxies, /healthz, JSON logs."""

import json
import logging
import logging.config
import os
import secrets
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.test import RequestFactory
from django.utils import timezone

from nhandao.lib import net, workers
from nhandao.lib.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def production_env(tmp_path) -> dict:
    """deploy/production.env.example with its placeholders filled as an operator would."""
    fill = {
        "<nhandao.example.vn>": "nhandao.example.vn",
        "<secret-key>": secrets.token_urlsafe(50),
        "<kek>": secrets.token_urlsafe(32),
        "<postgres-password>": "pw",
    }
    env = {}
    for line in (DEPLOY / "production.env.example").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        for placeholder, real in fill.items():
            value = value.replace(placeholder, real)
        assert "<" not in value, f"unfilled placeholder in {name}"
        env[name] = value
    # the check does not connect; a local file stands in for the compose network's db
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    return env


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NHANDAO_", "SECRET_KEY"))}
    env.update(production_env(tmp_path), PYTHONPATH=str(ROOT), NHANDAO_VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "nhandao.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    # and without the HTTPS settings the same check complains (the test can fail)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        env.pop(name)
    done = subprocess.run(
        [sys.executable, "-m", "nhandao.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode != 0 and "W004" in done.stderr + done.stdout


def test_the_compose_file_is_valid(tmp_path):
    compose = DEPLOY / "compose.yaml"
    docker = shutil.which("docker")
    has_compose = (
        docker is not None
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    )
    if has_compose:
        env_file = DEPLOY / ".env"
        created = not env_file.exists()
        if created:
            env_file.write_text(
                "\n".join(f"{k}={v}" for k, v in production_env(tmp_path).items()) + "\n"
            )
        try:
            done = subprocess.run(
                [docker, "compose", "-f", str(compose), "config", "--quiet"],
                capture_output=True,
                text=True,
            )
        finally:
            if created:
                env_file.unlink()
        assert done.returncode == 0, done.stderr
    spec = yaml.safe_load(compose.read_text())
    services = spec["services"]
    assert {"db", "migrate", "web", "worker", "caddy"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert "gunicorn" in (DEPLOY / "Dockerfile").read_text()
    assert services["worker"]["command"][:2] == ["nhandao", "db_worker"]
    assert services["caddy"]["image"].startswith("caddy:")
    assert "443:443" in services["caddy"]["ports"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert "reverse_proxy" in (DEPLOY / "Caddyfile").read_text()
    for unit in ("nhandao-web.service", "nhandao-worker.service", "nhandao-backup.timer"):
        assert (DEPLOY / "systemd" / unit).is_file()


# --- the client's address ------------------------------------------------------------------


def request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_client_ip_believes_forwarded_for_only_from_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # not through a trusted proxy: the header is the client's own claim
    assert net.client_ip(request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"
    # through the proxy: the nearest address that is not a trusted proxy
    assert net.client_ip(request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"
    assert net.client_ip(request("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9")) == ("198.51.100.7")
    assert net.client_ip(request("10.0.0.2", "not-an-ip")) == "10.0.0.2"
    assert net.client_ip(request("10.0.0.2")) == "10.0.0.2"
    settings.TRUSTED_PROXIES = []
    assert net.client_ip(request("10.0.0.2", "198.51.100.7")) == "10.0.0.2"


def test_login_lockout_counts_the_client_behind_the_proxy(settings, db, client):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert get_client_ip_address(request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"


def test_portal_rate_limit_counts_the_client_behind_the_proxy(settings, db, client, monkeypatch):
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "check=2/60")
    from nhandao.lib import ratelimit

    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    first, second = request("127.0.0.1", "198.51.100.7"), request("127.0.0.1", "198.51.100.8")
    assert [ratelimit.hit(first, "check") for _ in range(3)][-1] > 0
    assert ratelimit.hit(second, "check") == 0  # another client behind the same proxy


# --- /healthz ------------------------------------------------------------------------------


def test_healthz_reports_database_and_worker(db, client):
    only_db = client.get("/healthz?only=database")
    assert only_db.status_code == 200 and only_db.json()["database"] == "ok"
    never = client.get("/healthz")
    assert never.status_code == 503 and never.json()["worker"] == "never seen"
    workers.beat("host:1:2")
    fresh = client.get("/healthz")
    assert fresh.status_code == 200 and fresh.json()["worker"] == "ok"
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=10))
    stale = client.get("/healthz")
    assert stale.status_code == 503 and stale.json()["worker"] == "stale"


def test_healthz_is_exempt_from_the_https_redirect(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz?only=database").status_code == 200
    assert client.get("/cong-khai/").status_code == 301


# --- logs ----------------------------------------------------------------------------------


def test_json_logs_are_one_object_a_line(capsys):
    from django.conf import settings

    config = json.loads(json.dumps(settings.LOGGING))
    config["handlers"]["console"]["formatter"] = "json"
    logging.config.dictConfig(config)
    try:
        logging.getLogger("nhandao.test").warning("nhập xong %s dòng", 3)
        line = capsys.readouterr().err.strip().splitlines()[-1]
        record = json.loads(line)
        assert record["message"] == "nhập xong 3 dòng" and record["level"] == "WARNING"
    finally:
        logging.config.dictConfig(settings.LOGGING)


@pytest.mark.parametrize("bucket", ["nhandao-media"])
def test_s3_storage_from_the_environment(tmp_path, bucket):
    env = {k: v for k, v in os.environ.items()}
    env.update(S3_BUCKET=bucket, S3_ENDPOINT_URL="http://127.0.0.1:9", PYTHONPATH=str(ROOT))
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name)"
    )
    env["DJANGO_SETTINGS_MODULE"] = "nhandao.settings"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["S3Storage", bucket], done.stderr
