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


# ---- phone size, pickers, home page: shared by the task walks ------------------------------

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
PHONE_412 = {"viewport": {"width": 412, "height": 915}, "locale": "vi-VN"}


def wait_for(url: str, seconds: float = 90) -> None:
    """The shared fixture waits 20 s for runserver; on a loaded machine it needs longer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/dang-nhap/", timeout=5)  # noqa: S310
            return
        except OSError:
            time.sleep(0.5)


@pytest.fixture
def phone412(chromium, live_site):
    wait_for(live_site)
    context = chromium.new_context(**PHONE_412, base_url=live_site)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_as(chromium, live_site):
    """phone_as(username): a new 412-px phone logged in as `username` (several may be open,
    as when a maker and a checker work on the same record)."""
    wait_for(live_site)
    contexts = []

    def open_as(username):
        context = chromium.new_context(**PHONE_412, base_url=live_site)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def pick(page, field_id: str, typed: str, option_text: str) -> None:
    """Choose in the searchable picker of `field_id` as a user does: open it, type part of a
    name (accents optional), click the option showing `option_text`."""
    from playwright.sync_api import expect

    page.locator(f"#{field_id} + .ts-wrapper .ts-control").click()
    search = page.locator(f"#{field_id}-ts-control")
    expect(search).to_be_focused()  # keys typed before the focus lands (a busy machine) are lost
    search.press_sequentially(typed)
    page.locator(".ts-dropdown .option").filter(has_text=option_text).first.click()
    expect_picked(page, field_id, option_text)
    # leave the picker, as a thumb tapping elsewhere does; a search answer still on its way
    # may open the list again over the next field, so leave until it stays closed
    control, dropdown = (
        page.locator(f"#{field_id}-ts-control"),
        page.locator(f"#{field_id} + .ts-wrapper .ts-dropdown"),
    )
    for _ in range(20):
        control.blur()
        page.wait_for_timeout(250)
        if dropdown.is_hidden():
            page.wait_for_load_state("networkidle")
            if dropdown.is_hidden():
                break
    expect(dropdown).to_be_hidden()


def expect_picked(page, field_id: str, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(f"#{field_id} + .ts-wrapper .item").first).to_contain_text(text)


def work_count(page, label: str) -> int:
    """The count the home page's work list shows next to `label` (0: not listed, as the
    home page leaves out what has nothing waiting)."""
    page.goto("/")
    item = page.locator("#waiting li.work").filter(has_text=label)
    if item.count() == 0:
        return 0
    return int(item.first.locator(".count").inner_text())


def figure(page, label: str) -> str:
    """The value of the home page's key figure named `label`."""
    page.goto("/")
    return page.locator(".figure").filter(has_text=label).first.locator(".value").inner_text()


def phone_screen(page, name: str, full_page: bool = True) -> None:
    """No sideways scroll at phone width, then a screenshot into docs/screens/."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]} px > {width[1]} px"
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENS / f"{name}.png", full_page=full_page)
