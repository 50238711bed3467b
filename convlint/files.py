"""Reading a file that must be a regular file, without ever blocking on something else.

A path ending in ``.py`` can be a FIFO (``open`` then waits for a writer forever), a device
(``/dev/zero`` never ends), or a socket.  Only regular files are read: the path is checked
before it is opened, and the open file again (it may have been swapped in between), with
``O_NONBLOCK`` so that even a FIFO swapped in at that instant cannot block the open.
"""

from __future__ import annotations

import os
import stat

__all__ = ["NotRegularFile", "file_kind", "read_regular"]


class NotRegularFile(OSError):
    """The path exists but is not a regular file; its ``strerror`` says what it is."""


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def file_kind(mode: int) -> str:
    """What a non-regular ``st_mode`` is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _refuse(path: str, mode: int) -> NotRegularFile:
    return NotRegularFile(0, f"{file_kind(mode)}, not a regular file", path)


def read_regular(path: str) -> bytes:
    """The bytes of ``path`` if it is a regular file; :class:`NotRegularFile` otherwise, and
    the usual ``OSError`` when it cannot be read."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise _refuse(path, mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(path, mode)
        return f.read()
