"""The portal's forms: the same validation for the HTML pages and the public API."""

import re
from datetime import date, timedelta

from django import forms

from nhandao.lib.text import search_terms
from nhandao.portal import reading, search, sources

MAX_AMOUNT = 1_000_000_000_000_000  # 10^15 đồng: more than any bank line
MIN_DAY = date(2000, 1, 1)
MAX_DAY = date(2100, 12, 31)
MAX_WORDS = 8
_AMOUNT = re.compile(r"^\d{1,19}$")


def parse_amount(text: str) -> int | None:
    """ "1.500.000", "1,500,000 đ", "1500000", "1500k", "1,5tr" → 1500000; raises
    ValidationError otherwise."""
    text = (text or "").strip().lower()
    if not text:
        return None
    # as people write it: "500k", "0,5tr", "1.5 triệu" (the search box's reading)
    written, _ = reading.amount_of(text)
    if written is not None and 0 < written <= MAX_AMOUNT:
        return written
    for noise in (" ", ".", ",", "đ", "₫", "vnd", "dong", "đồng"):
        text = text.replace(noise, "")
    if text.startswith("-"):
        raise forms.ValidationError("Số tiền không được âm.")
    if text.isdigit() and len(text) > 19:
        raise forms.ValidationError("Số tiền quá lớn, không có dòng sao kê nào như vậy.")
    if not _AMOUNT.match(text):
        raise forms.ValidationError("Số tiền chỉ gồm chữ số, ví dụ 500.000.")
    value = int(text)
    if value > MAX_AMOUNT:
        raise forms.ValidationError("Số tiền quá lớn, không có dòng sao kê nào như vậy.")
    return value


class AmountField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=40, **kwargs)

    def clean(self, value):
        return parse_amount(super().clean(value))


class DayField(forms.DateField):
    default_error_messages = {"invalid": "Ngày không hợp lệ (dùng dạng dd/mm/yyyy)."}

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        if isinstance(value, str) and len(value) > 40:
            raise forms.ValidationError("Ngày không hợp lệ (dùng dạng dd/mm/yyyy).")
        try:
            day = super().clean(value)
        except OverflowError:
            raise forms.ValidationError("Ngày không hợp lệ (dùng dạng dd/mm/yyyy).") from None
        if day and not (MIN_DAY <= day <= MAX_DAY):
            raise forms.ValidationError("Ngày phải trong khoảng 01/01/2000 đến 31/12/2100.")
        return day


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Tìm trong sao kê",
        required=False,
        max_length=200,
        help_text="Tên người chuyển, lời nhắn, số tham chiếu, số tiền hoặc ngày",
    )
    ref = forms.CharField(label="Số tham chiếu (hoặc một phần)", required=False, max_length=60)
    amount = AmountField(label="Số tiền đúng bằng")
    amount_min = AmountField(label="Số tiền từ")
    amount_max = AmountField(label="Số tiền đến")
    date_from = DayField(label="Từ ngày")
    date_to = DayField(label="Đến ngày")
    campaign = forms.CharField(label="Chiến dịch", required=False, max_length=40)
    sort = forms.ChoiceField(
        label="Sắp xếp",
        required=False,
        choices=list(search.SORTS.items()),
        error_messages={"invalid_choice": "Cách sắp xếp không hợp lệ."},
    )
    after = forms.CharField(required=False, max_length=60)

    def clean_q(self):
        # the box may hold an amount, a date or a reference fragment besides the words
        self.reading = reading.read(self.cleaned_data.get("q") or "")
        # "_" joins words as "." does (MoMo "NGUYEN_0901…"): split like the stored lines
        words = search_terms(" ".join(self.reading.words).replace("_", " "))
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(f"Tối đa {MAX_WORDS} từ khóa.")
        return words

    def clean_ref(self):
        ref = re.sub(r"\s+", "", self.cleaned_data.get("ref") or "")
        if ref and len(ref) < 3:
            raise forms.ValidationError("Số tham chiếu cần ít nhất 3 ký tự.")
        if ref and not re.match(r"^[\w./:-]+$", ref):
            raise forms.ValidationError("Số tham chiếu chỉ gồm chữ, số và dấu . / : -")
        return ref

    def clean_campaign(self):
        value = (self.cleaned_data.get("campaign") or "").strip()
        if not value:
            return None
        campaign = sources.public_campaign(value)
        if campaign is None:
            raise forms.ValidationError("Không có chiến dịch công khai với mã này.")
        return campaign

    def clean(self):
        data = super().clean()
        words = data.get("q") or []
        if self.errors:
            return data
        self._take_from_box(data)
        lo, hi = data.get("amount_min"), data.get("amount_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("amount_max", "Số tiền đến phải lớn hơn hoặc bằng số tiền từ.")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        other = any(
            data.get(k) not in (None, "", [])
            for k in ("ref", "amount", "amount_min", "amount_max", "date_from", "date_to")
        )
        if not other:
            if not words:
                raise forms.ValidationError(
                    "Hãy nhập tên hoặc lời nhắn (ít nhất 2 ký tự), số tham chiếu, số tiền "
                    "hoặc khoảng ngày để tra cứu."
                )
            if len("".join(words)) < 2:
                raise forms.ValidationError("Từ khóa quá ngắn: hãy nhập ít nhất 2 ký tự.")
        return data

    def _take_from_box(self, data) -> None:
        """What the box read fills the conditions the advanced panel left empty (the panel's
        explicit conditions win: what they replace is left out of the explanation)."""
        box = getattr(self, "reading", None)
        if box is None:
            return
        if box.amount is not None:
            if (
                data.get("amount") is None
                and data.get("amount_min") is None
                and (data.get("amount_max") is None)
            ):
                data["amount"] = box.amount
            else:
                box.amount = None
        if box.day is not None:
            if not data.get("date_from") and not data.get("date_to"):
                data["date_from"] = data["date_to"] = box.day
            else:
                box.day = None
        if box.reference:
            if not data.get("ref"):
                data["ref"] = re.sub(r"\s+", "", box.reference)
            else:
                box.reference = ""

    @property
    def explanation(self) -> str:
        """How the box was read ("Tìm số tiền 500.000 ₫ và tên hoặc lời nhắn “…”")."""
        box = getattr(self, "reading", None)
        return box.explain() if box is not None and self.is_valid() else ""

    def query(self, limit: int = search.PAGE_SIZE) -> search.Query:
        data = self.cleaned_data
        return search.Query(
            words=data.get("q") or [],
            reference=data.get("ref") or "",
            amount=data.get("amount"),
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            campaign=data.get("campaign"),
            sort=data.get("sort") or "rank",
            after=search.decode_cursor(data.get("after")),
            tier=(search.decode_tiered(data.get("after")) or ("", None))[0],
            limit=limit,
        )

    @property
    def bad_cursor(self) -> bool:
        after = self.cleaned_data.get("after") if hasattr(self, "cleaned_data") else ""
        return bool(after) and search.decode_cursor(after) is None


