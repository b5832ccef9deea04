"""What notebooks need beyond the core: the optional packages of ``secongraph[notebook]``.

The core library never imports pandas; a function that hands back a DataFrame asks for it here
and gets one clear error when it is missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import SecongraphError

EXTRA = "notebook"
"""The optional extra that installs pandas and matplotlib: ``pip install 'secongraph[notebook]'``."""


class MissingExtraError(SecongraphError, ImportError):
    """An optional package is not installed; the message names the extra that installs it.

    It is an :class:`ImportError` too, so code that already guards an import catches it.
    """


def require(module: str, *, purpose: str) -> ModuleType:
    """Import ``module``, an optional package of ``secongraph[notebook]``.

    Raises
    ------
    MissingExtraError
        ``module`` cannot be imported.

    Examples
    --------
    >>> require("json", purpose="reading JSON").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{purpose} needs {module}, which is not installed: pip install 'secongraph[{EXTRA}]'"
        ) from None
