"""Reports in the menu."""

from nhandao.lib.cockpit import MenuEntry

ENTRIES = [
    MenuEntry("Báo cáo", "Báo cáo sơ kết, tổng kết", "report_list"),
]
