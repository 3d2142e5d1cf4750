"""A load package is whole, or it is refused.

manifest.json lists every file of the package with its size and sha256 (`files`); the
writer fills the list last, and every reader (report, load) calls `check_package` first.
A package mixed from two runs, cut short, or edited afterwards fails it with one line.
Working files next to the package are not part of it: `report.html` (rendered from the
package, redone by `dumpkit report`) and `stage.duckdb` (the staging file migrate leaves).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import DumpkitError
from .schema import ENTITIES, file_name

MANIFEST = "manifest.json"
REVIEW = "review.json"
ISSUES = "issues.jsonl"


class PackageRefused(DumpkitError):
    """The folder is not a whole load package (exit 1)."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def package_files() -> set[str]:
    """The names a package always has (review.json is there for a demo only)."""
    return {file_name(e) for e in ENTITIES} | {ISSUES}


def describe_files(folder: Path, names) -> dict[str, dict]:
    """The manifest's `files`: {name: {size, sha256}} of the files written."""
    return {n: {"size": (folder / n).stat().st_size, "sha256": sha256_file(folder / n)} for n in sorted(names)}


def check_package(out: Path) -> dict:
    """The manifest of the package at `out` when every file it lists is there with its size
    and sha256 and nothing a package holds is unlisted; else PackageRefused, one line."""
    out = Path(out)
    path = out / MANIFEST
    if not path.is_file():
        raise PackageRefused(f"{out}: no {MANIFEST}, not a dumpkit load package")
    try:
        manifest = json.loads(path.read_bytes())
    except (ValueError, OSError) as e:
        raise PackageRefused(f"{path} cannot be read ({e}); the package is damaged, migrate again") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        raise PackageRefused(f"{path} lists no files with their checksums (a package of an older dumpkit, "
                             "or damaged); migrate again")
    refuse = f"{out} is not a whole load package, migrate again:"
    unlisted = sorted(package_files() - files.keys())
    if unlisted:
        raise PackageRefused(f"{refuse} {MANIFEST} does not list {unlisted[0]}")
    for name, entry in sorted(files.items()):
        if name != Path(name).name or name.startswith(".") or name == MANIFEST:
            raise PackageRefused(f"{refuse} {MANIFEST} lists {name!r}, which is no file of a package")
        target = out / name
        if not target.is_file():
            raise PackageRefused(f"{refuse} {name} is missing")
        if target.stat().st_size != entry.get("size") or sha256_file(target) != entry.get("sha256"):
            raise PackageRefused(f"{refuse} {name} is not the file {MANIFEST} lists (changed, or from another run)")
    for extra in sorted(p.name for p in out.iterdir() if p.name.endswith(".parquet") or p.name == REVIEW):
        if extra not in files:
            raise PackageRefused(f"{refuse} {extra} is not listed in {MANIFEST} (left from another run)")
    return manifest
