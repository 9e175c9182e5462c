"""The ceiling of the stack: a minimal Starlette app on uvicorn that answers
every request with one fixed SPARQL JSON body. ``peacekg serve`` is measured
against it (and against ``oxigraph serve``) in the server section of the bench."""
from __future__ import annotations

import sys

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = (b'{"head":{"vars":["label"]},"results":{"bindings":[{"label":{"type":"literal","xml:lang":"en",'
        b'"value":"United Nations Mission in Liberia"}}]}}')


async def fixed(request) -> Response:
    return Response(BODY, media_type="application/sparql-results+json")


app = Starlette(routes=[Route("/sparql", fixed), Route("/query", fixed)])

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", http=sys.argv[2] if len(sys.argv) > 2 else "h11")
