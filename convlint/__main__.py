"""``python -m convlint``."""

import sys

from .cli import main

sys.exit(main())
