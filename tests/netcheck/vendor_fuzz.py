"""Fuzz entry point for the vendor parsers: mutate real configurations and report any crash.

Usage (from the repository root)::

    PYTHONPATH=src python -m tests.netcheck.vendor_fuzz --vendor fortigate --iterations 20000 --seed 7

Seeds are the shared corpus (``MAMORI_CORPORA``) and ``tests/netcheck/configs``. A parser may raise
only :class:`NetcheckError`; anything else is a crash, and the input that caused it is written to the
output folder so it can become a regression test. ``fuzz_one(data)`` takes raw bytes and suits
coverage-guided fuzzers (for example atheris) as a target.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import traceback
from pathlib import Path

from mamori.netcheck.errors import NetcheckError
from mamori.netcheck.vendors import VENDORS, decode_config, get_parser

FOLDERS = {
    "fortigate": "fortigate",
    "yamaha-rtx": "yamaha-rtx",
    "cisco-asa": "cisco-asa",
    "cisco-ios": "cisco-ios",
    "iptables": "iptables",
    "nftables": "nftables",
}
_SPICE = [
    "",
    '"',
    "\\",
    "*",
    ",",
    "-",
    "/",
    "999999",
    "0.0.0.0/33",
    "1.2.3",
    "eq",
    "range",
    "any",
    "edit",
    "end",
]


def seed_texts(vendor: str) -> list[str]:
    """Return the seed configurations for ``vendor``."""
    folders = [Path(__file__).resolve().parent / "configs" / FOLDERS[vendor]]
    corpora = os.environ.get("MAMORI_CORPORA")
    if corpora:
        folders.append(Path(corpora) / "network-configs" / FOLDERS[vendor])
    texts = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file():
                    try:
                        texts.append(decode_config(path.read_bytes(), source=path.name))
                    except NetcheckError:
                        continue
    return texts or [""]


def mutate(text: str, rng: random.Random, words: list[str]) -> str:
    """Drop, duplicate, garble or insert a few lines of ``text``."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 10)):
        index = rng.randrange(len(lines) + 1)
        choice = rng.random()
        if choice < 0.25 and lines:
            del lines[min(index, len(lines) - 1)]
        elif choice < 0.5 and lines:
            lines.insert(index, lines[min(index, len(lines) - 1)])
        elif choice < 0.8 and lines:
            target = min(index, len(lines) - 1)
            parts = lines[target].split(" ")
            parts[rng.randrange(len(parts))] = rng.choice(words + _SPICE)
            lines[target] = " ".join(parts)
        else:
            lines.insert(index, " ".join(rng.choice(words + _SPICE) for _ in range(rng.randint(1, 8))))
    return "\n".join(lines)


def fuzz_one(data: bytes, vendor: str = "fortigate") -> None:
    """Parse one input; raise only if the parser fails with something other than NetcheckError."""
    try:
        get_parser(vendor)(decode_config(data, source="fuzz"), source="fuzz")
    except NetcheckError:
        return


def main(argv: list[str] | None = None) -> int:
    """Run the mutation loop; return 1 if any input crashed a parser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendor", choices=sorted(VENDORS), default="fortigate")
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "mamori-vendor-fuzz")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = seed_texts(args.vendor)
    words = [word for text in seeds for word in text.split()] or ["x"]
    crashes = 0
    for iteration in range(args.iterations):
        text = mutate(rng.choice(seeds), rng, words)
        try:
            fuzz_one(text.encode("utf-8"), args.vendor)
        except Exception:  # the outermost loop: record every crash and go on
            crashes += 1
            args.output.mkdir(parents=True, exist_ok=True)
            path = args.output / f"{args.vendor}-{args.seed}-{iteration}.txt"
            path.write_text(text, encoding="utf-8")
            print(f"crash: {path}\n{traceback.format_exc(limit=4)}", file=sys.stderr)
    print(f"{args.vendor}: {args.iterations} inputs, {crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
