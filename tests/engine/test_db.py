from sqlalchemy import create_engine, text

from engine import db


def _engine_counting_pings(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite:///{tmp_path / 'ping.sqlite3'}")
    db.ping_idle_connections(engine)
    pings: list[object] = []

    def ping(conn: object) -> bool:
        pings.append(conn)
        return True

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return engine, pings


def test_connection_reused_at_once_is_not_pinged(tmp_path, monkeypatch):
    engine, pings = _engine_counting_pings(tmp_path, monkeypatch)
    for _ in range(3):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    assert pings == []


def test_idle_connection_is_pinged_before_use(tmp_path, monkeypatch):
    engine, pings = _engine_counting_pings(tmp_path, monkeypatch)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert pings == []  # a new connection needs no ping
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert len(pings) == 1


def test_dead_idle_connection_is_replaced(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite:///{tmp_path / 'ping.sqlite3'}")
    db.ping_idle_connections(engine)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
    calls = []

    def ping(conn):
        calls.append(conn)
        if conn is first:
            raise OSError("server closed the connection")
        return True

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
        assert conn.connection.dbapi_connection is not first
