"""TĐKT Flow web application (Flask)."""
