"""Files that are whole or absent, and stored file paths that stay in the media folder.

:func:`atomic_write` writes an export to a temporary file beside its destination, flushes
it to the disk and renames it into place: a crash, a full disk or an error half-way leaves
the destination as it was (absent, or the previous export), never a truncated file.

:func:`media_path_problem` says what is wrong with a stored file path (a FileField's name)
that an import brings in or an export finds: it must be relative, normalised and lead into
the media folder, through no symbolic link that points out of it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path, PureWindowsPath
from typing import IO

from django.conf import settings


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w", **open_args) -> Iterator[IO]:
    """Open a temporary file in ``path``'s folder; on success fsync it and rename it to
    ``path``; on any error (or Ctrl-C) delete it, leaving ``path`` untouched."""
    folder = path.parent
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power cut after it keeps the new file)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a platform that cannot open folders: the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def media_path_problem(name: object) -> str | None:
    """Why ``name`` is not an acceptable stored file path, or None when it is."""
    if not isinstance(name, str) or not name:
        return "is not a file name"
    if "\x00" in name or "\\" in name:
        return "holds a NUL or a backslash"
    if name.startswith("/") or PureWindowsPath(name).drive:
        return "is absolute (it must be relative to the media folder)"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "is not a normalised relative path ('..', '.' or an empty part)"
    root = Path(settings.MEDIA_ROOT).resolve()
    if not (root / name).resolve().is_relative_to(root):
        return "leads outside the media folder (through a symbolic link)"
    return None
