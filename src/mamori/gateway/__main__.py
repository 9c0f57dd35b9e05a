"""``python -m mamori.gateway``: the same as ``mamori gateway``, without the other sub-commands."""

from __future__ import annotations

import argparse
import sys

from mamori.gateway.cli import add_parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mamori")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["gateway", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
