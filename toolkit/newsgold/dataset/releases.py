"""The release record: ``releases.json`` at the repository root.

A JSON list, oldest first, of ``{"version": "X.Y.Z", "date": "YYYY-MM-DD", "content_hash": "<sha256 hex>"}``:
one entry per released dataset version, with the content hash of its gold
(:func:`newsgold.dataset.gold.content_hash`, printed by ``newsgold stats``). ``newsgold release``
appends to it; ``newsgold check`` compares the current gold with it, so a changed gold without a
version bump cannot pass the gate. The installed package reads the same file to say which
released version a copy of the data is. Pure helpers plus one reader and one writer.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import write_atomic

RELEASES_FILE = "releases.json"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Release:
    """One released dataset version."""

    version: str
    date: str
    content_hash: str


def version_key(version: str) -> tuple[int, int, int]:
    """``"1.10.0"`` → ``(1, 10, 0)``, for ordering versions (raises ValueError if not MAJOR.MINOR.PATCH)."""
    m = SEMVER.match(version)
    if not m:
        raise ValueError(f"not a MAJOR.MINOR.PATCH version: {version!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def bump(version: str, part: str) -> str:
    """The next version: ``part`` is ``major``, ``minor`` or ``patch``."""
    major, minor, patch = version_key(version)
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ValueError(f"unknown version part {part!r}")


def parse_releases(data: object, name: str = RELEASES_FILE) -> tuple[list[Release], list[Problem]]:
    """Releases from the parsed JSON of the file, and every problem with it."""
    if not isinstance(data, list):
        return [], [Problem(name, 1, "", "must be a JSON list of {version, date, content_hash}", "releases")]
    out: list[Release] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, entry in enumerate(data):
        if not isinstance(entry, dict) or set(entry) != {"version", "date", "content_hash"}:
            problems.append(Problem(name, 0, str(i), "each entry has exactly the keys version, date, content_hash", "releases"))
            continue
        v, d, h = entry["version"], entry["date"], entry["content_hash"]
        if not (isinstance(v, str) and SEMVER.match(v)):
            problems.append(Problem(name, 0, f"{i}/version", f"{v!r} is not MAJOR.MINOR.PATCH", "releases"))
        elif v in seen:
            problems.append(Problem(name, 0, f"{i}/version", f"version {v} is recorded twice", "releases"))
        if not (isinstance(d, str) and DATE.match(d)):
            problems.append(Problem(name, 0, f"{i}/date", f"{d!r} is not YYYY-MM-DD", "releases"))
        if not (isinstance(h, str) and SHA256.match(h)):
            problems.append(Problem(name, 0, f"{i}/content_hash", "not a lowercase sha256 hex digest", "releases"))
        if isinstance(v, str):
            seen.add(v)
        out.append(Release(str(v), str(d), str(h)))
    return out, problems


def read_releases(root: str | Path) -> list[Release]:
    """The release records of the repository at ``root`` (``[]`` when the file does not exist)."""
    path = Path(root) / RELEASES_FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), 0, "", f"cannot read: {exc}", "releases")) from exc
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise InputError(Problem(str(path), getattr(exc, "lineno", 0), "", f"malformed JSON: {exc}", "json")) from exc
    releases, problems = parse_releases(data, str(path))
    if problems:
        raise InputError(problems)
    return releases


def render_releases(releases: list[Release]) -> str:
    """The file's text: entries in version order, two-space indent, a final newline."""
    ordered = sorted(releases, key=lambda r: version_key(r.version))
    return json.dumps([asdict(r) for r in ordered], ensure_ascii=False, indent=2) + "\n"


def write_releases(root: str | Path, releases: list[Release]) -> Path:
    path = Path(root) / RELEASES_FILE
    write_atomic(path, render_releases(releases))
    return path


def find(releases: list[Release], version: str) -> Release | None:
    return next((r for r in releases if r.version == version), None)


def latest(releases: list[Release]) -> Release | None:
    """The highest released version."""
    return max(releases, key=lambda r: version_key(r.version), default=None)


def record(releases: list[Release], new: Release) -> list[Release]:
    """``releases`` with ``new`` added, or replacing the entry of the same version."""
    return [r for r in releases if r.version != new.version] + [new]
