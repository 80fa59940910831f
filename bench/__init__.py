"""The benchmarks (run by ``make bench``; each script's docstring says what it measures).

A process with ``TDKT_DATABASE_URL`` set refuses to start without a shared secret key (several
web hosts must agree on it). The benchmarks start their own web, worker and beat processes against
a scratch database, so they give them one throw-away key unless the caller set one.
"""

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.config import Settings

os.environ.setdefault("TDKT_SECRET_KEY", "bench-only-not-a-secret-" + "0" * 40)


def settings(**overrides: object) -> "Settings":
    """The engine's settings for a benchmark's own process: none from the caller's environment
    except the shared secret key, so the in-process runtime signs as its servers do."""
    from engine.config import load_settings

    return load_settings({}, secret_key=os.environ["TDKT_SECRET_KEY"], **overrides)
