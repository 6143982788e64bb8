"""Provena Provenance Store API compatibility: model run records."""
