"""The organisation pages in the menu (lib/cockpit.py collects every app's ENTRIES)."""

from nhandao.lib.cockpit import MenuEntry

ENTRIES = [
    MenuEntry("Tổ chức", "Tổ chức", "org_list"),
    MenuEntry("Tổ chức", "Cụm thi đua", "cluster_list"),
    MenuEntry("Tổ chức", "Địa bàn hành chính", "unit_list", perm=""),
]
