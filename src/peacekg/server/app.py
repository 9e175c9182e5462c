"""The application factory: :func:`create_app` wires a :class:`KnowledgeGraph`
and :class:`Settings` into a Starlette app. Nothing is global: each app owns
its worker pool (started and stopped by the app's lifespan) and its caches."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..formats import serialize_graph
from ..validate import compact
from . import linked_data, pages, sparql
from .conneg import negotiate
from .errors import Problem
from .linked_data import graph_counts, local_href, resource_href
from .pool import QueryPool
from .settings import Settings

HERE = Path(__file__).resolve().parent

#: Sent with every HTML page: only this site's own scripts, styles and images.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Server:
    """What the request handlers share: the graph, the settings, the query pool,
    the templates and a few caches of things that never change while serving."""

    def __init__(self, kg, settings: Settings):
        self.kg, self.settings = kg, settings
        self.pool: QueryPool | None = None
        self._scratch: str | None = None
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()
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
        )

    # -- lifespan --------------------------------------------------------------

    def start(self) -> None:
        self.pool = QueryPool(self._store_path(), self.settings.workers, timeout=self.settings.query_timeout,
                              wait_limit=self.settings.wait_limit, cache_bytes=self.settings.cache_bytes)
        self.pool.start()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def _store_path(self) -> str:
        """A store on disk that the workers can open read-only: the build cache's,
        or a snapshot of an in-memory store in a temporary folder."""
        from ..store import OxigraphBackend

        if self.kg.store_path is not None:
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

    # -- shared helpers ----------------------------------------------------------

    def cached(self, key: str, compute):
        with self._lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

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
    if _wants_html(request) and exc.status != 406:
        response = server.render(request, "error.html", title=f"Error {exc.status}", status=exc.status, message=exc.message,
                                 status_code=exc.status)
        response.headers.update(headers)
        return response
    return PlainTextResponse(exc.message.rstrip("\n") + "\n", status_code=exc.status, headers=headers)


async def _not_found(request: Request, exc: Exception) -> Response:
    return await _problem(request, Problem(404, f"nothing at {request.url.path}"))


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return await _problem(request, Problem(405, f"{request.method} is not allowed on {request.url.path}"))


def create_app(kg, settings: Settings | None = None) -> Starlette:
    """A Starlette app serving ``kg`` (a :class:`peacekg.KnowledgeGraph` on the
    embedded store). Its lifespan starts and stops the query workers."""
    settings = settings or Settings()
    server = Server(kg, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(server.start)
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
        Route("/.well-known/void", linked_data.void, name="void"),
        Route("/download/{name:str}", linked_data.download, name="download"),
        Route("/browse/{kind:str}", pages.browse, name="browse"),
        Route("/search", pages.search, name="search"),
        Route("/timeline", pages.timeline, name="timeline"),
        Route("/timeline.svg", pages.timeline_svg, name="timeline-svg"),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["Content-Location", "Link", "Vary"],
            max_age=86400,
        )
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={Problem: _problem, 404: _not_found, 405: _method_not_allowed},
    )
    app.state.server = server
    return app
