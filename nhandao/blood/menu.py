"""Blood donation in the menu (lib/cockpit.py collects every app's ENTRIES)."""

from nhandao.lib.cockpit import MenuEntry

GROUP = "Vận động & tiếp nhận"

ENTRIES = [
    MenuEntry(GROUP, "Đợt hiến máu", "blood_drives"),
    MenuEntry(GROUP, "Người hiến máu", "blood_donors"),
    MenuEntry(GROUP, "Vinh danh người hiến máu", "blood_honours"),
]
