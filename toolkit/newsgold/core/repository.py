"""Where everything is: one :class:`Repository` object for a copy of the dataset.

Every reader asks :func:`current` for the repository in use; nothing reads the
environment at import time. Which copy (:func:`default`), first found wins:

1. ``NEWSGOLD_HOME``, when set: another copy (a clone, a Hub export folder);
2. the clone the package runs from (an editable install: contributors see their edits);
3. the release packaged inside an installed wheel (``newsgold/_release``, copied there at
   build time by ``setup.py``).

:func:`use` switches to a copy for the duration of a block (the release gate checks a
contributor's copy that way). Where none of them holds a dataset, readers raise
:func:`missing_dataset`, one message that says what to pass.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem

_PACKAGE_DIR = Path(__file__).resolve().parents[1]   # toolkit/newsgold (this file is in its core/)
PACKAGED_RELEASE = "_release"   # folder inside the installed package holding the shipped release


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

    @property
    def releases_file(self) -> Path:
        return self.root / "releases.json"

    @property
    def has_sources(self) -> bool:
        """Whether this copy has the seeds and gold annotations (a clone or a packaged release)."""
        return self.manifest.is_file()

    @property
    def has_data(self) -> bool:
        """Whether this copy has the built data files (a clone, a release, a Hub export folder)."""
        return (self.data_dir / "documents").is_dir()


def _clone_root() -> Path:
    """The clone this package runs from (``toolkit/newsgold`` two levels down)."""
    return _PACKAGE_DIR.parents[1]


def _packaged_root() -> Path:
    """The release copied into an installed package (absent in a clone)."""
    return _PACKAGE_DIR / PACKAGED_RELEASE


def default() -> Repository:
    """``NEWSGOLD_HOME`` if set, else the clone the package runs from, else the packaged release.

    When neither a clone nor a packaged release is there, the clone's place is returned
    (it holds nothing); readers then raise :func:`missing_dataset`.
    """
    home = os.environ.get("NEWSGOLD_HOME")
    if home:
        return Repository(Path(home))
    clone = Repository(_clone_root())
    if clone.has_sources:
        return clone
    packaged = Repository(_packaged_root())
    return packaged if packaged.has_sources else clone


def missing_dataset(repo: Repository | None = None) -> InputError:
    """The one error for "no dataset here", naming what to pass instead of a missing path."""
    repo = repo or current()
    home = os.environ.get("NEWSGOLD_HOME")
    where = (f"NEWSGOLD_HOME={home} holds no NewsGold dataset (no seeds/manifest.json)" if home else
             "no NewsGold dataset found: this installation carries no release and does not run from a clone")
    return InputError(Problem(str(repo.root), 0, "", f"{where}; pass a gold with --gold PATH (gold= in Python), or set "
                              "NEWSGOLD_HOME to a clone or a Hub export folder", "no-dataset"))


def is_packaged(repo: Repository) -> bool:
    """Whether ``repo`` is the release packaged inside an installed ``newsgold`` (its files are the
    wheel's, listed in its RECORD: read-only)."""
    return repo.root.resolve() == _packaged_root().resolve()


def shipped_file(path: str | Path) -> Path | None:
    """A relative path that is not in the current folder but is in the dataset copy in use.

    ``baselines/rules.jsonl`` and ``submissions/NAME/predictions.jsonl`` name files of the
    repository; after a plain install they are in the packaged release, not in the folder the
    user works in. None when the path exists as given, is absolute, or is in neither place.
    """
    p = Path(path)
    if p.is_absolute() or p.exists():
        return None
    candidate = current().root / p
    return candidate if candidate.is_file() else None


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
    """The JSON Schemas of this toolkit: the clone's, else the packaged release's, else ``NEWSGOLD_HOME``'s.

    The schemas are part of the code, so the copy under check does not choose them
    (``NEWSGOLD_HOME`` comes last here, unlike in :func:`default`): a contributor's copy
    is checked against the toolkit's rules, not its own.
    """
    candidates = [_clone_root() / "schema", _packaged_root() / "schema"]
    home = os.environ.get("NEWSGOLD_HOME")
    if home:
        candidates.append(Path(home) / "schema")
    for folder in candidates:
        if (folder / "common.schema.json").is_file():
            return folder
    raise missing_dataset()
