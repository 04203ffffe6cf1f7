"""Thi đua, khen thưởng (see docs/architecture.md)."""
