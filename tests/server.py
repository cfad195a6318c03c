"""A real uvicorn server in a subprocess, for tests that need real sockets and concurrency."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).parents[1]
RUN = (
    "import sys, uvicorn; from app.serving import uvicorn_options;"
    " uvicorn.run(sys.argv[1], fd=int(sys.argv[2]), workers=int(sys.argv[3]),"
    " log_level='warning', access_log=False, **uvicorn_options())"
)
"""uvicorn with the options `handover serve` gives it, on an inherited socket."""


@contextmanager
def serve(env: dict[str, str], *, workers: int = 1, target: str = "app.asgi:app") -> Iterator[str]:
    """Serve the ASGI app `target` as `handover serve` would, with the given HANDOVER_ settings.

    Yields its base URL.

    The listening socket is bound here and handed over, so clients can connect at once:
    the kernel queues them until the server accepts, with no polling for readiness.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    port = sock.getsockname()[1]
    argv = [sys.executable, "-c", RUN, target, str(sock.fileno()), str(workers)]
    full_env = {**os.environ, "HANDOVER_SCHEDULER_ENABLED": "false", **env}
    proc = subprocess.Popen(argv, cwd=ROOT, env=full_env, pass_fds=(sock.fileno(),))
    sock.close()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
