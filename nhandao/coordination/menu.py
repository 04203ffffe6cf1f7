"""Coordination in the menu."""

from nhandao.lib.cockpit import MenuEntry

ENTRIES = [
    MenuEntry("Báo cáo", "Chỉ đạo, nhiệm vụ phối hợp", "coordination_directives"),
    MenuEntry("Báo cáo", "Chương trình phối hợp", "coordination_programmes"),
    MenuEntry("Báo cáo", "Giám sát, kiểm tra", "coordination_plans"),
]
