"""The last touch on every answer, in one pass: CORS headers, an ETag per
build (and 304 for a client that has the answer), and gzip for large bodies.

One pure-ASGI middleware instead of three stacked ones: each layer of the
usual kind wraps ``send`` and re-parses the headers, which on a small lookup
cost more than the query. The rules are those of the layers it replaces:

* **CORS**: any origin may read the answers (no credentials); a preflight
  ``OPTIONS`` is answered here.
* **ETag**: every successful GET or HEAD answer gets a weak ETag made of the
  served build's key and the media type (each representation has its own);
  ``If-None-Match`` naming it gets 304 without a body. Everything the server
  answers depends on the build and the request alone, so the tag changes
  exactly when a new build is served. The key is read when the request
  starts: an answer from a newer build at worst carries the older tag.
* **gzip**: bodies of at least ``gzip_min`` bytes go compressed to clients
  that accept gzip (``Vary: Accept-Encoding``); a streamed body is
  compressed as it streams.
"""
from __future__ import annotations

import zlib
from typing import Any

#: CORS: which methods and request headers a page on another origin may use,
#: which answer headers it may read, and how long a preflight answer holds.
ALLOW_METHODS = b"GET, HEAD, POST"
ALLOW_HEADERS = b"Accept, Content-Type, If-None-Match"
EXPOSE_HEADERS = b"Content-Location, Link, Vary, ETag"
PREFLIGHT_MAX_AGE = b"86400"

#: The headers a 304 repeats from the answer it stands for (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = frozenset({b"etag", b"vary", b"cache-control", b"content-location", b"expires", b"date"})


class Finish:
    """ASGI middleware: CORS, build ETags with 304, and gzip (see the module)."""

    def __init__(self, app, server, *, gzip_min: int = 2048, level: int = 6):
        self.app, self.server, self.gzip_min, self.level = app, server, gzip_min, level

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin, if_none_match, encodings, preflight = request_headers(
            scope, (b"origin", b"if-none-match", b"accept-encoding", b"access-control-request-method"))
        method = scope["method"]
        if method == "OPTIONS" and origin is not None and preflight is not None:
            await _preflight(send)
            return
        key = self.server.current.key if method in ("GET", "HEAD") else None
        reply = _Reply(send, key=key, wanted=_tags(if_none_match), cors=origin is not None,
                       gzip=encodings is not None and b"gzip" in encodings.lower() and method != "HEAD",
                       gzip_min=self.gzip_min, level=self.level)
        await self.app(scope, receive, reply.send)


class _Reply:
    """The ``send`` of one request, finishing the answer on its way out."""

    def __init__(self, send, *, key: str | None, wanted: list[bytes], cors: bool, gzip: bool, gzip_min: int, level: int):
        self._send, self.key, self.wanted, self.cors = send, key, wanted, cors
        self.gzip, self.gzip_min, self.level = gzip, gzip_min, level
        self._start: dict[str, Any] | None = None  # held until the first body decides on gzip
        self._compressor = None
        self._done = False  # a 304 was sent: swallow the rest

    async def send(self, message: dict[str, Any]) -> None:
        if self._done:
            return
        kind = message["type"]
        if kind == "http.response.start":
            headers = list(message["headers"])
            status = message["status"]
            if self.cors:
                headers += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSE_HEADERS)]
            if status == 200 and self.key is not None and not _has(headers, b"etag"):
                tag = f'"{self.key}.{zlib.crc32(_get(headers, b"content-type")):08x}"'.encode()
                headers.append((b"etag", b"W/" + tag))
                if tag in self.wanted or b"*" in self.wanted:
                    self._done = True
                    kept = [(k, v) for k, v in headers if k.lower() in NOT_MODIFIED_HEADERS]
                    await self._send({"type": "http.response.start", "status": 304, "headers": kept})
                    await self._send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
            message = {**message, "headers": headers}
            if self.gzip and not _has(headers, b"content-encoding") and _get(headers, b"content-type") != b"text/event-stream":
                self._start = message  # wait for the body
                return
            await self._send(message)
            return
        if kind != "http.response.body" or (self._start is None and self._compressor is None):
            await self._send(message)
            return
        body, more = message.get("body", b""), message.get("more_body", False)
        if self._start is not None:
            start, self._start = self._start, None
            if len(body) < self.gzip_min and not more:
                await self._send(start)
                await self._send(message)
                return
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers = _add_vary(headers, b"Accept-Encoding") + [(b"content-encoding", b"gzip")]
            self._compressor = zlib.compressobj(self.level, zlib.DEFLATED, 31)
            if not more:
                data = self._compressor.compress(body) + self._compressor.flush()
                headers.append((b"content-length", str(len(data)).encode()))
                await self._send({**start, "headers": headers})
                await self._send({"type": "http.response.body", "body": data, "more_body": False})
                return
            await self._send({**start, "headers": headers})
        data = self._compressor.compress(body)
        if not more:
            data += self._compressor.flush()
        elif data:
            data += self._compressor.flush(zlib.Z_SYNC_FLUSH)
        await self._send({"type": "http.response.body", "body": data, "more_body": more})


def request_headers(scope, names: tuple[bytes, ...]) -> list[bytes | None]:
    """The values of the named request headers (lower-case names) in one pass
    over the ASGI scope; None for a header the request does not send."""
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in names:
            found[name] = value
    return [found.get(name) for name in names]


async def _preflight(send) -> None:
    headers = [
        (b"access-control-allow-origin", b"*"),
        (b"access-control-allow-methods", ALLOW_METHODS),
        (b"access-control-allow-headers", ALLOW_HEADERS),
        (b"access-control-max-age", PREFLIGHT_MAX_AGE),
        (b"content-length", b"2"),
        (b"content-type", b"text/plain; charset=utf-8"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"OK", "more_body": False})


def _tags(header: bytes | None) -> list[bytes]:
    """The entity tags of an If-None-Match header, weak or strong alike."""
    if not header:
        return []
    return [t.strip().removeprefix(b"W/") for t in header.split(b",") if t.strip()]


def _get(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes:
    for key, value in headers:
        if key.lower() == name:
            return value
    return b""


def _has(headers: list[tuple[bytes, bytes]], name: bytes) -> bool:
    return any(key.lower() == name for key, _ in headers)


def _add_vary(headers: list[tuple[bytes, bytes]], field: bytes) -> list[tuple[bytes, bytes]]:
    vary = _get(headers, b"vary")
    if field.lower() in vary.lower():
        return headers
    rest = [(k, v) for k, v in headers if k.lower() != b"vary"]
    return rest + [(b"vary", vary + b", " + field if vary else field)]
