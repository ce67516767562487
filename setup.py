"""Build hook: a wheel carries the released dataset, so an installed ``newsgold`` works anywhere.

Everything else is declared in ``pyproject.toml``. At build time the files a user of the
release needs (schemas and label maps, seeds and manifest, gold annotations, built data
files, version, release list, card and licence, codebook, baselines and leaderboard runs) are copied into ``newsgold/_release``
inside the wheel; :mod:`newsgold.repository` finds them there when the package does not
run from a clone. An editable install copies nothing: it runs from the clone, so
contributors see their edits. ``MANIFEST.in`` puts the same files in the sdist.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RELEASE_FILES = ("VERSION", "releases.json", "README.md", "LICENSE", "DATASHEET.md", "CHANGELOG.md", "annotations/GUIDELINES.md")
# baselines/ and submissions/: the predictions the README scores and compares (`newsgold score
# baselines/rules.jsonl` works after a plain install); GUIDELINES.md: the codebook `tasks`/`import` read
RELEASE_DIRS = ("schema", "seeds", "annotations/gold", "annotations/targets", "data", "baselines", "submissions")
REQUIRED = ("VERSION", "seeds/manifest.json", "schema/common.schema.json", "annotations/gold", "data/documents/test.jsonl")


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".") or n == "__pycache__"}


class BuildPyWithRelease(build_py):
    """``build_py`` that also copies the release into ``newsgold/_release``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        missing = [rel for rel in REQUIRED if not (ROOT / rel).exists()]
        if missing:
            raise SystemExit(f"newsgold build: cannot package the release, missing: {', '.join(missing)}")
        target = Path(self.build_lib) / "newsgold" / "_release"
        if target.exists():
            shutil.rmtree(target)
        for rel in RELEASE_DIRS:
            if (ROOT / rel).is_dir():
                shutil.copytree(ROOT / rel, target / rel, ignore=_ignore)
        for rel in RELEASE_FILES:
            if (ROOT / rel).is_file():
                shutil.copy2(ROOT / rel, target / rel)


setup(cmdclass={"build_py": BuildPyWithRelease})
