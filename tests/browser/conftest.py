"""A real browser against a real server: the demo database is built by `nhandao demo
--no-serve` into its own database (a temporary SQLite file, or a fresh PostgreSQL database
when the suite runs on PostgreSQL), served by `nhandao runserver` in another process with a
`nhandao db_worker` process working its queue (as `make run` does), and driven by Playwright
with Debian's chromium.

Under CI a missing chromium fails the run; elsewhere the browser tests are skipped.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NHANDAO = str(Path(sys.executable).with_name("nhandao"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _browser_database(tmp_dir: Path):
    """(DATABASE_URL for the server, cleanup function)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_dir / 'browser.sqlite3'}", lambda: None
    import psycopg

    base, _, name = url.rpartition("/")
    browser_db = f"{name}_browser"
    admin = psycopg.connect(f"{base}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{browser_db}"')
    admin.execute(f'CREATE DATABASE "{browser_db}"')

    def cleanup():
        admin.execute(f'DROP DATABASE IF EXISTS "{browser_db}" WITH (FORCE)')
        admin.close()

    return f"{base}/{browser_db}", cleanup


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The demo database, served by `nhandao runserver`, its queue worked by a `nhandao
    db_worker` process: (url, env of its processes, database_url, the worker's Popen)."""
    tmp_dir = tmp_path_factory.mktemp("site")
    database_url, cleanup = _browser_database(tmp_dir)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NHANDAO_VAR_DIR": str(tmp_dir),
        "DJANGO_SETTINGS_MODULE": "nhandao.settings",
    }
    subprocess.run([NHANDAO, "demo", "--no-serve"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    server = subprocess.Popen(
        [NHANDAO, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [NHANDAO, "db_worker", "--no-startup-delay", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base_url}/dang-nhap/", timeout=1)  # noqa: S310
            break
        except OSError:
            time.sleep(0.2)
    yield SimpleNamespace(url=base_url, env=env, database_url=database_url, worker=worker)
    for process in (worker, server):
        process.terminate()
        process.wait(timeout=30)
    cleanup()


@pytest.fixture(scope="session")
def live_site(demo_site):
    return demo_site.url


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: CI must install it (see .ci/run)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live_site):
    """A page in a phone-sized window, on the live demo site."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=live_site
    )
    page = context.new_page()
    yield page
    context.close()


def log_in(page, username, password="nhandao@2026"):
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def open_menu(page, group=None):
    """Open the main menu as a phone user does (the ☰ Menu button shows below 900 px), then
    the group named `group`."""
    button = page.locator("label.menu-button")
    if button.is_visible():
        button.click()
    if group:
        page.locator("#main-menu summary", has_text=group).first.click()
