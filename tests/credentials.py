"""Run ``secongraph`` as a user whose credentials live only in a given home folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from secongraph.endpoint import CREDENTIAL_VARIABLES


def cli_as(args: list[str], home: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """``secongraph ARGS`` in a subprocess whose home is ``home``, without inherited
    credentials, plus ``variables``."""
    env = {k: v for k, v in os.environ.items() if k not in (*CREDENTIAL_VARIABLES, "NETRC")}
    env.update(HOME=str(home), **variables)
    command = [sys.executable, "-m", "secongraph", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def write_netrc(home: Path, host: str, password: str, *, login: str = "dba") -> Path:
    """A ``.netrc`` in ``home`` (made if missing) with ``login`` and ``password`` for ``host``."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / ".netrc"
    path.write_text(f"machine {host}\n  login {login}\n  password {password}\n")
    path.chmod(0o600)
    return path
