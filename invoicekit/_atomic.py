"""Replacing a file only when its new content is complete (the CLI's exports, the state file)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

F = TypeVar("F", bound=IO[Any])


@contextlib.contextmanager
def renamed_into_place(
    temporary: str | os.PathLike[str], target: str | os.PathLike[str], open_temporary: Callable[[], F]
) -> Iterator[F]:
    """The temporary file ``open_temporary()`` opens (in ``target``'s directory, so the rename is
    atomic), synced and renamed over ``target`` when the ``with`` block ends without an error;
    on any error, cancellation or signal it is removed instead and ``target`` stays as it was."""
    try:
        out = open_temporary()
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
