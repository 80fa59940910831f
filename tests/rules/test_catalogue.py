"""The catalogue as data: every form with its aliases, levels and legal periods."""

from __future__ import annotations

from datetime import date

import pytest

from engine.domain.rules.legal_basis import (
    LEGAL_BASES,
    bases_for_period,
    basis_for,
    citation,
    effective_until,
    period_error,
)
from engine.domain.rules.titles import (
    TITLES,
    closest_title,
    processed_title_codes,
    title_code_for,
)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Bằng khen Thủ tướng Chính phủ", "BKTTG"),
        ("Bằng khen của Thủ tướng Chính phủ", "BKTTG"),
        ("BẰNG KHEN CỦA THỦ TƯỚNG", "BKTTG"),
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "BKT"),
        ("bang khen chu tich ubnd tinh", "BKT"),
        ("Huân chương Lao động hạng 3", "HCLD3"),
        ("Huân chương Lao động hạng III", "HCLD3"),
        ("Huân chương Lao động hạng Nhì", "HCLD2"),
        ("Kỷ niệm chương Vì sự nghiệp KH&CN", "KNC_KHCN"),
        ("Kỷ niệm chương vì sự nghiệp khoa học và công nghệ", "KNC_KHCN"),
        ("Danh hiệu “Chiến sĩ thi đua cơ sở”", "CSTDCS"),
        ("Chiến sỹ thi đua cấp cơ sở", "CSTDCS"),
        ("Cờ thi đua của Chính phủ", "CTDCP"),
        ("Cờ thi đua của Ủy ban nhân dân tỉnh", "CTDT"),
        ("Giấy khen", "GK"),
    ],
)
def test_usual_spellings_match_their_form(written: str, code: str) -> None:
    assert title_code_for(written) == code


def test_every_name_and_alias_names_one_form_only() -> None:
    for title in TITLES:
        for written in (title.name, *title.aliases):
            assert title_code_for(written) == title.code, written


def test_an_unknown_name_gets_the_closest_form() -> None:
    near = closest_title("Bằng khen Thủ tướng Chánh phủ")
    assert near is not None
    assert near.code == "BKTTG"
    assert closest_title("zzzz") is None


def test_processed_forms_are_the_procedures_and_the_rest_history_only() -> None:
    assert processed_title_codes() == [
        "LDTT", "CSTDCS", "TTLDTT", "GK", "CSTDT", "TTLDXS", "BKT", "BKTTG", "HCLD3",
    ]  # fmt: skip
    history_only = {t.code for t in TITLES if not t.processed}
    assert {"CSTDTQ", "CTDCP", "BKB", "HCLD1", "HCLD2", "KNC_KHCN", "CSTDB"} <= history_only
    assert {t.decided_by for t in TITLES} == {"director", "province", "ministry", "central"}


def test_the_bases_follow_each_other_without_gaps() -> None:
    assert effective_until(LEGAL_BASES[0]) == date(2023, 12, 31)
    assert effective_until(LEGAL_BASES[1]) == date(2025, 6, 30)
    assert effective_until(LEGAL_BASES[2]) is None
    assert basis_for(date(2025, 6, 30)).code == "ND98_2023"
    assert basis_for(date(2025, 7, 1)).code == "ND152_2025"
    across = bases_for_period(date(2025, 1, 1), date(2025, 12, 31))
    assert [b.code for b in across] == ["ND98_2023", "ND152_2025"]


def test_a_basis_outside_its_period_is_explained() -> None:
    assert period_error("ND152_2025", date(2025, 7, 1), date(2025, 12, 31)) is None
    assert period_error("ND91_2017", date(2024, 1, 1), date(2024, 12, 31)) == (
        "NĐ 91/2017 có hiệu lực từ 01/10/2017 đến 31/12/2023, không áp dụng cho giai đoạn "
        "01/01/2024–31/12/2024; căn cứ phù hợp: NĐ 98/2023"
    )


def test_each_basis_cites_its_own_law() -> None:
    assert citation("ND91_2017", "LDTT").startswith("Luật TĐKT 2003 (sửa đổi 2013) Điều 24")
    assert citation("ND98_2023", "LDTT").startswith("Luật TĐKT 2022 Điều 24; NĐ 98/2023")
    assert citation("ND152_2025", "BKT").startswith("Luật TĐKT 2022 Điều 74; NĐ 152/2025")
    assert "[chưa xác nhận]" in citation("ND98_2023", "LDTT")
    assert "[chưa xác nhận]" not in citation("ND98_2023", "CSTDCS")
    assert "[chưa xác nhận]" not in citation("ND98_2023", "TTLDXS")
