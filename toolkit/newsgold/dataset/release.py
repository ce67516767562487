"""``newsgold check``: the release gate.

Every check says what is wrong and which command fixes it. The gate passes only when:

* ``valid``: every manifest, gold and pass file is valid (``newsgold validate``);
* ``manifest-reviewed``: no document still carries the ``review`` note of ``newsgold add-source``
  and no source still has a ``TODO`` provenance or licence;
* ``gold-complete``: every manifest document has ``annotations/gold/<doc_id>.json``;
* ``two-passes``: every gold document has passes by at least two different annotators
  (``annotations/passes/<annotator>/<doc_id>.json``);
* ``adjudicated``: every gold document has a ``## <doc_id>`` section in ``annotations/ADJUDICATION.md``;
* ``build-current``: the data files and README front matter equal what ``newsgold build`` writes;
* ``datasheet-current``: the generated figures of DATASHEET.md and README.md are current;
* ``changelog``: CHANGELOG.md has a ``## [<VERSION>]`` section for the version in ``VERSION``;
* ``leaderboard-current``: no ``submissions/`` row was scored on other data, by another toolkit
  version, or by changed built-in system code.

``run_checks(root)`` checks the repository at ``root`` (default: the installed one), so the
gate can be tried on a copy.
"""
from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from newsgold.repository import use

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


@dataclass
class CheckResult:
    name: str
    ok: bool
    message: str
    fix: str = ""


@contextlib.contextmanager
def repository_at(root: str | Path | None):
    """Use another copy of the repository for the duration (see :func:`newsgold.repository.use`)."""
    with use(root) as repo:
        yield repo.root


def _short(items, n: int = 5) -> str:
    items = list(items)
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def _manifest_docs(root: Path) -> tuple[list[dict], list[dict]]:
    try:
        man = json.loads((root / "seeds" / "manifest.json").read_text(encoding="utf-8"))
        return list(man.get("documents") or []), list(man.get("sources") or [])
    except (OSError, ValueError, AttributeError):
        return [], []


def check_valid(root: Path) -> CheckResult:
    from newsgold.dataset.validate import summary, validate
    problems = validate()
    errors, warnings = summary(problems)
    if errors:
        first = next(p for p in problems if p.severity == "error")
        return CheckResult("valid", False, f"{errors} error(s) in manifest, gold or pass files; first: {first}",
                           "newsgold validate   (lists every problem with file, line and field; fix each)")
    return CheckResult("valid", True, f"manifest, gold and passes are valid ({warnings} warning(s))")


def check_reviewed(root: Path) -> CheckResult:
    docs, sources = _manifest_docs(root)
    pending = [d.get("id", "?") for d in docs if "review" in d]
    todo = [f"{s.get('file')} {k}" for s in sources for k in ("provenance", "licence")
            if str(s.get(k, "")).startswith("TODO")]
    if pending or todo:
        msg = []
        if pending:
            msg.append(f"documents proposed by add-source and not yet reviewed: {_short(pending)}")
        if todo:
            msg.append(f"placeholder source fields: {_short(todo)}")
        return CheckResult("manifest-reviewed", False, "; ".join(msg),
                           "edit seeds/manifest.json: check each proposed cut, zones and metadata, fill provenance and "
                           "licence, then delete the document's \"review\" key")
    return CheckResult("manifest-reviewed", True, f"{len(docs)} document(s) reviewed")


def _gold_ids(root: Path) -> list[str]:
    folder = root / "annotations" / "gold"
    return sorted(p.stem for p in folder.glob("*.json") if not p.name.startswith(".")) if folder.is_dir() else []


def check_gold_complete(root: Path) -> CheckResult:
    docs, _ = _manifest_docs(root)
    gold = set(_gold_ids(root))
    missing = [d["id"] for d in docs if d.get("id") not in gold]
    if missing:
        return CheckResult("gold-complete", False, f"manifest documents without a gold file: {_short(missing)}",
                           "annotate them twice, adjudicate, and write annotations/gold/<doc_id>.json (CONTRIBUTING.md, steps 2-5)")
    return CheckResult("gold-complete", True, f"all {len(docs)} manifest document(s) have gold")


def _annotators(root: Path, doc_id: str) -> set[str]:
    out = set()
    for p in sorted((root / "annotations" / "passes").glob(f"*/{doc_id}.json")):
        try:
            ann = json.loads(p.read_text(encoding="utf-8")).get("annotation") or {}
            out.add(str(ann.get("annotator") or p.parent.name))
        except (OSError, ValueError, AttributeError):
            out.add(p.parent.name)  # the file is invalid; check 'valid' reports it
    return out


def check_two_passes(root: Path) -> CheckResult:
    short = {d: sorted(_annotators(root, d)) for d in _gold_ids(root)}
    short = {d: a for d, a in short.items() if len(a) < 2}
    if short:
        detail = "; ".join(f"{d}: {len(a)} ({', '.join(a) or 'none'})" for d, a in list(short.items())[:5])
        return CheckResult("two-passes", False, f"gold documents without two blind passes by different annotators: {detail}",
                           "newsgold tasks --to labelstudio DOC_ID -o tasks/, annotate, then "
                           "newsgold import --from labelstudio EXPORT.json -o annotations/passes/NAME --annotator NAME "
                           "(once per annotator)")
    return CheckResult("two-passes", True, "every gold document has two or more passes")


