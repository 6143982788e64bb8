"""FAIR Data Pipeline registry compatibility: `/api/code_run/`."""
