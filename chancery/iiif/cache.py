"""The derivative cache under ``MEDIA_ROOT/iiif/``, bounded in bytes (CHANCERY_IIIF_CACHE_MB).

Every file written there (image responses, full-resolution tiles, rendered PDF pages, page
sizes) is counted in ``.usage`` under an exclusive ``flock`` on ``.lock``, so the app
servers' workers share one tally. When the tally passes the bound, the writer walks the
folder and deletes the least recently used files (oldest modification time: a cache hit
touches its file) until the cache is back under :data:`LOW_WATER` of the bound, then
writes the true total. The tally may run ahead of the truth (a file written just before a
sweep is counted by the sweep and again by its writer), never behind it, so the bound
holds; each sweep resets it. A file deleted while another worker sends it is still sent
(POSIX keeps an open file); a derivative deleted before it is opened is made again.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings

#: After an eviction the cache holds at most this share of its bound.
LOW_WATER = 0.8
_LOCK, _USAGE = ".lock", ".usage"
#: Files being written start so (sources.write_atomic); eviction leaves them alone.
TEMP_PREFIX = ".tmp-"


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "iiif"


def touch(path: Path) -> None:
    """Mark ``path`` as just used (eviction goes by modification time, not atime:
    file systems are often mounted noatime)."""
    with suppress(OSError):
        os.utime(path)


@contextmanager
def _locked(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _read_usage(folder: Path) -> int | None:
    try:
        return int((folder / _USAGE).read_text())
    except (OSError, ValueError):
        return None  # unknown: walk the folder


def _write_usage(folder: Path, total: int) -> None:
    tmp = folder / f"{_USAGE}.{os.getpid()}"
    tmp.write_text(str(total))
    os.replace(tmp, folder / _USAGE)


def added(path: Path) -> None:
    """Count a file just written to the cache; evict if the cache is over its bound."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    folder = root()
    with _locked(folder):
        usage = _read_usage(folder)
        total = (usage + size) if usage is not None else None
        if total is None or total > settings.IIIF_CACHE_BYTES:
            total = _evict(folder, int(settings.IIIF_CACHE_BYTES * LOW_WATER))
        _write_usage(folder, total)


def _entries(folder: Path):
    """(mtime, size, path) of every cached file."""
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if name.startswith(TEMP_PREFIX) or (
                dirpath == str(folder) and name.startswith((_LOCK, _USAGE))
            ):
                continue  # being written, or the cache's own bookkeeping
            path = os.path.join(dirpath, name)
            with suppress(OSError):
                stat = os.stat(path)
                yield stat.st_mtime_ns, stat.st_size, path


def _evict(folder: Path, target: int) -> int:
    """Delete the least recently used files until at most ``target`` bytes remain."""
    entries = sorted(_entries(folder))
    total = sum(size for _, size, _ in entries)
    for _, size, path in entries:
        if total <= target:
            break
        with suppress(OSError):
            os.unlink(path)
            total -= size
    return total


def usage() -> int:
    """Bytes the cache holds now (walks the folder; for tests and `du`-like checks)."""
    return sum(size for _, size, _ in _entries(root()))
