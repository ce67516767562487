"""What every system family shares: the documents it sees, its options, what it returns,
and the facts its provenance records (package versions, a digest of the model's files).

Nothing here imports a heavy library; each family imports its own inside ``run``.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from newsgold.core.diagnostics import InputError, Problem

# Set before a family imports transformers, huggingface_hub or GLiNER: no hub look-up, ever.
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
               "HF_HUB_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}


@dataclass(frozen=True)
class RunOptions:
    """Options some families use; each records the ones it used in its ``options``."""

    aggregation: str = "simple"       # hf: transformers aggregation strategy
    threshold: float = 0.5            # gliner: minimum span score
    input_format: str = "newsgold"    # cmd: what the command writes (newsgold or strings)
    timeout: float = 3600.0           # cmd: seconds before the command is stopped
    gold: object = None               # the Gold; only the majority-class stance baseline reads its labels


@dataclass(frozen=True)
class SystemOutput:
    """Predictions records and the facts about the system that produced them."""

    records: list[dict]
    model: dict
    packages: tuple[str, ...] = ()                      # distributions whose versions provenance records
    code: tuple[str, ...] = ()                          # repository files whose hashes provenance records
    options: dict = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()            # (document id, why) of documents the system failed on


def missing(system: str, what: str, install: str) -> InputError:
    """The error of a system that is not installed here: what is missing and how to install it."""
    return InputError(Problem(system, 0, "", f"{what}; install it with: {install} (nothing is downloaded at run time)",
                              "missing-system"))


def require_module(name: str, system: str, install: str) -> ModuleType:
    """Import an optional dependency, or stop with how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise missing(system, f"the Python package {name!r} is not installed ({exc})", install) from None


def go_offline() -> None:
    """Forbid hub downloads for the rest of the process (families with hub-aware libraries)."""
    os.environ.update(OFFLINE_ENV)


def package_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed version of each distribution ("not installed" where absent), sorted by name."""
    out = {}
    for n in sorted(set(names)):
        try:
            out[n] = importlib.metadata.version(n)
        except importlib.metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def folder_digest(folder: Path) -> str:
    """sha256 over a model folder: each file's relative path and sha256, sorted (caches skipped).

    The same installed model gives the same digest on any machine, whatever its location.
    """
    folder = Path(folder)
    lines = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            lines.append(f"{p.relative_to(folder).as_posix()}\t{file_sha256(p)}\n")
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def local_folder(system: str, path: str, kind: str, install: str) -> Path:
    """A local model folder that must exist: nothing is fetched by name from a hub."""
    p = Path(path)
    if not p.is_dir():
        raise missing(system, f"{kind} model folder {path!r} does not exist (give the path of a folder saved with "
                              "save_pretrained; model names are not looked up on a hub)", install)
    return p


def paragraphs(text: str, max_chars: int = 1500) -> Iterator[tuple[int, str]]:
    """(offset, piece) chunks at line breaks, each at most ``max_chars`` where a line allows.

    Token-classification models see a few hundred tokens at a time; lines keep sentences whole.
    """
    start = 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        piece = text[start:end]
        if piece.strip():
            yield start, piece
        start = end


def paragraph_entities(text: str, predict: Callable[[str], Iterable[tuple[int, int, str | None, float]]],
                       max_chars: int = 1500) -> list[dict[str, Any]]:
    """Entities of a model that sees a paragraph at a time (:func:`paragraphs`).

    ``predict(piece)`` gives (start, end, label, score) within the piece; each span is moved
    back into the text and :func:`trimmed`, and kept when it is not empty and has a label.
    """
    ents: list[dict[str, Any]] = []
    for offset, piece in paragraphs(text, max_chars):
        for start, end, label, score in predict(piece):
            s, e = trimmed(text, offset + start, offset + end)
            if e > s and label:
                ents.append({"start": s, "end": e, "text": text[s:e], "label": label, "score": round(float(score), 6)})
    return ents


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without the whitespace at its edges (models often include a leading space)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
