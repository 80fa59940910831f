"""The benchmarks (run by ``make bench``; each script's docstring says what it measures).

A process with ``TDKT_DATABASE_URL`` set refuses to start without a shared secret key (several
web hosts must agree on it). The benchmarks start their own web, worker and beat processes against
a scratch database, so they give them one throw-away key unless the caller set one.
"""

import os

os.environ.setdefault("TDKT_SECRET_KEY", "bench-only-not-a-secret-" + "0" * 40)
