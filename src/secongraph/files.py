"""Write output files atomically: a failure never leaves a half-written or changed old file.

- The content is written to a temporary file beside the target (``.{name}.XXXXXXXX.tmp``), then
  renamed over it in one step. If anything fails, the temporary file is removed and the target
  keeps its previous content; an ``OSError`` (read-only or full file system, a file where a
  folder should be) becomes one :class:`~secongraph.errors.OutputError` naming the file.
- A link is never replaced: the file it points to is (atomically, beside that file). A device,
  pipe or socket (``/dev/stdout``, say) cannot be replaced atomically, so the content is written
  to a temporary file first and then copied into it: nothing reaches it if writing fails.
- A temporary file left by a run that was killed is removed by the next write to the same
  target. Each writer holds an advisory lock (``flock``) on its temporary file while it works,
  and the kernel releases it when the process dies, so only files no live process holds are
  removed, and only regular files of the same user with the name of that target's temporaries.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from .errors import OutputError, printable

__all__ = ["atomic_output", "read_json_object", "write_atomically"]


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path; on success its content replaces ``path`` in one rename.

    The temporary file is removed if the block raises, so ``path`` keeps its previous content.
    If ``path`` is a link, the file it points to is replaced and the link kept; if it is a
    device, pipe or socket, the finished content is copied into it.

    Raises
    ------
    OutputError
        If ``path`` is a folder, or cannot be written (an ``OSError`` while creating the folder,
        writing the temporary file in the block, or renaming it).

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out" / "a.txt"
    >>> with atomic_output(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    try:
        target, stream = _target(path)
        if stream:
            folder = Path(tempfile.gettempdir())
        else:
            folder = target.parent
            if target == path:  # a link's target folder is never created
                folder.mkdir(parents=True, exist_ok=True)
            _remove_stale_temporaries(target)
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise output_error(path, error) from error
    tmp = Path(name)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # held until done: the file is not stale
        yield tmp
        with tmp.open("rb") as written:
            os.fsync(written.fileno())
            if stream:
                with path.open("wb") as sink:
                    shutil.copyfileobj(written, sink)
        if not stream:
            os.chmod(tmp, 0o644)  # mkstemp creates 0o600; outputs are meant to be shared
            os.replace(tmp, target)
    except OSError as error:
        raise output_error(path, error) from error
    finally:
        tmp.unlink(missing_ok=True)
        os.close(handle)


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return ``path``.

    Raises
    ------
    OutputError
        As :func:`atomic_output` does.
    """
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
    return path


def _target(path: Path) -> tuple[Path, bool]:
    """The file to replace (the end of any link), and whether ``path`` is a stream instead."""
    try:
        mode = path.stat().st_mode  # follows links
    except FileNotFoundError:
        if path.is_symlink():  # a dangling link: its target is created, the link kept
            return Path(os.path.realpath(path)), False
        return path, False
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "Is a folder")
    if not stat.S_ISREG(mode):
        return path, True
    return (Path(os.path.realpath(path)) if path.is_symlink() else path), False


_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")


def _remove_stale_temporaries(target: Path) -> None:
    """Remove the temporary files of ``target`` that no live writer holds (a killed run's)."""
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if not match or match["name"] != target.name:
            continue
        with suppress(OSError):
            _remove_if_stale(entry)


def _remove_if_stale(entry: os.DirEntry[str]) -> None:
    info = entry.stat(follow_symlinks=False)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
        return
    handle = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a live writer holds it
        opened = os.fstat(handle)
        if (opened.st_dev, opened.st_ino) == (info.st_dev, info.st_ino):
            os.unlink(entry.path)
    finally:
        os.close(handle)


def output_error(path: Path, error: OSError) -> OutputError:
    """The one-line :class:`OutputError` for ``error``, raised while writing ``path``."""
    text = error.strerror or str(error)
    code = re.search(r"os error (\d+)", text)  # pyoxigraph's and RocksDB's messages name it
    if code:
        reason = os.strerror(int(code[1]))
    elif text.startswith("IO error:"):  # RocksDB's chain of contexts ends with the system's reason
        reason = text.rsplit(": ", 1)[-1]
    else:
        reason = text
    return OutputError(
        f"{printable(path)}: cannot write ({reason}); the previous file, if any, is unchanged",
        hint="Write to a folder that is writable and has free space.",
    )


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in the file ``path``; ``None`` if it is missing, unreadable or not an
    object (a record the program wrote itself, read again)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
