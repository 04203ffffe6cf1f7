"""Charts drawn on the server as inline SVG: no JavaScript, readable on a cheap phone."""

from nhandao.lib.dates import format_date
from nhandao.lib.money import format_vnd

WIDTH, HEIGHT, BOTTOM, LEFT = 640, 220, 24, 4


def day_bars(by_day: list[dict]) -> dict | None:
    """Bars for money received per day: [{received_on, amount, count}] → geometry."""
    if not by_day:
        return None
    peak = max(r["amount"] or 0 for r in by_day) or 1
    n = len(by_day)
    slot = (WIDTH - LEFT) / n
    bar = max(slot * 0.8, 1)
    plot = HEIGHT - BOTTOM - 16
    bars = []
    for i, row in enumerate(by_day):
        h = max((row["amount"] or 0) * plot / peak, 1)
        bars.append(
            {
                "x": round(LEFT + i * slot + (slot - bar) / 2, 2),
                "y": round(HEIGHT - BOTTOM - h, 2),
                "w": round(bar, 2),
                "h": round(h, 2),
                "title": f"{format_date(row['received_on'])}: {format_vnd(row['amount'])} "
                f"({row['count']} khoản)",
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "axis_y": HEIGHT - BOTTOM,
        "label_y": HEIGHT - 6,
        "peak": format_vnd(peak),
        "first": format_date(by_day[0]["received_on"]),
        "last": format_date(by_day[-1]["received_on"]),
        "last_x": WIDTH - 2,
        "summary": f"Tiền nhận theo ngày, từ {format_date(by_day[0]['received_on'])} đến "
        f"{format_date(by_day[-1]['received_on'])}; ngày cao nhất {format_vnd(peak)}.",
    }
