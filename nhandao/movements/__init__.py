"""Phong trào và cuộc vận động (see docs/architecture.md)."""
