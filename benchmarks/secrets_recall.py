"""Secrets: Gatepost's catalogue against detect-secrets 1.5.0, on the labelled corpora.

    .venv/bin/python benchmarks/secrets_recall.py            # dev and held-out test corpora
    .venv/bin/python benchmarks/secrets_recall.py --quick    # about 120 posts of the dev part

For each corpus: the posts labelled ``secret`` or ``password`` (every one must
be found) and the posts expected to be allowed (none may be found). A post
counts as found by detect-secrets if its default plugins and filters report
anything when the post is scanned as a file, the way ``detect-secrets scan``
sees a repository; by Gatepost if its secrets detector, reading the same
normalized views as the proxy, reports a finding. Prints one table, both
tools side by side, and exits 0 (a measurement, not a test).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPORA = {"dev": ROOT / "tests/data/corpus.jsonl", "test": ROOT / "tests/data/heldout/test.jsonl"}
SECRET_CATEGORIES = frozenset({"secret", "password"})
QUICK_POSTS = 120


def read(path: Path, limit: int | None) -> list[dict]:
    posts = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if not limit or len(posts) <= limit:
        return posts
    return posts[:: -(-len(posts) // limit)]  # every k-th post: all categories, about limit


def detect_secrets_finds(texts: Sequence[str]) -> list[bool]:
    """Whether detect-secrets (default settings) reports anything in each text."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    with tempfile.TemporaryDirectory() as folder, default_settings():
        paths = []
        for index, text in enumerate(texts):
            path = Path(folder) / f"post-{index:05d}.txt"
            path.write_text(text + "\n", encoding="utf-8")
            paths.append(str(path))
        collection = SecretsCollection()
        collection.scan_files(*paths)
        found = {Path(filename).name for filename, _ in collection}
    return [Path(p).name in found for p in paths]


def gatepost_finds(texts: Sequence[str]) -> list[bool]:
    """Whether Gatepost's secrets detector (on its views) reports anything in each text."""
    from detectors import build_scanner

    scanner = build_scanner(None, term_lists={}, patterns={}, pii_entities=())
    return [any(f.kind == "secret" for f in scanner.scan(text).findings) for text in texts]


def rates(posts: Sequence[dict], finds: Callable[[Sequence[str]], list[bool]]) -> tuple[str, str]:
    secret = [p["text"] for p in posts if p.get("category") in SECRET_CATEGORIES]
    allowed = [p["text"] for p in posts if p.get("expect") == "allow"]
    hits = sum(finds(secret)) if secret else 0
    false_hits = sum(finds(allowed)) if allowed else 0
    return (f"{hits}/{len(secret)} = {hits / len(secret):.3f}" if secret else "n/a",
            f"{false_hits}/{len(allowed)} = {false_hits / len(allowed):.3f}" if allowed else "n/a")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 120 posts of the dev part only")
    args = parser.parse_args(argv)
    limit = QUICK_POSTS if args.quick else None
    parts = {"dev": CORPORA["dev"]} if args.quick else CORPORA
    print(f"{'corpus':<8}{'tool':<16}{'secret posts found':>24}{'allowed posts hit':>24}")
    for name, path in parts.items():
        if not path.exists():
            print(f"{name:<8}(no corpus at {path.relative_to(ROOT)})")
            continue
        posts = read(path, limit)
        for tool, finds in (("detect-secrets", detect_secrets_finds), ("gatepost", gatepost_finds)):
            found, false = rates(posts, finds)
            print(f"{name:<8}{tool:<16}{found:>24}{false:>24}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
