"""``mamori api-token USERNAME``: print a new API token for a user."""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("api-token", help="利用者の API トークンを新しく発行して表示する")
    parser.add_argument("username", help="ログイン名")
    parser.add_argument("--name", default="コマンドで発行", help="用途（一覧に表示）")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Issue a token for ``args.username`` and print it; exit 1 when there is no such active user."""
    from mamori.cli import setup_django

    setup_django()
    from django.contrib.auth import get_user_model

    from mamori.api.models import ApiToken
    from mamori.core import audit

    user = get_user_model().objects.filter(username=args.username, is_active=True).first()
    if user is None:
        print(f"利用者「{args.username}」が見つかりません（無効な利用者を含む）。", file=sys.stderr)
        return 1
    with audit.acting_as(None, via="cli", label="mamori api-token"):
        _, raw = ApiToken.issue(user, args.name)
    print(raw)
    return 0
