"""The release record: ``releases.json`` at the repository root.

A JSON list, oldest first, of ``{"version": "X.Y.Z", "date": "YYYY-MM-DD", "content_hash": "<sha256 hex>"}``:
one entry per released dataset version, with the content hash of its gold
(:func:`newsgold.gold.read.content_hash`, printed by ``newsgold stats``). ``newsgold release``
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
from newsgold.core.repository import current, toolkit_schema_dir

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


@dataclass(frozen=True)
class Published:
    """The first committed record of a version: a published release's hash never changes."""

    version: str
    content_hash: str
    commit: str


def published(root: str | Path) -> dict[str, Published] | None:
    """Every version recorded in a committed ``releases.json`` (the git history of the file, from
    HEAD), with the hash of its *first* record; None when there is no git history to read.

    A release is published once its record is committed: from then on its hash may not change
    (``newsgold release --amend`` refuses, ``newsgold check`` fails). Before, it may be amended."""
    import subprocess
    git = ["git", "-C", str(root)]
    try:
        log = subprocess.run([*git, "log", "--format=%H", "--", RELEASES_FILE], capture_output=True, text=True,
                             timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if log.returncode != 0:
        return None
    out: dict[str, Published] = {}
    for commit in reversed(log.stdout.split()):       # oldest first: the first record of a version wins
        shown = subprocess.run([*git, "show", f"{commit}:{RELEASES_FILE}"], capture_output=True, timeout=60, check=False)
        try:
            data = json.loads(shown.stdout.decode("utf-8")) if shown.returncode == 0 else []
        except ValueError:
            continue                                   # a broken committed file records nothing
        for rec in parse_releases(data)[0]:
            out.setdefault(rec.version, Published(rec.version, rec.content_hash, commit))
    return out


def find(releases: list[Release], version: str) -> Release | None:
    return next((r for r in releases if r.version == version), None)


def latest(releases: list[Release]) -> Release | None:
    """The highest released version."""
    return max(releases, key=lambda r: version_key(r.version), default=None)


def record(releases: list[Release], new: Release) -> list[Release]:
    """``releases`` with ``new`` added, or replacing the entry of the same version."""
    return [r for r in releases if r.version != new.version] + [new]


# ---------------------------------------------------------------- which gold is in use

CUSTOM = "custom"   # the version of a gold that is not NewsGold's (a foreign gold); the signature says ``data:custom+<hash>``


def releases_in_use() -> list[Release]:
    """The release list of the copy in use, else the toolkit's own (a Hub export folder has none)."""
    for root in (current().root, _toolkit_root()):
        if root is not None and (Path(root) / RELEASES_FILE).is_file():
            return read_releases(root)
    return []


def _toolkit_root() -> Path | None:
    try:
        return toolkit_schema_dir().parent
    except InputError:
        return None


def status(version: str, content_hash: str, releases: list[Release] | None = None) -> str:
    """One line saying what gold this is: a released NewsGold version, an edited one, or a custom gold."""
    if version == CUSTOM:
        return f"custom gold (not NewsGold), content hash {content_hash[:12]}"
    releases = releases_in_use() if releases is None else releases
    by_hash = next((r for r in releases if r.content_hash == content_hash), None)
    if by_hash is not None and by_hash.version == version:
        return f"NewsGold {version}, content hash {content_hash[:12]}: released {by_hash.date}"
    same_version = find(releases, version)
    if same_version is not None:
        return (f"NewsGold {version}, content hash {content_hash[:12]}: NOT the released {version} "
                f"(released hash {same_version.content_hash[:12]}); the gold was edited")
    if by_hash is not None:
        return f"NewsGold {version}, content hash {content_hash[:12]}: the content of release {by_hash.version}"
    return f"NewsGold {version}, content hash {content_hash[:12]}: unreleased (not in releases.json)"


def is_released(version: str, content_hash: str, releases: list[Release] | None = None) -> bool:
    releases = releases_in_use() if releases is None else releases
    return any(r.version == version and r.content_hash == content_hash for r in releases)
