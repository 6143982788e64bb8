"""Reproducible measurements of provgraph against baselines run on the same records."""
