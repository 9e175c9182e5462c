"""Running the app under uvicorn: the listening socket is bound before anything
else starts (a busy port fails at once, before workers or "Serving"), and a
shutdown answers the queries in flight with 503 instead of cutting them off."""
from __future__ import annotations

import logging
import socket
import threading


class PortUnavailable(Exception):
    """The address cannot be listened on (in use, not ours, unknown host)."""


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (not yet listening)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        reason = "the port is in use (is another server running?)" if exc.errno == 98 else exc.strerror
        raise PortUnavailable(f"cannot listen on {host}:{port}: {reason}") from None
    return sock


def serve(app, sock: socket.socket, *, max_query_bytes: int, access_log: bool = False) -> None:
    """Serve ``app`` (from :func:`create_app`) on ``sock`` until SIGINT/SIGTERM;
    one line per request is logged only with ``access_log`` (it costs about a
    tenth of the server's time on small queries)."""
    import uvicorn

    logger = logging.getLogger("peacekg.server")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            # Stop the query workers first: requests waiting for them answer 503
            # ("shutting down") at once, so uvicorn's graceful wait ends cleanly.
            if not self.should_exit:
                threading.Thread(target=app.state.server.begin_shutdown, daemon=True).start()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(
        app,
        log_level="info",
        access_log=access_log,
        # h11 (not httptools, which rejects long URLs itself with a bare 400) lets
        # over-long GET URLs reach the app, which answers 414 with a reason.
        http="h11",
        h11_max_incomplete_event_size=max_query_bytes * 3 + 16 * 1024,
        timeout_graceful_shutdown=5,
    )
    Server(config).run(sockets=[sock])
