"""The one test-data layer: a factory module per domain on one small base (``base``).

``people`` (units, users, roles), ``campaigns``, ``dossiers``, ``workflow`` (specs, instances,
tasks, audit), ``awards`` (award history, ratings), ``council``, ``notify`` (tasks as a
notification sees them) insert rows directly; ``procedure`` drives the demo agency through the
engine's operations; ``worlds`` holds the one ``World`` the per-folder fixtures build. The tests
and ``bench/`` both use it; nothing here imports pytest, so a benchmark can run without it.
"""
