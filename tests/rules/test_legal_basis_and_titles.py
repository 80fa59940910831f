from datetime import date

import pytest

from engine.domain.rules.legal_basis import UnknownLegalBasisError, basis_for, get_basis
from engine.domain.rules.titles import TITLES, UnknownTitleError, get_title


def test_nd152_2025_applies_from_first_of_july_2025():
    assert basis_for(date(2025, 6, 30)).code == "ND98_2023"
    assert basis_for(date(2025, 7, 1)).code == "ND152_2025"


def test_nd91_2017_applies_before_2024():
    assert basis_for(date(2023, 12, 31)).code == "ND91_2017"


def test_no_basis_before_nd91_2017():
    with pytest.raises(UnknownLegalBasisError):
        basis_for(date(2010, 1, 1))


def test_unknown_basis_code_is_refused():
    with pytest.raises(UnknownLegalBasisError):
        get_basis("ND00_1999")


def test_titles_match_design_table():
    assert [t.code for t in TITLES if t.processed] == [
        "LDTT", "CSTDCS", "TTLDTT", "GK", "CSTDT", "TTLDXS", "BKT", "BKTTG", "HCLD3",
    ]  # fmt: skip
    assert get_title("CSTDT").decided_by == "province"
    assert get_title("HCLD3").decided_by == "central"
    assert get_title("GK").nominee_kinds == {"individual", "collective"}


def test_unknown_title_is_refused():
    with pytest.raises(UnknownTitleError):
        get_title("XYZ")
