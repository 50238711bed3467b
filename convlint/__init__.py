"""convlint: a static architecture linter for convolutional networks (Keras and PyTorch)."""

__version__ = "0.1.0"
