"""The HTTP server behind ``peacekg serve``: a SPARQL 1.1 Protocol endpoint, the
stored queries as a web API, and a linked-data site for every resource.

``app`` builds the Starlette application (:func:`create_app`), ``pool`` runs
queries in worker processes under a time limit and a result cap, ``sparql``
speaks the protocol, ``linked_data`` describes resources by content
negotiation, ``pages`` renders the HTML site and ``timeline`` draws its SVG.
Nothing here is imported by ``import peacekg`` or by ``peacekg.cli``.
"""
from __future__ import annotations

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