class CheckForm(forms.Form):
    """Kiểm tra khoản ủng hộ của tôi: the reference, or amount + date + part of the name."""

    ref = forms.CharField(
        label="Số tham chiếu trong ứng dụng ngân hàng", required=False, max_length=60
    )
    amount = AmountField(label="Số tiền")
    day = DayField(label="Ngày chuyển")
    name = forms.CharField(label="Một phần tên của bạn", required=False, max_length=100)

    def clean_ref(self):
        ref = re.sub(r"\s+", "", self.cleaned_data.get("ref") or "")
        if ref and len(ref) < 6:
            raise forms.ValidationError("Số tham chiếu cần ít nhất 6 ký tự.")
        if ref and not re.match(r"^[\w./:-]+$", ref):
            raise forms.ValidationError("Số tham chiếu chỉ gồm chữ, số và dấu . / : -")
        return ref

    def clean_name(self):
        words = search_terms((self.cleaned_data.get("name") or "").replace("_", " "))
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(f"Tối đa {MAX_WORDS} từ.")
        return words

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("ref"):
            return data
        missing = [
            label
            for key, label in (
                ("amount", "số tiền"),
                ("day", "ngày chuyển"),
                ("name", "một phần tên"),
            )
            if not data.get(key)
        ]
        if missing:
            raise forms.ValidationError(
                "Hãy nhập số tham chiếu, hoặc đủ cả số tiền, ngày chuyển và một phần tên "
                f"(còn thiếu: {', '.join(missing)})."
            )
        if len("".join(data["name"])) < 2:
            raise forms.ValidationError("Phần tên quá ngắn: hãy nhập ít nhất 2 ký tự.")
        return data

    def query(self) -> search.Query:
        data = self.cleaned_data
        if data.get("ref"):
            return search.Query(reference=data["ref"], direction="C", limit=10)
        # The bank may book a transfer a day before (time zones) or after (weekends).
        return search.Query(
            words=data["name"],
            amount=data["amount"],
            date_from=data["day"] - timedelta(days=1),
            date_to=data["day"] + timedelta(days=3),
            direction="C",
            limit=search.PAGE_SIZE,
        )
