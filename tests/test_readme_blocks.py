"""Every shell and Python block of README.md and CONTRIBUTING.md runs as written (issue 24).

As ``mktestdocs`` does: each fenced ```bash, ```sh or ```python block is taken from the file and
run, in order, in one temporary folder per file (a later block may use what an earlier one
wrote, as a reader following the text would). Shell blocks run under ``bash -euo pipefail``, so
every line must succeed; Python blocks run as a fresh ``python -c`` each, so each is complete
in itself (a snippet that needs something it does not define fails here). README blocks run in
an empty folder; CONTRIBUTING blocks run at the root of a copy of the repository (their own
working place), with ``NEWSGOLD_HOME`` pointing at it.

A block that cannot run here is listed in ``NOT_RUN`` below, by its file and first line, with
the reason; every other block is run, and a listed block that no longer exists fails the test.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("bash", "sh", "python")

# (file, first line of the block) -> why the block is not run by this test
NOT_RUN = {
    # The quickstart makes a virtualenv and installs from the index: .ci/run runs its test line, and
    # tests/test_packaging.py installs the package into a fresh virtualenv and runs the commands.
    ("README.md", "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && newsgold score baselines/rules.jsonl"):
        "installs into a new virtualenv: .ci/run runs the quickstart's test line",
    ("README.md", 'pip install -e ".[test,test-heavy]" && pytest -m "slow or heavy"'):
        "installs the heavy extra and runs the slow tests: .ci/run runs it",
    # CONTRIBUTING.md walks a new article through the whole path; its blocks name that article's
    # files and ids (article.txt, 1891cea3faaa39e4-01, the passes ann-alice and llm-claude-r1) or a
    # remote. tests/test_contribute_walk.py walks the same path, command by command, with an article of its own.
    ("CONTRIBUTING.md", "git clone <the NewsGold repository> newsgold && cd newsgold"):
        "clones from a placeholder address and installs into a new virtualenv",
    ("CONTRIBUTING.md", "newsgold add-source article.txt --dry-run \\"): "needs the contributor's article.txt (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "newsgold validate seeds/manifest.json      # offsets, hashes, zones tile the text"):
        "commits to git with a placeholder message (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "mkdir -p annotations/sources"):
        "needs a corpus's CoNLL-U files and their commit (the import is tested on an invented file in test_corefud_import.py)",
    ("CONTRIBUTING.md", "mkdir -p ../newsgold-tasks/labelstudio ../newsgold-tasks/brat ../newsgold-tasks/doccano"):
        "needs the example article's documents (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "newsgold annotate packet 1891cea3faaa39e4-01 --out-dir packets/1891cea3faaa39e4-01"):
        "needs the example article's documents (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "newsgold import --from labelstudio project-3-at-2026-03-05.json --out-dir annotations/passes/ann-alice "
                        "--annotator ann-alice \\"):
        "needs the annotators' exports (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "newsgold validate annotations/passes/ann-alice/ annotations/passes/llm-claude-r1/"):
        "needs the example passes (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "newsgold agree annotations/passes/ann-alice annotations/passes/llm-claude-r1"):
        "needs the example passes (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "python - <<'EOF'"):
        "the three heredoc blocks need the example passes, gold or a Hub account (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "newsgold release --minor                 # or --patch / --major; --date YYYY-MM-DD to set the date"):
        "bumps the version of a release that is already released; the gate then fails by design (walked by test_contribute_walk.py)",
    ("CONTRIBUTING.md", "newsgold check"):
        "the release gate fails on the shipped gold until every document has two protocol passes (annotations/passes/README.md); "
        "test_contribute_walk.py runs it on a copy that has them",
    ("CONTRIBUTING.md", 'git add -A && git commit -m "NewsGold 1.1.0: documents 1891cea3faaa39e4-01, -02"'):
        "commits, tags and pushes to a remote",
    ("CONTRIBUTING.md", "newsgold export --hub newsgold-hub          # data, card, datasheet, licence, SHA256SUMS"):
        "uploads to the Hugging Face Hub (needs an account and the network)",
}


@dataclass(frozen=True)
class Block:
    file: str
    line: int
    language: str
    code: str

    @property
    def first_line(self) -> str:
        return self.code.splitlines()[0] if self.code else ""


def blocks(name: str) -> list[Block]:
    """The fenced blocks of a file in the languages run here; a fence closes only with as many backticks
    as opened it, so a block inside a ````markdown example is not taken."""
    out, fence, lang, start, body = [], None, "", 0, []
    for n, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1):
        if fence is None:
            m = re.match(r"^(`{3,})([\w-]*)\s*$", line)
            if m:
                fence, lang, start, body = m.group(1), m.group(2), n, []
        elif line.strip() == fence:
            if lang in LANGUAGES:
                out.append(Block(name, start, lang, "\n".join(body) + "\n"))
            fence = None
        else:
            body.append(line)
    return out


def _env(tmp: Path, home: Path | None) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"   # this environment's newsgold and python3
    env["TMPDIR"] = str(tmp / ".tmp")            # what a block leaves in the temporary folder goes with the test's folder
    env["HF_HOME"] = str(tmp / ".hf")            # evaluate's module cache, not the user's ~/.cache
    env.pop("NEWSGOLD_HOME", None)
    if home:
        env["NEWSGOLD_HOME"] = str(home)
    return env


def run_block(block: Block, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    argv = ["bash", "-euo", "pipefail", "-c", block.code] if block.language in ("bash", "sh") else [sys.executable, "-c", block.code]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def run_all(name: str, cwd: Path, env: dict) -> list[Block]:
    """Run every block of ``name`` not on the list, in order; fail at the first that fails, naming it."""
    (Path(env["TMPDIR"])).mkdir(exist_ok=True)
    ran = []
    for block in blocks(name):
        if (block.file, block.first_line) in NOT_RUN:
            continue
        r = run_block(block, cwd, env)
        assert r.returncode == 0, (f"{block.file}:{block.line}: the {block.language} block exits {r.returncode}\n"
                                   f"{block.code}\n--- stdout\n{r.stdout[-3000:]}\n--- stderr\n{r.stderr[-3000:]}")
        ran.append(block)
    return ran


def test_every_readme_block_runs_in_an_empty_folder(tmp_path):
    ran = run_all("README.md", tmp_path, _env(tmp_path, None))
    assert len(ran) >= 8                               # the guide's examples are there (and were run)


def test_every_contributing_block_runs_in_a_copy_of_the_repository(tmp_path):
    copy = tmp_path / "newsgold"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache",
                                                               ".mypy_cache", ".ruff_cache", "build", "dist"))
    ran = run_all("CONTRIBUTING.md", copy, _env(tmp_path, copy))
    assert ran, "CONTRIBUTING.md has no block this test runs"


def test_the_list_of_blocks_not_run_names_existing_blocks():
    present = {(b.file, b.first_line) for name in ("README.md", "CONTRIBUTING.md") for b in blocks(name)}
    assert set(NOT_RUN) <= present, sorted(set(NOT_RUN) - present)


def test_the_signature_example_is_current():
    """The README's example signature is the one `newsgold score baselines/rules.jsonl --task entities` gives now."""
    from newsgold.scoring.api import score
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"\*\*Signature\.\*\*.*?```text\n(.*?)\n```", text, re.S).group(1)
    assert example == score(ROOT / "baselines" / "rules.jsonl", task="entities", ).signature
