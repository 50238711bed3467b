"""Placeholder: being written."""
SPECS: list = []
