"""Nodes one at a time: search by id, label or attribute text, and one node's details."""
