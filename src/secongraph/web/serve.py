"""``secongraph serve``: the web application on uvicorn, on one host and port."""

from __future__ import annotations

import uvicorn

from .app import create_app
from .site import Site


def serve(site: Site, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``site`` at ``http://host:port/`` until interrupted (Ctrl-C)."""
    uvicorn.run(create_app(site), host=host, port=port, log_level="warning", server_header=False)
