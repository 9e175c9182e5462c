"""peacekg: the open knowledge graph of international norms in peacekeeping."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import PeacekgError

__version__ = "0.1.0"

__all__ = ["KnowledgeGraph", "PeacekgError", "SelectResult", "__version__"]

if TYPE_CHECKING:  # imported lazily at run time, so that `import peacekg` stays fast
    from .api import KnowledgeGraph, SelectResult


def __getattr__(name: str) -> Any:
    if name in ("KnowledgeGraph", "SelectResult"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
