"""The ``kamaelia`` command.

Example Usage
-------------
::

    $ kamaelia --version
    $ kamaelia demo          # a small Pipeline at work on built-in data

How does it work?
-----------------
``main(argv)`` parses the command line with :mod:`argparse` and runs the
chosen subcommand; it returns the process exit status. Each subcommand is a
function taking the parsed arguments, registered in ``_SUBCOMMANDS``, so
later features add theirs in one place.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable, Sequence

import Kamaelia

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from Kamaelia.Apps.Demo import runDemo
    runDemo()
    return 0


_SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], int]]] = {
    "demo": ("run a small Pipeline on built-in data and show what flows", _demo),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamaelia", description="Kamaelia: component-based concurrency for Python.")
    parser.add_argument("--version", action="version",
                        version=f"kamaelia {Kamaelia.__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging detail")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, _) in _SUBCOMMANDS.items():
        commands.add_parser(name, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kamaelia`` command with ``argv``; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        parser.print_help()
        return 2
    return _SUBCOMMANDS[args.command][1](args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
