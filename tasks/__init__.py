"""TĐKT Flow background jobs (Celery)."""