def check_adjudicated(root: Path) -> CheckResult:
    log = root / "annotations" / "ADJUDICATION.md"
    try:
        text = log.read_text(encoding="utf-8")
    except OSError:
        text = ""
    headings = set(re.findall(r"^##[ \t]+(\S+)[ \t]*$", text, re.M))
    missing = [d for d in _gold_ids(root) if d not in headings]
    if missing:
        return CheckResult("adjudicated", False,
                           f"gold documents without an adjudication record ('## <doc_id>' in annotations/ADJUDICATION.md): "
                           f"{_short(missing)}",
                           "newsgold agree annotations/passes/A annotations/passes/B, then add a '## <doc_id>' section with "
                           "the command, its summary and one '### ADJ-NNNN' entry per disagreement (CONTRIBUTING.md, step 4)")
    return CheckResult("adjudicated", True, "every gold document has an adjudication record")


def check_build(root: Path) -> CheckResult:
    try:
        from newsgold.dataset.build import build
    except ImportError as exc:
        return CheckResult("build-current", False, f"cannot check the data files: newsgold.dataset.build is not available ({exc})",
                           "install the complete toolkit (pip install -e .), then newsgold build")
    try:
        stale = build(check=True, root=root)
    except Exception as exc:  # invalid gold: 'valid' names the problems
        return CheckResult("build-current", False, f"the data files cannot be built: {type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''}", "newsgold validate, fix, then newsgold build")
    if stale:
        return CheckResult("build-current", False, f"stale or missing: {_short(stale)}", "newsgold build")
    return CheckResult("build-current", True, "data files and README front matter are current")


def check_datasheet(root: Path) -> CheckResult:
    if not (root / "DATASHEET.md").exists():
        return CheckResult("datasheet-current", False, "DATASHEET.md is missing",
                           "restore DATASHEET.md from git (git checkout -- DATASHEET.md), then newsgold datasheet")
    try:
        from newsgold.dataset.datasheet import refresh
        stale = refresh(root=root, check=True)
    except Exception as exc:
        return CheckResult("datasheet-current", False, f"the datasheet figures cannot be computed: {type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''}", "newsgold validate, fix, then newsgold datasheet")
    if stale:
        return CheckResult("datasheet-current", False, f"out-of-date generated block(s): {_short(stale)}", "newsgold datasheet")
    return CheckResult("datasheet-current", True, "generated figures are current")


def check_changelog(root: Path) -> CheckResult:
    try:
        version = (root / "VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        return CheckResult("changelog", False, "VERSION is missing", "write the dataset version (X.Y.Z) into VERSION")
    if not SEMVER.match(version):
        return CheckResult("changelog", False, f"VERSION {version!r} is not MAJOR.MINOR.PATCH",
                           "write the dataset version (X.Y.Z) into VERSION")
    try:
        text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    except OSError:
        text = ""
    if not re.search(rf"^## \[{re.escape(version)}\]", text, re.M):
        return CheckResult("changelog", False, f"CHANGELOG.md has no '## [{version}]' section for VERSION {version}",
                           f"add '## [{version}] - YYYY-MM-DD' with Added/Changed/Fixed lines to CHANGELOG.md "
                           "(or set VERSION to the version you are releasing)")
    return CheckResult("changelog", True, f"CHANGELOG.md has a section for {version}")


def check_leaderboard(root: Path) -> CheckResult:
    """Every leaderboard row was scored on the current data by this toolkit (dataset/leaderboard.py)."""
    from newsgold.core.diagnostics import InputError
    from newsgold.dataset.leaderboard import stale_rows
    try:
        stale = stale_rows(root)
    except InputError as exc:   # a broken submission folder, or gold that does not load ('valid' names it)
        return CheckResult("leaderboard-current", False, f"cannot check the leaderboard: {exc.problems[0]}",
                           "newsgold run SYSTEM --submit NAME for the broken row (or newsgold validate), then newsgold leaderboard")
    if stale:
        return CheckResult("leaderboard-current", False, f"stale leaderboard row(s): {_short(stale, 3)}",
                           "rerun each stale row's command (shown in README.md beside the row), then newsgold leaderboard")
    return CheckResult("leaderboard-current", True, "every submission was scored on the current data by this toolkit")


CHECKS = (check_valid, check_reviewed, check_gold_complete, check_two_passes, check_adjudicated, check_build,
          check_datasheet, check_changelog, check_leaderboard)


def run_checks(root: str | Path | None = None) -> list[CheckResult]:
    """Run every release check on the repository at ``root`` (default: the installed one)."""
    with repository_at(root) as r:
        out = []
        for check in CHECKS:
            try:
                out.append(check(r))
            except Exception as exc:  # one broken check must not hide the others
                out.append(CheckResult(check.__name__.removeprefix("check_").replace("_", "-"), False,
                                       f"the check itself failed: {type(exc).__name__}: {exc}",
                                       "newsgold validate; if that passes, report this as a bug"))
        return out
