from __future__ import annotations

from pathlib import Path

from tests.test_cli import _tdkt

GOOD = (
    "Họ tên / Tên tập thể,Loại,Đơn vị,Danh hiệu,Năm\n"
    "Nguyễn Thị Mai,cá nhân,Phòng Quản lý Khoa học,CSTDCS,2023\n"
    "Phòng Quản lý Khoa học,tập thể,,TTLDTT,2023\n"
)


def test_cli_imports_once_refuses_bad_rows_and_bad_files(tmp_path: Path) -> None:
    env = {"TDKT_DATA_DIR": str(tmp_path / "data")}
    assert _tdkt("db", "upgrade", env=env).returncode == 0
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    first = _tdkt("awards", "import", str(good), env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "đã nhập 2 dòng, 0 dòng đã có, 0 dòng lỗi\n"
    again = _tdkt("awards", "import", str(good), env=env)
    assert again.stdout == "đã nhập 0 dòng, 2 dòng đã có, 0 dòng lỗi\n"

    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "Hà Văn Long,cá nhân,,XYZ,2023\n", encoding="utf-8")
    refused = _tdkt("awards", "import", str(bad), env=env)
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0] == (
        "dòng 4: danh hiệu / hình thức “XYZ” không có trong danh mục"
    )

    wrong = tmp_path / "awards.pdf"
    wrong.write_bytes(b"%PDF")
    result = _tdkt("awards", "import", str(wrong), env=env)
    assert result.returncode == 2
    assert result.stderr == "tdkt: awards.pdf: chỉ nhận tệp .xlsx hoặc .csv\n"
    missing = _tdkt("awards", "import", str(tmp_path / "none.csv"), env=env)
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1
