from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _tdkt(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_unreachable_database_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _tdkt(
        "db",
        "upgrade",
        env={
            "TDKT_DATA_DIR": str(tmp_path),
            "TDKT_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        },
    )
    assert result.returncode == 2
    assert result.stderr.startswith("tdkt: TDKT_DATABASE_URL: cannot connect to the database")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_malformed_database_url_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _tdkt(
        "db", "upgrade", env={"TDKT_DATA_DIR": str(tmp_path), "TDKT_DATABASE_URL": "oracle://x"}
    )
    assert result.returncode == 2
    assert (
        result.stderr
        == "tdkt: TDKT_DATABASE_URL: expected a postgresql:// or sqlite:/// URL (got 'oracle://x')\n"
    )


def test_unreachable_redis_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _tdkt(
        "run", env={"TDKT_DATA_DIR": str(tmp_path), "TDKT_REDIS_URL": "redis://127.0.0.1:1/0"}
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "tdkt: TDKT_REDIS_URL: cannot reach Redis at redis://127.0.0.1:1/0"
    )
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_db_upgrade_demo_load_and_check_on_a_new_data_dir(tmp_path: Path) -> None:
    env = {"TDKT_DATA_DIR": str(tmp_path)}
    assert _tdkt("db", "upgrade", env=env).returncode == 0
    loaded = _tdkt("demo", "load", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "added 7 units" in loaded.stdout
    again = _tdkt("demo", "load", env=env)
    assert "added 0 units, 0 users" in again.stdout
    check = _tdkt("db", "check", env=env)
    assert check.returncode == 0, check.stderr


def test_token_create_prints_a_token_that_authenticates_and_stores_only_its_hash(
    tmp_path: Path,
) -> None:
    from sqlalchemy import select
    from sqlalchemy.engine import make_url

    from engine.db import make_engine, make_session_factory
    from engine.domain.tokens import authenticate, hash_token
    from engine.models import ApiToken

    env = {"TDKT_DATA_DIR": str(tmp_path), "TDKT_SECRET_KEY": "x"}
    assert _tdkt("db", "upgrade", env=env).returncode == 0
    assert _tdkt("demo", "load", env=env).returncode == 0
    result = _tdkt("token", "create", "giamdoc", "--name", "test", env=env)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    engine = make_engine(make_url(f"sqlite:///{tmp_path / 'tdkt.sqlite3'}"))
    with make_session_factory(engine)() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
        assert stored == [hash_token(token)]
        user = authenticate(session, token)
        assert user is not None
        assert user.username == "giamdoc"
    engine.dispose()
    read = _tdkt("token", "create", "giamdoc", "--scope", "read", "--expires-days", "30", env=env)
    assert read.returncode == 0, read.stderr
    engine = make_engine(make_url(f"sqlite:///{tmp_path / 'tdkt.sqlite3'}"))
    with make_session_factory(engine)() as session:
        row = session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
        assert row is not None
        assert (row.scope, row.expires_at is not None) == ("read", True)
    engine.dispose()
    missing = _tdkt("token", "create", "nobody", env=env)
    assert missing.returncode == 2
    assert "no active user named 'nobody'" in missing.stderr


def test_deploy_prints_warnings_and_start_runs_a_start_form(tmp_path: Path) -> None:
    examples = Path(__file__).parents[1] / "workflows" / "examples"
    env = {"TDKT_DATA_DIR": str(tmp_path), "TDKT_SECRET_KEY": "x"}
    assert _tdkt("db", "upgrade", env=env).returncode == 0
    assert _tdkt("demo", "load", env=env).returncode == 0
    deployed = _tdkt("deploy", str(examples / "camunda7_giay_khen.bpmn"), env=env)
    assert deployed.returncode == 0, deployed.stderr
    assert "de_nghi_giay_khen: version 1" in deployed.stdout
    assert (
        "warning: camunda7_giay_khen.bpmn: element de_nghi_giay_khen: attribute "
        "camunda:historyTimeToLive='180' is not used by this engine"
    ) in deployed.stderr
    data = tmp_path / "start.json"
    data.write_text('{"ho_ten": "Hà", "so_nam_cong_tac": 99}', encoding="utf-8")
    refused = _tdkt(
        "start", "de_nghi_giay_khen", "--data", str(data), "--as", "vanthu.qlkh", env=env
    )
    assert refused.returncode == 1
    assert "so_nam_cong_tac: «Số năm công tác» không được lớn hơn 45." in refused.stderr
    data.write_text('{"ho_ten": "Đỗ Thu Hà", "so_nam_cong_tac": 9}', encoding="utf-8")
    forbidden = _tdkt("start", "de_nghi_giay_khen", "--data", str(data), "--as", "giamdoc", env=env)
    assert forbidden.returncode == 2
    assert "không có quyền khởi tạo" in forbidden.stderr
    started = _tdkt(
        "start", "de_nghi_giay_khen", "--data", str(data), "--as", "vanthu.qlkh", env=env
    )
    assert started.returncode == 0, started.stderr
    assert "de_nghi_giay_khen: started instance" in started.stdout
