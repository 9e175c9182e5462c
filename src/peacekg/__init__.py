"""peacekg: the open knowledge graph of international norms in peacekeeping."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["KnowledgeGraph", "__version__"]


def __getattr__(name: str):
    # Imported lazily so that `import peacekg` stays fast.
    if name == "KnowledgeGraph":
        from .api import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(name)
