"""What a running server is allowed to do, in one immutable object."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Settings:
    """Configuration of one server. ``base_url`` is the public address the
    server is reached at; links and the VoID / service descriptions use it."""

    base_url: str = "http://127.0.0.1:8000"
    #: Seconds a query may run (parse, evaluate, serialise) before its worker is killed.
    query_timeout: float = 10.0
    #: Rows (SELECT) or triples (CONSTRUCT/DESCRIBE) a query may return.
    max_results: int = 10_000
    #: Bytes of query text (GET) or request body (POST) accepted.
    max_query_bytes: int = 64 * 1024
    #: Worker processes that run SPARQL queries in parallel.
    workers: int = field(default_factory=lambda: max(2, min(4, os.cpu_count() or 2)))
    #: Seconds a request may wait for a free worker before it gets 503.
    queue_timeout: float | None = None
    #: Bytes of query answers kept to answer repeated identical requests without
    #: running them again (the store is read-only while serving); 0 turns it off.
    cache_bytes: int = 32 * 1024 * 1024
    #: Endpoints that SERVICE clauses may call, as IRI prefixes (``https://query.wikidata.org/``).
    #: Empty (the default): federation is off and a query with SERVICE gets 400.
    allow_service: tuple[str, ...] = ()
    #: Seconds between looks for a newer build of the project (0: keep the first build).
    follow_builds: float = 1.0
    #: An external SPARQL store to serve from (``peacekg serve --endpoint``) instead
    #: of the embedded one, with its credentials (never shown anywhere).
    endpoint: str | None = None
    endpoint_user: str | None = field(default=None, repr=False)
    endpoint_password: str | None = field(default=None, repr=False)
    #: With an external store: seconds between fingerprints of its content (and
    #: the longest an answer is kept).
    store_refresh: float = 60.0
    #: Whether ``/sparql`` answers queries (off: 404; the site and stored queries stay).
    sparql: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        allowed = []
        for prefix in self.allow_service:
            parts = urlsplit(prefix)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"allow_service takes http(s) URL prefixes such as https://query.wikidata.org/, not {prefix!r}")
            # A bare host must not admit longer host names (https://a.org admitting https://a.org.evil/).
            allowed.append(prefix if parts.path else prefix + "/")
        object.__setattr__(self, "allow_service", tuple(allowed))
        if self.follow_builds < 0:
            raise ValueError("follow_builds cannot be negative")
        if self.query_timeout <= 0 or self.max_results < 1 or self.workers < 1 or self.max_query_bytes < 1024:
            raise ValueError("query_timeout and max_results must be positive, workers at least 1, max_query_bytes at least 1024")
        if self.cache_bytes < 0:
            raise ValueError("cache_bytes cannot be negative")

    @property
    def prefix(self) -> str:
        """The path of ``base_url`` (empty at a host's root): links start with it."""
        return urlsplit(self.base_url).path.rstrip("/")

    @property
    def wait_limit(self) -> float:
        return self.queue_timeout if self.queue_timeout is not None else self.query_timeout
