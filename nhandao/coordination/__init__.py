"""Phối hợp, chỉ đạo và giám sát (see docs/architecture.md)."""
