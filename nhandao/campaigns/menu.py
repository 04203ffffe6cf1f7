"""The campaigns in the menu (lib/cockpit.py collects every app's ENTRIES)."""

from nhandao.lib.cockpit import MenuEntry

ENTRIES = [MenuEntry("Vận động & tiếp nhận", "Chiến dịch", "campaign_list")]
