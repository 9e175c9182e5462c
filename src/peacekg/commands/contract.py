"""peacekg's command-line contract, in one command-group class: errors as
one ``error:`` line with exit 2 (a traceback only with ``--debug``), usage
mistakes the same way, global options before or after the subcommand, and help
that names option values instead of Python types."""
from __future__ import annotations

import sys
from typing import Any

import click
import typer
from typer.core import TyperGroup

from ..errors import PeacekgError
from .options import fail

try:  # typer 0.2x runs on its own copy of click, with its own exception classes
    from typer._click import exceptions as _typer_click
except ImportError:  # pragma: no cover - older typer, on click itself
    from click import exceptions as _typer_click

#: Exceptions that carry click's own handling (exit codes, usage messages): never caught as bugs.
_CLICK_SIGNALS = (typer.Exit, typer.Abort, click.exceptions.Exit, click.ClickException, click.Abort, _typer_click.ClickException)
_USAGE_ERRORS = (click.ClickException, _typer_click.ClickException)


#: Options of the ``peacekg`` command itself, accepted before or after the subcommand.
GLOBAL_FLAGS = ("--debug",)
#: Options of every subcommand that may also come before it (``peacekg --project X query ...``).
LEADING_OPTIONS = ("--project",)


def _reorder(args: list[str], commands: set[str]) -> list[str]:
    """Arguments with the global flags first and any subcommand option given
    before the subcommand moved after its name (up to a ``--``)."""
    end = args.index("--") if "--" in args else len(args)
    head, tail = args[:end], args[end:]
    flags = list(dict.fromkeys(a for a in head if a in GLOBAL_FLAGS))
    head = [a for a in head if a not in GLOBAL_FLAGS]
    moved: list[str] = []
    index = 0
    while index < len(head) and head[index] not in commands:
        token = head[index]
        if token in LEADING_OPTIONS and index + 1 < len(head):
            moved += head[index:index + 2]
            del head[index:index + 2]
        elif token.split("=", 1)[0] in LEADING_OPTIONS and "=" in token:
            moved.append(head.pop(index))
        else:
            index += 1
    if moved and index < len(head):
        head[index + 1:index + 1] = moved
    elif moved:
        head += moved
    return [*flags, *head, *tail]


def _name_placeholders(params: list[Any]) -> None:
    """Help shows an option's value by its name (``--format FORMAT``) and a flag
    with no placeholder, instead of Python types (``<str>``, ``<bool>``, ``<list[str]>``)."""
    for param in params:
        if isinstance(param, click.Argument) or getattr(param, "param_type_name", "") == "argument":
            param.display_type_rich = lambda ctx: None  # the argument's name says it all
        elif param.metavar is None:
            flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
            long_names = [o for o in param.opts if o.startswith("--")]
            name = long_names[0].lstrip("-") if long_names else (param.name or "value")
            param.metavar = "" if flag else name.upper().replace("-", "_")


class ErrorContract(TyperGroup):
    """The command group under peacekg's error contract: a :class:`PeacekgError`
    becomes ``error: <message>`` and exit 2; any other exception (a bug) a
    one-line ``error:`` with exit 1. With ``--debug`` (or ``PEACEKG_DEBUG=1``)
    the exception propagates with its traceback. Global flags may also follow
    the subcommand, and ``--project`` may also come before it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _reorder(args, set(self.commands)))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _name_placeholders(command.get_params(ctx))
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _name_placeholders(self.get_params(ctx))
        super().format_help(ctx, formatter)

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """Usage mistakes (an unknown option, a missing argument) as one
        ``error:`` line too, with the help command to run, and exit 2."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except _typer_click.NoArgsIsHelpError as exc:
            exc.show()  # `peacekg` alone: the help
            sys.exit(exc.exit_code)
        except _USAGE_ERRORS as exc:
            context = getattr(exc, "ctx", None)
            hint = f" (see `{context.command_path} --help`)" if context is not None else ""
            click.echo(f"error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except (click.Abort, typer.Abort):
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _CLICK_SIGNALS:
            raise
        except PeacekgError as exc:
            if ctx.meta.get("peacekg.debug"):
                raise
            raise fail(str(exc)) from None
        except BrokenPipeError:
            raise typer.Exit(1) from None  # the reader went away (e.g. `| head`)
        except Exception as exc:
            if ctx.meta.get("peacekg.debug"):
                raise
            raise fail(f"unexpected {type(exc).__name__}: {exc} (a bug: rerun with --debug and report the traceback)", 1) from None
