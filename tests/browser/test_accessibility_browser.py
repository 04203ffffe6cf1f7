"""Accessibility and fit, in a real browser on the demo site: axe-core (vendored,
tests/browser/vendor) finds no serious or critical violation on the most used back-office
pages, at 360 px and at 1366 px, and no page scrolls sideways at 360 px."""

import re
from pathlib import Path

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
AXE = Path(__file__).with_name("vendor") / "axe-core-4.10.3" / "axe.min.js"

# (user, page or (list page, pattern of the first record link to follow))
PAGES = [
    ("hn.lanhdao", "/"),
    ("hn.lanhdao", "/giao-dien/"),
    ("hn.lanhdao", "/to-chuc/"),
    ("hn.lanhdao", ("/to-chuc/", r"^/to-chuc/\d+/$")),
    ("hn.lanhdao", "/chien-dich/"),
    ("hn.lanhdao", ("/chien-dich/", r"^/chien-dich/\d+/$")),
    ("hn.lanhdao", "/ung-ho/"),
    ("hn.lanhdao", ("/ung-ho/", r"^/ung-ho/\d+/$")),
    ("hn.lanhdao", "/ung-ho/them/cash/"),
    ("hn.lanhdao", "/nha-hao-tam/"),
    ("hn.lanhdao", "/tai-khoan-ngan-hang/"),
    ("hn.lanhdao", "/doi-tuong/"),
    ("hn.lanhdao", ("/doi-tuong/", r"^/doi-tuong/\d+/$")),
    ("hn.lanhdao", "/doi-tuong/them/"),
    ("hn.lanhdao", "/trung-lap/"),
    ("hn.lanhdao", "/doi-tuong/nhap/"),
    ("hn.lanhdao", "/cuu-tro/"),
    ("hn.lanhdao", "/cuu-tro/phan-bo/"),
    ("hn.lanhdao", ("/cuu-tro/", r"^/cuu-tro/dot/\d+/$")),
    ("hn.lanhdao", "/cuu-tro/bao-phu/"),
    ("hn.quantri", "/nhat-ky/"),
    ("hn.lanhdao", "/hien-mau/vinh-danh/"),
    ("hn.lanhdao", "/hien-mau/moc-vinh-danh/?tinh=1"),
    ("xa.canbo", ("/hien-mau/gia-dinh/", r"^/hien-mau/gia-dinh/\d+/$")),
]

SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.help} — ` +
      v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def resolve(page, target) -> str:
    if isinstance(target, str):
        return target
    listing, pattern = target
    page.goto(listing)
    for href in page.locator("main a[href]").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    ):
        if re.match(pattern, href):
            return href
    raise AssertionError(f"no link like {pattern} on {listing}")


@pytest.mark.parametrize("width", [360, 1366])
def test_the_most_used_pages_have_no_serious_violation_and_fit_the_screen(
    chromium, live_site, width
):
    problems = []
    contexts = {}
    try:
        for username, target in PAGES:
            if username not in contexts:
                context = chromium.new_context(
                    viewport={"width": width, "height": 800}, locale="vi-VN", base_url=live_site
                )
                contexts[username] = context.new_page()
                log_in(contexts[username], username)
            page = contexts[username]
            url = resolve(page, target)
            response = page.goto(url)
            assert response.status == 200, (username, url, response.status)
            page.add_script_tag(path=str(AXE))
            for violation in page.evaluate(SERIOUS):
                problems.append(f"{url} @{width}px: {violation}")
            if width <= 360:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    problems.append(f"{url} @{width}px scrolls sideways: {scroll}px wide")
    finally:
        for page in contexts.values():
            page.context.close()
    assert not problems, "\n".join(problems)
