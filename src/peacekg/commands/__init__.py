"""Optional command groups, each in its own module with a ``register(app)``
function, so that heavy features (server, release, push) stay out of cli.py and
import nothing until their command runs."""
from __future__ import annotations

import importlib

import typer

#: Modules under peacekg.commands that add commands to the CLI.
COMMAND_MODULES = ("serve", "release", "quality", "load")


def register_all(app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.register(app)
