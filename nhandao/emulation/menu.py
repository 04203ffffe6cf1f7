"""Emulation in the menu."""

from nhandao.lib.cockpit import MenuEntry

ENTRIES = [
    MenuEntry("Báo cáo", "Thi đua, xếp hạng cụm", "emulation_home"),
    MenuEntry("Báo cáo", "Khen thưởng", "emulation_awards"),
    MenuEntry("Báo cáo", "Người tốt, việc thiện", "emulation_nominations"),
]
