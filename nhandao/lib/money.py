"""Money is an integer number of đồng. Formatting and parsing live here."""


def format_vnd(amount: int | None, symbol: bool = True) -> str:
    """1500000 → "1.500.000 ₫" (Vietnamese groups thousands with dots)."""
    if amount is None:
        return ""
    text = f"{int(amount):,}".replace(",", ".")
    return f"{text} ₫" if symbol else text
