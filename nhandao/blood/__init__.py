"""Hiến máu tình nguyện (see docs/architecture.md)."""
