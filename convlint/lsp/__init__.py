"""The language server, ``convlint server`` (optional extra: ``pip install 'convlint[lsp]'``).

``analysis`` analyses an editor's document (a buffer or a notebook's cells) with its project's
configuration, ``incremental`` re-parses only the statements an edit changed, ``content``
writes the inlay hints and hovers, ``features`` turns an analysis into LSP data, and
``server`` is the pygls server that keeps the documents and answers the editor.
"""

from __future__ import annotations

import sys
from typing import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] = ()) -> int:
    """Run the server on stdio; exit 2 with a message when pygls is not installed."""
    if any(a in ("-h", "--help") for a in argv):
        print("usage: convlint server\n\nA language server (LSP over stdio) for editors: diagnostics, inlay hints with each "
              "layer's output shape and parameters, hovers, quick fixes. See the README for editor setup.")
        return 0
    if argv:
        print(f"convlint server: error: unexpected arguments: {' '.join(argv)}", file=sys.stderr)
        return 2
    try:
        from .server import main as serve
    except ImportError as err:
        print(
            f"convlint: error: the language server needs pygls ({err}); install it with: pip install 'convlint[lsp]'",
            file=sys.stderr,
        )
        return 2
    return serve(argv)
