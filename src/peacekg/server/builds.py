"""Which build a running server serves, and following the project to a newer
one without a restart.

A server holds the build it serves (:func:`peacekg.build.hold_build`), so no
``peacekg`` command deletes it. A watcher thread notices when the build cache
changes; when the build for the project's current sources is complete and is
not the one served, the server opens it, starts query workers on it, and only
then switches (:meth:`peacekg.server.app.Server.switch_to`). Requests already
running finish on the old build, which is released afterwards.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

log = logging.getLogger("peacekg.server")


@dataclass
class Served:
    """One build as the server uses it: the graph for the pages, the build's
    key (the ETag of every answer), the folder and its in-use lock, the query
    pool's generation on it, and the caches of what never changes within it."""

    kg: Any
    key: str | None = None
    folder: Path | None = None
    hold: IO[bytes] | None = None
    generation: int = 0
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, int] | None:
        """The folder's name and inode: a rebuild of the same sources gives a new folder under the same name."""
        if self.folder is None:
            return None
        try:
            return self.folder.name, os.stat(self.folder).st_ino
        except OSError:
            return None


def newer_build(served: Served) -> Path | None:
    """The complete build folder for the project's current sources, if it is
    not the one ``served`` (None while it is being built, or if nothing changed)."""
    from ..build import cache_key

    project = served.kg.project
    if project is None or served.folder is None:
        return None
    folder = project.cache_dir / cache_key(project)
    if not (folder / "build.json").is_file():
        return None
    try:
        identity = folder.name, os.stat(folder).st_ino
    except OSError:
        return None
    return None if identity == served.identity else folder


class BuildWatcher:
    """A daemon thread that checks, every ``interval`` seconds, whether the
    build cache folder changed, and if so asks the server to follow."""

    def __init__(self, server, interval: float):
        self.server, self.interval = server, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="peacekg-build-watcher")
        self._seen: int | None = None

    def start(self) -> None:
        self._seen = self._stamp()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _stamp(self) -> int | None:
        project = self.server.current.kg.project
        try:
            return os.stat(project.cache_dir).st_mtime_ns
        except OSError:
            return None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            stamp = self._stamp()
            if stamp == self._seen:
                continue
            try:
                folder = newer_build(self.server.current)
                if folder is None or self.server.switch_to(folder):
                    self._seen = stamp  # else: try again next time
            except Exception:  # noqa: BLE001 (a source mid-edit, a build mid-way: look again later)
                log.debug("could not look for a newer build", exc_info=True)
