"""The release list (``releases.json``): which (version, content hash) pairs were released.

A released version is identified by its version *and* its content hash, so users can pin
one without a git tag: ``newsgold validate``, ``score`` and ``stats`` say whether the
gold in use is a released one, and the signature carries both. ``newsgold check`` fails
when the version in ``VERSION`` is listed with another hash (a released version edited).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.repository import current, toolkit_schema_dir
from newsgold.scoring.signature import CUSTOM_DATA

CUSTOM = CUSTOM_DATA   # the version of a gold that is not NewsGold's (a foreign gold)


@dataclass(frozen=True)
class Release:
    version: str
    content_hash: str
    date: str


def read_releases(path: Path | None = None) -> list[Release]:
    """The releases listed in ``releases.json`` (none when the file is absent).

    Default: the copy in use's list, else the toolkit's own (a Hub export folder has none).
    """
    if path is None:
        path = current().releases_file
        if not path.is_file():
            try:
                path = toolkit_schema_dir().parent / "releases.json"
            except InputError:
                return []
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise InputError(Problem(str(path), 0, "", f"cannot read the release list: {exc}", "releases")) from exc
    rows = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError(Problem(str(path), 0, "releases", "expected {\"releases\": [{version, content_hash, date}, ...]}", "releases"))
    try:
        return [Release(str(r["version"]), str(r["content_hash"]), str(r["date"])) for r in rows]
    except KeyError as exc:
        raise InputError(Problem(str(path), 0, "releases", f"a release lacks {exc.args[0]!r}", "releases")) from exc


def find(version: str, releases: list[Release]) -> Release | None:
    return next((r for r in releases if r.version == version), None)


def status(version: str, content_hash: str, releases: list[Release] | None = None) -> str:
    """One line saying what gold this is: a released NewsGold version, an edited one, or a custom gold."""
    if version == CUSTOM:
        return f"custom gold (not NewsGold), content hash {content_hash[:12]}"
    releases = read_releases() if releases is None else releases
    by_hash = next((r for r in releases if r.content_hash == content_hash), None)
    if by_hash is not None and by_hash.version == version:
        return f"NewsGold {version}, content hash {content_hash[:12]}: released {by_hash.date}"
    same_version = find(version, releases)
    if same_version is not None:
        return (f"NewsGold {version}, content hash {content_hash[:12]}: NOT the released {version} "
                f"(released hash {same_version.content_hash[:12]}); the gold was edited")
    if by_hash is not None:
        return f"NewsGold {version}, content hash {content_hash[:12]}: the content of release {by_hash.version}"
    return f"NewsGold {version}, content hash {content_hash[:12]}: unreleased (not in releases.json)"


def is_released(version: str, content_hash: str, releases: list[Release] | None = None) -> bool:
    releases = read_releases() if releases is None else releases
    return any(r.version == version and r.content_hash == content_hash for r in releases)
