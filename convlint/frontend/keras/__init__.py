"""Keras semantics for the framework-neutral interpreter, and the Keras front end."""

from .extract import extract
from .names import KERAS_ALIASES, classify

__all__ = ["extract", "classify", "KERAS_ALIASES"]
