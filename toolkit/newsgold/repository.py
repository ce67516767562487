"""Where everything is: one :class:`Repository` object for a copy of the dataset.

Every reader asks :func:`current` for the repository in use; nothing reads the
environment at import time. ``NEWSGOLD_HOME`` (read when :func:`current` is first asked)
points at another copy; :func:`use` switches to one for the duration of a block (the
release gate checks a contributor's copy that way).
"""
from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Repository:
    """A copy of the dataset: a clone, a temporary copy in a test, or an installed release."""

    root: Path

    @property
    def schema_dir(self) -> Path:
        return self.root / "schema"

    @property
    def label_maps_dir(self) -> Path:
        return self.schema_dir / "label_maps"

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def manifest(self) -> Path:
        return self.seeds_dir / "manifest.json"

    @property
    def annotations_dir(self) -> Path:
        return self.root / "annotations"

    @property
    def gold_dir(self) -> Path:
        return self.annotations_dir / "gold"

    @property
    def passes_dir(self) -> Path:
        return self.annotations_dir / "passes"

    @property
    def targets_dir(self) -> Path:
        return self.annotations_dir / "targets"

    @property
    def guidelines(self) -> Path:
        return self.annotations_dir / "GUIDELINES.md"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def version_file(self) -> Path:
        return self.root / "VERSION"


def _clone_root() -> Path:
    """The clone this package runs from (``toolkit/newsgold`` two levels down)."""
    return _PACKAGE_DIR.parents[1]


def default() -> Repository:
    """``NEWSGOLD_HOME`` if set, else the clone the package runs from."""
    home = os.environ.get("NEWSGOLD_HOME")
    return Repository(Path(home) if home else _clone_root())


_ACTIVE: contextvars.ContextVar[Repository | None] = contextvars.ContextVar("newsgold_repository", default=None)


def current() -> Repository:
    """The repository in use: the one set by :func:`use`, else :func:`default`."""
    return _ACTIVE.get() or default()


@contextlib.contextmanager
def use(root: str | Path | Repository | None) -> Iterator[Repository]:
    """Use another copy of the repository inside the block (``None``: keep the current one)."""
    if root is None:
        yield current()
        return
    repo = root if isinstance(root, Repository) else Repository(Path(root))
    token = _ACTIVE.set(repo)
    try:
        yield repo
    finally:
        _ACTIVE.reset(token)


def toolkit_schema_dir() -> Path:
    """The JSON Schemas of this toolkit (part of the code: a copy under check keeps them)."""
    return _clone_root() / "schema"
