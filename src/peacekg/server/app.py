"""The application factory: :func:`create_app` wires a :class:`KnowledgeGraph`
and :class:`Settings` into a Starlette app. Nothing is global: each app owns
its worker pool (started and stopped by the app's lifespan) and its caches."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..build import hold_build
from ..formats import serialize_graph
from ..namespaces import PREFIXES
from ..validate import compact
from . import linked_data, pages, sparql
from .conneg import negotiate
from ..store import StoreUnavailable
from .errors import Problem, echo
from .finish import Finish
from .page_cache import PageCache
from .linked_data import graph_counts, local_href, resource_href
from .builds import BuildWatcher, Served, log
from .pool import QueryPool
from .settings import Settings

HERE = Path(__file__).resolve().parent

#: Answers at least this long are sent gzip-compressed to clients that accept it.
GZIP_MIN_BYTES = 2048

#: Sent with every HTML page: only this site's own scripts, styles and images.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Server:
    """What the request handlers share: the build served (graph, key, caches),
    the settings, the query pool and the templates."""

    def __init__(self, kg, settings: Settings):
        self.settings = settings
        self.current = Served(kg, key=kg.info.key if kg.info is not None else None)
        self.pool: QueryPool | None = None
        self.watcher: BuildWatcher | None = None
        self._scratch: str | None = None
        self._lock = threading.Lock()
        self._switching = threading.Lock()
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        prefix = settings.prefix
        self.templates.globals.update(
            prefix=prefix,
            version=__version__,
            settings=settings,
            compact=compact,
            href=lambda iri: local_href(iri, prefix) or iri,
            resource_href=lambda iri: resource_href(iri, prefix),
            term_kind=term_kind,
            builtin_prefixes=PREFIXES,
        )

    @property
    def kg(self):
        return self.current.kg

    # -- lifespan --------------------------------------------------------------

    def start(self, loop=None) -> None:
        """Start the query workers, scheduled on ``loop`` (the server's event loop);
        with an external store, check it and start following its content instead."""
        if self.settings.endpoint:
            self._start_remote()
            return
        store_path = self._store_path()
        self.pool = QueryPool(store_path, self.settings.workers, timeout=self.settings.query_timeout,
                              wait_limit=self.settings.wait_limit, cache_bytes=self.settings.cache_bytes,
                              network=bool(self.settings.allow_service))
        if loop is not None:
            self.pool.attach(loop)
        self.pool.start()
        if self.current.folder is not None and self.settings.follow_builds > 0:
            self.watcher = BuildWatcher(self, self.settings.follow_builds)
            self.watcher.start()

    def _start_remote(self) -> None:
        from .remote import RemotePool, Store, StoreWatcher, check_store

        settings = self.settings
        store = Store(settings.endpoint, settings.endpoint_user, settings.endpoint_password)
        check = check_store(store, settings.query_timeout)
        self.current = Served(self.kg, key=check.fingerprint)
        self.pool = RemotePool(store, timeout=settings.query_timeout, wait_limit=settings.wait_limit,
                               cache_bytes=settings.cache_bytes, concurrency=4 * settings.workers,
                               refresh=settings.store_refresh)
        self.watcher = StoreWatcher(store, settings.store_refresh, self._store_changed, settings.query_timeout)
        self.watcher.start(check.fingerprint)
        log.warning("serving the store at %s: %s", settings.endpoint,
                    ", ".join(f"<{g}> {n} triples" for g, n in sorted(check.graphs.items())))

    def _store_changed(self, fingerprint: str) -> None:
        """The external store's content changed: new ETags, empty caches."""
        self.current = Served(self.kg, key=fingerprint)
        self.pool.renew()
        log.warning("the store changed; now serving it as %s", fingerprint)

    def begin_shutdown(self) -> None:
        """The server is stopping: queries waiting or running answer 503."""
        if self.watcher is not None:
            self.watcher.stop()
        if self.pool is not None:
            self.pool.close()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        if self.pool is not None:
            self.pool.close()
        if self.current.hold is not None:
            self.current.hold.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def _store_path(self) -> str:
        """A store on disk that the workers can open read-only: the build cache's
        (held in use while served), or a snapshot of an in-memory store in a
        temporary folder."""
        from ..store import OxigraphBackend

        if self.kg.store_path is not None:
            folder = Path(self.kg.store_path).parent
            hold = hold_build(folder)
            if hold is None:
                raise RuntimeError(f"the build in {folder} was removed before the server could use it; start again")
            self.current.folder, self.current.hold = folder, hold
            return str(self.kg.store_path)
        if not isinstance(self.kg.backend, OxigraphBackend):
            raise RuntimeError("peacekg serve needs the embedded store (KnowledgeGraph.load), not a remote endpoint")
        import pyoxigraph as ox

        self._scratch = tempfile.mkdtemp(prefix="peacekg-serve-")
        snapshot = ox.Store(str(Path(self._scratch) / "store"))
        snapshot.bulk_extend(self.kg.backend.store.quads_for_pattern(None, None, None, None))
        snapshot.flush()
        del snapshot
        return str(Path(self._scratch) / "store")

    def switch_to(self, folder: Path) -> bool:
        """Serve the complete build in ``folder`` from now on: hold it, open it,
        start workers on it, then switch; requests in flight finish on the old
        build, which is let go once its last worker is done. False (and the old
        build still served) if the new one cannot be used."""
        from ..api import KnowledgeGraph
        from ..build import CachedBuild
        from ..store import OxigraphBackend

        with self._switching:
            hold = hold_build(folder)
            if hold is None:
                return False
            try:
                build = CachedBuild(folder)
                old = self.current
                kg = KnowledgeGraph(OxigraphBackend(build.open_store()), old.kg.catalog, project=old.kg.project,
                                    info=build.info(), cached=build, index=build.open_index())
                self.pool.switch(str(build.store_path))
            except Exception:  # noqa: BLE001 (keep serving the old build)
                hold.close()
                log.exception("could not switch to the build in %s; still serving the old one", folder)
                return False
            self.current = Served(kg, key=kg.info.key, folder=folder, hold=hold, generation=self.pool.generation)
            log.warning("now serving the build %s (%s triples)", kg.info.key, kg.info.triples)
            threading.Thread(target=self._release, args=(old,), daemon=True, name="peacekg-release-build").start()
            return True

    def _release(self, old: Served) -> None:
        """Let go of a build once no worker runs on it and the pages that may
        have started on it are done (they take milliseconds; a query limit is ample)."""
        deadline = time.monotonic() + self.settings.query_timeout + self.settings.wait_limit + 30
        while self.pool.workers_of(old.generation) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(self.settings.query_timeout)
        if old.hold is not None:
            old.hold.close()

    # -- shared helpers ----------------------------------------------------------

    def cached(self, key: str, compute):
        """``compute()`` once per build served (the cache goes with the build)."""
        served = self.current  # taken first: compute() sees this build or a newer one
        with self._lock:
            if key not in served.cache:
                served.cache[key] = compute()
            return served.cache[key]

    def graph_counts(self) -> dict[str, int]:
        return self.cached("graph-counts", lambda: graph_counts(self.kg))

    def timeline_svg(self) -> str:
        return self.cached("timeline", lambda: pages.build_timeline_svg(self))

    def mandate_svg(self, mission: str) -> str:
        return self.cached(f"mandate {mission}", lambda: pages.build_mandate_svg(self, mission))

    def diffusion_svg(self, norm: str, label: str) -> str:
        return self.cached(f"diffusion {norm}", lambda: pages.build_diffusion_svg(self, norm, label))

    def dump(self, fmt: str) -> bytes:
        def compute() -> bytes:
            import pyoxigraph as ox

            if self.settings.endpoint:  # an external store: each of peacekg's graphs by CONSTRUCT
                from ..namespaces import GRAPHS

                quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g in GRAPHS
                         for t in self.kg.sparql_raw(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")]
            else:
                quads = self.kg.backend.store.quads_for_pattern(None, None, None, None)
            if fmt in ("nquads", "trig"):
                return serialize_graph(list(quads), fmt)
            return serialize_graph({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, fmt)

        return self.cached(f"dump-{fmt}", compute)

    def render(self, request: Request, template: str, *, status_code: int = 200, vary: bool = False, **context) -> HTMLResponse:
        examples = self.cached("examples", lambda: pages.examples(self)) if template == "query.html" else None
        html = self.templates.get_template(template).render(request=request, examples=examples, **context)
        headers = dict(SECURITY_HEADERS)
        if vary:
            headers["Vary"] = "Accept"
        return HTMLResponse(html, status_code=status_code, headers=headers)


def term_kind(term) -> str:
    """``uri``, ``bnode``, ``literal`` or ``triple``: what a pyoxigraph term is, for templates."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return "uri"
    if isinstance(term, ox.BlankNode):
        return "bnode"
    if isinstance(term, ox.Literal):
        return "literal"
    return "triple"


def _wants_html(request: Request) -> bool:
    """Whether the client prefers a page to text (browsers do; curl's */* does not)."""
    return negotiate(request.headers.get("accept"), ("turtle", "html")) == "html"


async def _problem(request: Request, exc: Problem) -> Response:
    server: Server = request.app.state.server
    headers = dict(exc.headers)
    message = echo(exc.message, 2000)  # the sites that quote input cap it at ECHO_LIMIT; this is the backstop
    if _wants_html(request) and exc.status != 406:
        response = server.render(request, "error.html", title=f"Error {exc.status}", status=exc.status, message=message,
                                 status_code=exc.status)
        response.headers.update(headers)
        return response
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=exc.status, headers=headers)


async def _store_down(request: Request, exc: Exception) -> Response:
    log.warning("a page could not be answered: %s", exc)
    return await _problem(request, Problem(503, "the store behind this site is not answering; try again later",
                                           {"Retry-After": "10"}))


async def _not_found(request: Request, exc: Exception) -> Response:
    return await _problem(request, Problem(404, f"nothing at {echo(request.url.path)}"))


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    allow = dict(getattr(exc, "headers", None) or {}).get("Allow")
    message = f"{echo(request.method, 20)} is not allowed on {echo(request.url.path)}"
    if allow:
        message += f"; use {allow}"
    return await _problem(request, Problem(405, message, {"Allow": allow} if allow else {}))


def create_app(kg, settings: Settings | None = None) -> Starlette:
    """A Starlette app serving ``kg`` (a :class:`peacekg.KnowledgeGraph` on the
    embedded store). Its lifespan starts and stops the query workers."""
    settings = settings or Settings()
    server = Server(kg, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        from starlette.concurrency import run_in_threadpool

        import asyncio

        await run_in_threadpool(server.start, asyncio.get_running_loop())
        try:
            yield
        finally:
            await run_in_threadpool(server.stop)

    routes = [
        Route("/", pages.home, name="home"),
        Route("/sparql", sparql.sparql_endpoint, methods=["GET", "POST"], name="sparql"),
        Route("/query", pages.query_page, name="query"),
        Route("/queries", sparql.queries_list, name="queries"),
        Route("/queries/{name:str}", sparql.stored_query, name="stored-query"),
        Route("/id/{path:path}", linked_data.resource, name="resource"),
        Route("/resource", linked_data.any_resource, name="any-resource"),
        Route("/ontology", linked_data.ontology, name="ontology"),
        Route("/ontology.{ext:str}", linked_data.ontology, name="ontology-file"),
        Route("/ontology/{version:str}", linked_data.ontology_version, name="ontology-version"),
        Route("/.well-known/void", linked_data.void, name="void"),
        Route("/download/{name:str}", linked_data.download, name="download"),
        Route("/browse/{kind:str}", pages.browse, name="browse"),
        Route("/search", pages.search, name="search"),
        Route("/timeline", pages.timeline, name="timeline"),
        Route("/timeline.svg", pages.timeline_svg, name="timeline-svg"),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    # One pass over each answer: CORS, the build's ETag and 304, gzip for large bodies.
    # Pages of the site kept whole per build (outermost: a kept page skips the rest).
    middleware = [
        Middleware(PageCache, server=server, max_bytes=settings.cache_bytes),
        Middleware(Finish, server=server, gzip_min=GZIP_MIN_BYTES),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={Problem: _problem, StoreUnavailable: _store_down, 404: _not_found, 405: _method_not_allowed},
    )
    app.state.server = server
    return app
