"""Registered records and the graph they assert."""
