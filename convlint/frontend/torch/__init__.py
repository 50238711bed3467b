"""PyTorch semantics for the framework-neutral interpreter, and the PyTorch front end."""

from .extract import extract

__all__ = ["extract"]
