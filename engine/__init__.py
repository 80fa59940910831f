"""TĐKT Flow engine: the only package that imports SpiffWorkflow."""
