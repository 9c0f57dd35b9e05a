"""The ``mamori`` command."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# Each entry: sub-command name → module that provides ``add_parser(subparsers)``. The module's parser
# sets ``func`` to a callable taking the parsed namespace and returning the exit code. Engine commands
# (sanitize, netcheck) must not set up Django; the others call ``setup_django()`` first.
COMMAND_MODULES: dict[str, str] = {
    "quickstart": "mamori.core.cli",
    "serve": "mamori.core.cli",
    "manage": "mamori.core.cli",
    "audit": "mamori.core.cli",
    "backup": "mamori.core.cli",
    "restore": "mamori.core.cli",
    "sanitize": "mamori.sanitize.cli",
    "netcheck": "mamori.netcheck.cli",
}


def setup_django() -> None:
    """Configure Django from the environment (only for commands that need the database)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.config.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mamori",
        description="守り（Mamori）— 情報セキュリティポリシー運用基盤",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="コマンド")
    seen: set[str] = set()
    for module_name in COMMAND_MODULES.values():
        if module_name in seen:
            continue
        seen.add(module_name)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # A part not installed in this build (its package is absent) offers no command; any other
            # missing import is a real error.
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if args_list[:1] == ["manage"]:
        # Hand everything after "manage" to Django untouched (its own options included).
        setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["mamori manage", *args_list[1:]])
        return 0
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
