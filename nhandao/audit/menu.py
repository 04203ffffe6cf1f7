"""The audit log in the menu: only for those who may read it (the page answers 403 otherwise)."""

from nhandao.lib.cockpit import MenuEntry

ENTRIES = [MenuEntry("Tổ chức", "Nhật ký", "audit_events", perm="audit")]
