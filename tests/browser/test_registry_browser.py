"""The duplicate review queue in a real browser: a manager sees the planted duplicates of
the demo with their score and reasons, and decides one pair."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_manager_reviews_a_likely_duplicate_pair(phone):
    log_in(phone, "hn.lanhdao")
    phone.goto("/trung-lap/")
    queue = phone.locator("#review-queue")
    pairs = queue.locator(".pair")
    expect(pairs.first).to_be_visible()
    before = pairs.count()
    first = pairs.first
    pair_id = first.get_attribute("data-pair")
    expect(first.locator(".score")).to_have_text(__import__("re").compile(r"\d"))
    expect(first.locator(".reasons li").first).to_be_visible()

    phone.locator(f"#distinct-{pair_id}").click()
    expect(phone.locator(f"#pair-{pair_id}")).to_have_count(0)
    expect(phone.locator("#review-queue .pair")).to_have_count(before - 1)
