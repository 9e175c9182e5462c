"""Whole answers of the site's pages, kept per build.

A page of the site (a resource, a listing, the home page, the ontology) is a
function of the build served and the request: its path and query string and
the headers that choose its form (Accept, gzip or not, CORS or not). So the
finished answer (headers and body, compressed where it was) can be sent again
as it is until a new build is served. The SPARQL endpoint and the stored-query
API are not kept here: their answers have their own cache in the query pool,
which ``--cache-mb 0`` turns off together with this one.

The cache is bounded in bytes (each entry charged its body, headers and
:data:`ENTRY_OVERHEAD`), forgets the least recently used page first, keeps no
answer larger than an eighth of the bound, and keeps only complete ``200``
answers to ``GET``. A client's ``If-None-Match`` is checked against the kept
answer's ETag, so 304s work as before.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from .finish import NOT_MODIFIED_HEADERS, _tags, request_headers

#: Bytes charged per page beyond its body and headers (the key, the dict slot
#: and the objects around them).
ENTRY_OVERHEAD = 600

#: Paths whose answers are never kept here.
UNCACHED_PREFIXES = ("/sparql", "/queries", "/static")


class PageCache:
    """ASGI middleware; ``server.current.key`` names the build served."""

    def __init__(self, app, server, *, max_bytes: int):
        self.app, self.server, self.max_bytes = app, server, max_bytes
        self.uncached = UNCACHED_PREFIXES
        self.size = 0
        self.hits = 0
        self._pages: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self._build: str | None = None
        server.page_cache = self  # for the logs and the tests

    async def __call__(self, scope, receive, send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET" or not self.max_bytes
                or scope["path"].startswith(self.uncached)):
            await self.app(scope, receive, send)
            return
        build = self.server.current.key
        if build is None:
            await self.app(scope, receive, send)
            return
        if build != self._build:  # a new build: every kept page is stale
            self._pages.clear()
            self.size, self._build = 0, build
        accept, encodings, if_none_match, origin = request_headers(
            scope, (b"accept", b"accept-encoding", b"if-none-match", b"origin"))
        key = (scope["path"], scope["query_string"], accept or b"", b"gzip" in (encodings or b"").lower(), origin is not None)
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
            self.hits += 1
            await self._send_kept(page, if_none_match or b"", send)
            return
        start: dict[str, Any] | None = None
        body: list[bytes] = []
        keep = True

        async def capture(message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                start = message
                keep = message["status"] == 200
            elif message["type"] == "http.response.body" and keep:
                body.append(message.get("body", b""))
                if message.get("more_body", False) and len(body) > 64:
                    keep = False  # a long stream (a dump): not kept
            await send(message)

        await self.app(scope, receive, capture)
        if keep and start is not None and build == self.server.current.key:
            self._keep(key, start["status"], list(start["headers"]), b"".join(body))

    def _keep(self, key: tuple, status: int, headers: list, body: bytes) -> None:
        cost = _cost(key, headers, body)
        if cost > self.max_bytes // 8 or key in self._pages:
            return
        self._pages[key] = (status, headers, body)
        self.size += cost
        while self.size > self.max_bytes:
            old_key, (_, old_headers, old_body) = self._pages.popitem(last=False)
            self.size -= _cost(old_key, old_headers, old_body)

    @staticmethod
    async def _send_kept(page: tuple[int, list, bytes], if_none_match: bytes, send) -> None:
        status, headers, body = page
        wanted = _tags(if_none_match)
        if wanted:
            tag = next((v for k, v in headers if k.lower() == b"etag"), b"").removeprefix(b"W/")
            if tag and (tag in wanted or b"*" in wanted):
                kept = [(k, v) for k, v in headers if k.lower() in NOT_MODIFIED_HEADERS]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


def _cost(key: tuple, headers: list, body: bytes) -> int:
    return len(body) + sum(len(k) + len(v) for k, v in headers) + len(key[0]) + len(key[1]) + len(key[2]) + ENTRY_OVERHEAD
