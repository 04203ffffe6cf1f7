"""The duplicate review queue in a real browser: a manager sees the planted duplicates of
the demo with their score and reasons and decides one pair; an administrator merges a whole
group."""

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


def test_an_administrator_merges_a_whole_group_in_one_action(phone):
    """The demo registers a few people three times (Red Cross, Women's Union, Front): the
    queue shows the three records as one group, merged into the chosen one at once."""
    log_in(phone, "admin")  # a merge needs edit rights in every organisation of the group
    phone.goto("/trung-lap/")
    button = phone.locator("#review-queue .group button[id^='merge-group-']").first
    expect(button).to_be_visible()
    key = button.get_attribute("id").removeprefix("merge-group-")
    group = phone.locator(f"#group-{key}")
    persons = group.get_attribute("data-persons").split(",")
    assert len(persons) >= 3
    kept = group.locator("input[name=survivor]:checked").get_attribute("value")
    button.click()
    expect(phone.locator(f"#group-{key}")).to_have_count(0)
    for pk in persons:
        if pk != kept:
            phone.goto(f"/doi-tuong/{pk}/")
            expect(phone.get_by_text("Hồ sơ này đã được gộp vào")).to_be_visible()
    phone.goto(f"/doi-tuong/{kept}/")
    expect(phone.get_by_role("heading", name="Hồ sơ đã gộp vào đây")).to_be_visible()
