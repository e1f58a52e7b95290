"""Writing a file that is replaced only when its new content is complete."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .._atomic import renamed_into_place
from .common import UsageError


def _umask() -> int:
    # Read by setting it: the only portable way. The CLI is single-threaded at this point.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The permission bits the new file gets: the existing file's, else what ``open`` would give.

    A symbolic link is refused rather than followed (the file written would be wherever it
    points, perhaps outside the directory the operator looked at) or replaced (the link would
    silently become a plain file); so is anything else that is not a regular file.
    """
    try:
        info = target.lstat()
    except FileNotFoundError:
        return 0o666 & ~_umask()
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"{str(target)!r} is a symbolic link: give the file it points to (or '-' for stdout)")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{str(target)!r} exists and is not a regular file")
    return stat.S_IMODE(info.st_mode)


@contextlib.contextmanager
def replaced_when_complete(target: Path) -> Iterator[TextIO]:
    """A text file that becomes ``target`` when the ``with`` block ends without an error.

    It is written as a temporary file in the target's directory (so the final rename stays on one
    file system and is atomic), synced, then renamed over the target. On any error, cancellation
    or signal it is removed instead: the target is the old file or the whole new one, never a
    part. An existing target keeps its permission bits (not its owner: only root could).
    """
    mode = _mode_for(target)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        # Named as the user gave it: the temporary file's name means nothing to them.
        why = exc.strerror or type(exc).__name__
        if isinstance(exc, FileNotFoundError):
            why += f" (the directory {str(target.parent)!r} does not exist)"
        raise UsageError(f"cannot write {str(target)!r}: {why}") from None

    def opened() -> TextIO:
        os.chmod(temp_name, mode)
        return os.fdopen(handle, "w", encoding="utf-8", newline="\n")

    with renamed_into_place(temp_name, target, opened) as out:
        yield out
