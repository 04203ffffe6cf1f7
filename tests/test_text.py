from nhandao.lib.dates import format_date
from nhandao.lib.money import format_vnd
from nhandao.lib.text import fold, nfc, search_key, search_terms


def test_fold_removes_tones_and_turns_d_stroke_into_d():
    assert fold("Nguyễn Thị Hoa") == "nguyen thi hoa"
    assert fold("ĐỨC") == "duc"
    assert fold("đường  Láng ") == "duong lang"


def test_fold_treats_the_look_alikes_of_d_stroke_as_d():
    # "Ðình" with Ð (U+00D0) is how the shared name lists and legacy fonts write "Đình"
    assert fold("Ðình Phú") == fold("Đình Phú") == "dinh phu"
    assert search_key("ðức ƉẠT ɖ") == "duc dat d"


def test_search_key_drops_punctuation_and_extra_spaces():
    assert search_key("Phường Văn Miếu - Quốc Tử Giám") == "phuong van mieu quoc tu giam"
    assert search_terms("  NGUYEN   van A ") == ["nguyen", "van", "a"]


def test_nfc_joins_decomposed_vietnamese_as_typed():
    decomposed = "Nguye\u0302\u0303n"  # as some keyboards send it
    assert nfc(decomposed) == "Nguyễn"
    assert fold(decomposed) == "nguyen"


def test_money_and_dates_are_shown_the_vietnamese_way():
    from datetime import date

    assert format_vnd(1500000) == "1.500.000 ₫"
    assert format_vnd(0) == "0 ₫"
    assert format_date(date(2025, 7, 1)) == "01/07/2025"
