"""Start a project: the SECON data shipped with secongraph, written into a folder the user owns.

``secongraph init my-project && cd my-project && secongraph build`` needs nothing but the
installed package: the curated Turtle, the catalogue of sources with their copies and the
spreadsheet templates are copied into ``my-project/data``. The copy is made in a temporary folder
inside the target and renamed into place, so ``data/`` appears whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import UsageError, printable
from .files import output_error
from .paths import package_folder

DATA_FOLDER = "data"
"""The folder of a project that ``build`` reads by default, and that :func:`init_project` writes."""
NOT_COPIED = ("reference",)
"""Folders of the checkout's ``data/`` that a project does not get (the wheel leaves them out too):
raw reference lists, read only by ``make reference``."""


def init_project(folder: Path) -> Path:
    """Write the SECON data folder into ``folder`` (created if missing) and return its path.

    ``folder`` must be new or empty: nothing of the user's is ever overwritten. The data is
    copied into a temporary folder inside ``folder`` and renamed to ``folder/data`` in one step;
    on any failure the temporary copy is removed and a folder this call created is removed again.

    Raises
    ------
    UsageError
        If ``folder`` is a file, or a folder that is not empty.
    OutputError
        If ``folder`` cannot be created or written.

    Examples
    --------
    >>> target = Path(tempfile.mkdtemp()) / "my-project"
    >>> data = init_project(target)
    >>> sorted(p.name for p in data.iterdir() if p.is_dir())
    ['sources', 'templates']
    """
    folder = Path(folder)
    try:
        created = _new_or_empty(folder)
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".secongraph-init.", suffix=".tmp"))
    except OSError as error:
        raise output_error(folder, error) from error
    source, target = package_folder(DATA_FOLDER), folder / DATA_FOLDER
    try:
        copy = shutil.copytree(
            source, staging / DATA_FOLDER, copy_function=shutil.copyfile,  # the user's own files
            ignore=lambda at, names: [n for n in names if Path(at) == source and n in NOT_COPIED],
        )  # fmt: skip
        os.rename(copy, target)
    except OSError as error:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise output_error(target, error) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _new_or_empty(folder: Path) -> bool:
    """Whether ``folder`` is new (else it is an empty folder); a :class:`UsageError` if neither."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        raise UsageError(
            f"{printable(folder)}: not a folder; nothing was written",
            hint="Give the path of a new or empty folder.",
        )
    if any(folder.iterdir()):
        raise UsageError(
            f"{printable(folder)}: the folder is not empty; nothing was written",
            hint="Give the path of a new or empty folder; what is there is left as it is.",
        )
    return False
