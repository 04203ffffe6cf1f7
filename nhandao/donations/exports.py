"""The receipt book of a campaign (sổ chi tiết), for lib.exports.xlsx_response."""


def receipt_book(campaign, donations, *, by_donor: bool) -> tuple[str, list]:
    """Sổ chi tiết of a campaign: (file name, sheets) — every donation by date with a total
    row, or one row per donor as shown publicly (count, total, first and last day)."""
    if by_donor:
        totals = {}
        for d in donations.order_by("donor_name", "received_on"):
            key = d.display_donor
            entry = totals.setdefault(key, [key, 0, 0, d.received_on, d.received_on])
            entry[1] += 1
            entry[2] += d.amount
            # one shown name ("Ẩn danh") may gather several donors: keep both ends
            entry[3], entry[4] = min(entry[3], d.received_on), max(entry[4], d.received_on)
        rows = sorted(totals.values(), key=lambda r: (-r[2], r[0]))
        header = ["Nhà hảo tâm", "Số khoản", "Tổng (đồng)", "Từ ngày", "Đến ngày"]
        sheets = [("Theo nhà hảo tâm", header, rows)]
        name = f"so-chi-tiet-{campaign.code}-theo-nha-hao-tam.xlsx"
    else:
        header = [
            "Ngày",
            "Người ủng hộ",
            "Hình thức",
            "Số tiền (đồng)",
            "Hiện vật",
            "Tổ chức tiếp nhận",
            "Nội dung",
        ]
        rows = [
            [
                d.received_on,
                d.display_donor,
                d.get_channel_display(),
                d.amount,
                d.goods_item,
                d.organisation.name,
                d.statement_line.description if d.statement_line_id else d.note,
            ]
            for d in donations.order_by("received_on", "pk")[:200_000]
        ]
        total = sum(r[3] for r in rows)
        rows.append([None, "Tổng cộng", "", total, "", "", ""])
        sheets = [("Theo ngày", header, rows)]
        name = f"so-chi-tiet-{campaign.code}-theo-ngay.xlsx"
    return name, sheets
