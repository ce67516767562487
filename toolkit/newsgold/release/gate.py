"""``newsgold check``: the release gate.

Every check says what is wrong and which command fixes it. The gate passes only when:

* ``valid``: every manifest, gold and pass file is valid (``newsgold validate``);
* ``manifest-reviewed``: no document still carries the ``review`` note of ``newsgold add-source``
  and no source still has a ``TODO`` provenance or licence;
* ``gold-complete``: every manifest document has ``annotations/gold/<doc_id>.json``;
* ``two-passes``: every gold document has passes by at least two different annotators
  (``annotations/passes/<annotator>/<doc_id>.json``), no two identical apart from their header;
* ``adjudicated``: every gold document has a ``## <doc_id>`` section in ``annotations/ADJUDICATION.md``;
* ``build-current``: the data files and README front matter equal what ``newsgold build`` writes;
* ``datasheet-current``: the generated figures of DATASHEET.md and README.md are current;
* ``seeds-registered``: every file in ``seeds/`` is a source of the manifest;
* ``baselines-current``: every shipped baseline has a line for every gold document, the rule
  baseline equals what ``newsgold run rules`` writes now, and every leaderboard row was scored on
  the current data and toolkit with a shipped baseline;
* ``version-bump``: the gold's content hash equals the one ``releases.json`` records for
  ``VERSION``; a changed gold needs a new version (``newsgold release``);
* ``changelog``: CHANGELOG.md has a ``## [<VERSION>]`` section for the version in ``VERSION``,
  with no ``TODO`` left from the skeleton ``newsgold release`` writes;
* ``no-stray-files``: no temporary files of interrupted writes (``.*.tmp``), no export files
  (``SHA256SUMS``, ``croissant.json``) and no annotation task files (:data:`TASK_FILES`) lie in the repository.

:func:`make_release` is ``newsgold release``: it bumps ``VERSION``, writes the CHANGELOG
skeleton section and appends the release record to ``releases.json``.
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

from newsgold.core.repository import use

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


@dataclass
class CheckResult:
    name: str
    ok: bool
    message: str
    fix: str = ""


@contextlib.contextmanager
def repository_at(root: str | Path | None):
    """Use another copy of the repository for the duration (see :func:`newsgold.core.repository.use`)."""
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
    from newsgold.release.validate import summary, validate
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
            if str(s.get(k, "")).lstrip().upper().startswith("TODO")]
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


def _passes_of(root: Path, doc_id: str) -> dict[str, str]:
    """Annotator -> the pass's labels without its header (canonical JSON), for one document."""
    out = {}
    for p in sorted((root / "annotations" / "passes").glob(f"*/{doc_id}.json")):
        try:
            rec = json.loads(p.read_text(encoding="utf-8"))
            ann = rec.get("annotation") or {}
            body = json.dumps({k: v for k, v in rec.items() if k != "annotation"}, sort_keys=True, ensure_ascii=False)
            out[str(ann.get("annotator") or p.parent.name)] = body
        except (OSError, ValueError, AttributeError):
            out[p.parent.name] = f"unreadable {p}"  # the file is invalid; check 'valid' reports it
    return out


def _header_copies(passes: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs of annotators whose passes are identical apart from their header (P-10)."""
    names = sorted(passes)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if passes[a] == passes[b]]


def recorded_convergences(root: Path) -> dict[str, set[frozenset[str]]]:
    """Document -> the groups of passes the adjudication log records as converged.

    Separate sessions of one model given the same packet can write identical labels (measured in
    3.0.0: ADJUDICATION.md), so identity alone cannot tell a copy from convergence. An identical
    pair is accepted only where the adjudicator has recorded it, after checking that each pass was
    made from its own packet and committed on its own, on a line
    ``- converged: DOC | ANNOTATOR | ANNOTATOR [| ...]``."""
    try:
        text = (root / "annotations" / "ADJUDICATION.md").read_text(encoding="utf-8")
    except OSError:
        return {}
    out: dict[str, set[frozenset[str]]] = {}
    for line in re.findall(r"^- converged:(.*)$", text, re.MULTILINE):
        doc, *names = [part.strip() for part in line.split("|")]
        out.setdefault(doc, set()).add(frozenset(names))
    return out


def check_two_passes(root: Path) -> CheckResult:
    """Every gold document has passes by two or more annotators, none a copy of another unless the
    adjudication log records the pair as converged (see :func:`recorded_convergences`)."""
    fix = ("newsgold annotate packet DOC_ID --out-dir PACKET/, give each annotator only the packet, then commit each pass as "
           "produced in annotations/passes/NAME/ (CONTRIBUTING.md)")
    passes = {d: _passes_of(root, d) for d in _gold_ids(root)}
    recorded = recorded_convergences(root)
    identical = [(d, a, b) for d, ps in passes.items() for a, b in _header_copies(ps)]
    copies = [(d, a, b) for d, a, b in identical if not any({a, b} <= group for group in recorded.get(d, ()))]
    if copies:
        detail = "; ".join(f"{d}: {a} and {b}" for d, a, b in copies[:5])
        return CheckResult("two-passes", False, f"passes identical apart from their header, not recorded as converged "
                           f"(GUIDELINES.md P-10): {detail}", "if one was copied, move it to annotations/archive/ and make a new "
                           "pass from the packet; if both were made from their own packets, record '- converged: DOC | A | B' "
                           "in annotations/ADJUDICATION.md with the evidence")
    short = {d: sorted(ps) for d, ps in passes.items() if len(ps) < 2}
    if short:
        detail = "; ".join(f"{d}: {len(a)} ({', '.join(a) or 'none'})" for d, a in list(short.items())[:5])
        return CheckResult("two-passes", False, f"gold documents without two blind passes by different annotators: {detail}", fix)
    note = f"; identical passes recorded as converged: {len(identical)} pair(s)" if identical else ""
    return CheckResult("two-passes", True, "every gold document has two or more passes, none an unrecorded copy" + note)


def check_adjudicated(root: Path) -> CheckResult:
    log = root / "annotations" / "ADJUDICATION.md"
    try:
        text = log.read_text(encoding="utf-8")
    except OSError:
        text = ""
    headings = set(re.findall(r"^##[ \t]+(\S+)[ \t]*$", text, re.MULTILINE))
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
        from newsgold.release.build import build
    except ImportError as exc:
        return CheckResult("build-current", False, f"cannot check the data files: newsgold.release.build is not available ({exc})",
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
        from newsgold.release.datasheet import missing_blocks, refresh
        missing = missing_blocks(root)
        stale = refresh(root=root, check=True)
    except Exception as exc:
        return CheckResult("datasheet-current", False, f"the datasheet figures cannot be computed: {type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''}", "newsgold validate, fix, then newsgold datasheet")
    if missing:
        return CheckResult("datasheet-current", False, f"generated figure block(s) missing: {_short(missing)}",
                           "put back the '<!-- newsgold:NAME:start -->' and '<!-- newsgold:NAME:end -->' lines (git log -p "
                           "DATASHEET.md README.md shows where they were), then newsgold datasheet")
    if stale:
        return CheckResult("datasheet-current", False, f"out-of-date generated block(s): {_short(stale)}", "newsgold datasheet")
    return CheckResult("datasheet-current", True, "generated figures are current")


RELEASE_FIX = ("newsgold release --minor   (documents or layers added; --patch for label corrections, --major for a "
               "schema or label-set change), then newsgold build && newsgold datasheet")


def _current_hash(root: Path) -> str:
    from newsgold.release.build import gold_at
    return gold_at(root).content_hash


def _read_version(root: Path) -> str | None:
    try:
        version = (root / "VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return version if SEMVER.match(version) else None


def check_version_bump(root: Path) -> CheckResult:
    """The gold of ``VERSION`` is the gold ``releases.json`` records for it; a changed gold has a new version."""
    from newsgold.core.diagnostics import InputError
    from newsgold.gold import releases as R
    version = _read_version(root)
    if version is None:
        return CheckResult("version-bump", False, "VERSION is missing or not MAJOR.MINOR.PATCH",
                           "write the dataset version (X.Y.Z) into VERSION")
    try:
        recs = R.read_releases(root)
    except InputError as exc:
        return CheckResult("version-bump", False, f"{R.RELEASES_FILE} is invalid: {exc.problems[0]}",
                           f"restore it: git checkout -- {R.RELEASES_FILE}")
    if not recs:
        return CheckResult("version-bump", False, f"{R.RELEASES_FILE} is missing or empty: no release to compare with",
                           f"restore it (git checkout -- {R.RELEASES_FILE}), or for a first release: newsgold release --amend")
    now = _current_hash(root)
    rec, last = R.find(recs, version), R.latest(recs)
    assert last is not None
    if rec is None and R.version_key(version) <= R.version_key(last.version):
        return CheckResult("version-bump", False, f"VERSION {version} is not above the last release {last.version} and "
                           f"has no record in {R.RELEASES_FILE}", RELEASE_FIX)
    if rec is None:
        return CheckResult("version-bump", False, f"VERSION {version} has no record in {R.RELEASES_FILE} "
                           f"(last release: {last.version})",
                           "newsgold release --amend   (records VERSION with today's date and the current content hash)")
    if rec.content_hash != now:
        unreleased = rec == last and version not in (R.published(root) or {})
        return CheckResult("version-bump", False,
                           f"the gold changed since {version} was recorded (content hash {rec.content_hash[:12]} in "
                           f"{R.RELEASES_FILE}, now {now[:12]}) and VERSION is still {version}",
                           RELEASE_FIX + ("; or, as " + version + " is not committed yet, newsgold release --amend"
                                          if unreleased else ""))
    return CheckResult("version-bump", True, f"the gold is the recorded release {version} (content hash {now[:12]})")


def check_seeds_registered(root: Path) -> CheckResult:
    """Every file in seeds/ is a manifest source (an interrupted add-source leaves an unregistered copy)."""
    folder = root / "seeds"
    _, sources = _manifest_docs(root)
    known = {str(s.get("file")) for s in sources} | {"manifest.json"}
    stray = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
                   and p.relative_to(folder).as_posix() not in known and not p.name.endswith(".tmp")) if folder.is_dir() else []
    if stray:
        return CheckResult("seeds-registered", False, f"files in seeds/ that the manifest does not list: {_short(stray)}",
                           f"rm seeds/{stray[0]}" + (" (and the others)" if len(stray) > 1 else "")
                           + ", then register the article again: newsgold add-source FILE")
    return CheckResult("seeds-registered", True, f"every seed file is in the manifest ({len(sources)} source(s))")


_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
              ".hypothesis", ".tox"}
EXPORT_FILES = ("SHA256SUMS", "croissant.json")
# what `newsgold tasks` writes (annotation/tasks.py): annotation tool input, never part of the repository
TASK_FILES = ("tasks.json", "labelling_config.xml", "annotation.conf", "visual.conf", "doccano.jsonl",
              "span_types.json", "relation_types.json", "doccano_setup.md")


def stray_files(root: Path) -> list[str]:
    """Temporary files of interrupted atomic writes and export files inside the repository (relative paths)."""
    import os
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            if (name.startswith(".") and name.endswith(".tmp")) or name in EXPORT_FILES or name in TASK_FILES:
                out.append((Path(folder) / name).relative_to(root).as_posix())
    return out


def check_stray_files(root: Path) -> CheckResult:
    stray = stray_files(root)
    if stray:
        return CheckResult("no-stray-files", False, "temporary, export or annotation-task files in the repository: "
                           + _short(stray),
                           "rm " + " ".join(stray[:5]) + ("  (and the others listed)" if len(stray) > 5 else "")
                           + "   (exports and tasks belong outside the repository: newsgold export --hub ../DIR, "
                           "newsgold tasks ... -o ../newsgold-tasks/TOOL)")
    return CheckResult("no-stray-files", True, "no temporary, export or annotation-task files")


def _baseline_doc_ids(path: Path) -> tuple[set[str], str | None]:
    """Document ids of a predictions file, and the reason it cannot be read (if any)."""
    ids: set[str] = set()
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                ids.add(str(rec.get("doc_id")) if isinstance(rec, dict) else "")
    except (OSError, ValueError) as exc:
        return ids, f"{path.name}: cannot be read ({type(exc).__name__})"
    return ids, None


def stale_baselines(root: Path) -> list[str]:
    """Why each shipped baseline is stale (empty when all are current). The leaderboard rows
    are checked by ``leaderboard-current``."""
    from newsgold.release.build import gold_at
    gold = gold_at(root)
    out: list[str] = []
    files = sorted((root / "baselines").glob("*.jsonl"))
    for path in files:
        ids, err = _baseline_doc_ids(path)
        missing = sorted(set(gold.docs) - ids)
        if err or missing:
            out.append(err or f"baselines/{path.name} has no line for {_short(missing, 3)}")
    rules = root / "baselines" / "rules.jsonl"
    if rules.is_file() and rules.read_text(encoding="utf-8") != _rules_baseline_now(root):
        out.append("baselines/rules.jsonl differs from what newsgold run rules writes now")
    return out


def _rules_baseline_now(root: Path) -> str:
    from newsgold.core.jsonio import dump_jsonl
    from newsgold.gold.manifest import load_documents
    from newsgold.systems.rules_baseline import predict
    docs = load_documents(root / "seeds" / "manifest.json")
    return dump_jsonl([predict(doc_id, docs[doc_id]["text"]) for doc_id in sorted(docs)])


def check_baselines(root: Path) -> CheckResult:
    stale = stale_baselines(root)
    if stale:
        return CheckResult("baselines-current", False, "; ".join(stale[:4]) + (f"; and {len(stale) - 4} more" if len(stale) > 4 else ""),
                           "newsgold run rules -o baselines/rules.jsonl (rerun other systems on every document), "
                           "then newsgold datasheet")
    return CheckResult("baselines-current", True, "shipped baselines cover every gold document and the rule baseline is reproduced")


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
    m = re.search(rf"^## \[{re.escape(version)}\].*?(?=^## \[|\Z)", text, re.MULTILINE | re.DOTALL)
    if not m:
        return CheckResult("changelog", False, f"CHANGELOG.md has no '## [{version}]' section for VERSION {version}",
                           f"add '## [{version}] - YYYY-MM-DD' with Added/Changed/Fixed lines to CHANGELOG.md "
                           "(newsgold release writes the skeleton; or set VERSION to the version you are releasing)")
    if re.search(r"^\s*(?:[-*]\s*)?TODO\b", m.group(0), re.M | re.I):   # the skeleton's lines, or any to-do left
        return CheckResult("changelog", False, f"the CHANGELOG.md section '## [{version}]' still has TODO lines",
                           f"edit CHANGELOG.md: describe the release under '## [{version}]' and delete every TODO line "
                           "(and any heading left empty)")
    return CheckResult("changelog", True, f"CHANGELOG.md has a section for {version}")


def check_leaderboard(root: Path) -> CheckResult:
    """Every leaderboard row was scored on the current data by this toolkit (release/leaderboard.py)."""
    from newsgold.core.diagnostics import InputError
    from newsgold.release.leaderboard import failed_documents, stale_rows
    try:
        stale = stale_rows(root)
    except InputError as exc:   # a broken submission folder, or gold that does not load ('valid' names it)
        return CheckResult("leaderboard-current", False, f"cannot check the leaderboard: {exc.problems[0]}",
                           "newsgold run SYSTEM --submit NAME for the broken row (or newsgold validate), then newsgold leaderboard")
    failed = failed_documents(root)
    note = ("; note: " + "; ".join(failed) + " — those documents count as predicting nothing. If that is the "
            "system's own limit, keep the row (README lists the documents under it); if it is a bug of the NewsGold "
            "adapter (newsgold/systems/), fix it and rerun the row's command") if failed else ""
    if stale:
        return CheckResult("leaderboard-current", False, f"stale leaderboard row(s): {_short(stale, 3)}" + note,
                           "newsgold release first if the gold changed; then rerun each stale row's command (shown in "
                           "README.md beside the row), then newsgold leaderboard")
    return CheckResult("leaderboard-current", True, "every submission was scored on the current data by this toolkit" + note)


def check_release_history(root: Path) -> CheckResult:
    """No published release's recorded hash has changed: each version in ``releases.json`` still
    has the hash of its first committed record (:func:`newsgold.gold.releases.published`)."""
    from newsgold.core.diagnostics import InputError
    from newsgold.gold import releases as R
    done = R.published(root)
    if done is None:
        return CheckResult("release-history", True, "no git history here: recorded hashes not compared with earlier commits")
    try:
        recs = R.read_releases(root)
    except InputError as exc:
        return CheckResult("release-history", False, f"{R.RELEASES_FILE} is invalid: {exc.problems[0]}",
                           f"restore it: git checkout -- {R.RELEASES_FILE}")
    changed = [(rec, done[rec.version]) for rec in recs if rec.version in done and done[rec.version].content_hash != rec.content_hash]
    gone = sorted(set(done) - {rec.version for rec in recs}, key=R.version_key)
    if changed:
        rec, first = changed[0]
        return CheckResult("release-history", False, f"the recorded hash of published release {rec.version} changed: "
                           f"{first.content_hash[:12]} when first committed ({first.commit[:12]}), now {rec.content_hash[:12]}",
                           f"restore it: git checkout {first.commit[:12]} -- {R.RELEASES_FILE}; publish a changed gold as a new "
                           "version (newsgold release --patch)")
    if gone:
        return CheckResult("release-history", False, f"published release(s) {', '.join(gone)} missing from {R.RELEASES_FILE}",
                           f"restore the record from git: git log -p -- {R.RELEASES_FILE}")
    return CheckResult("release-history", True, f"{len(done)} published release(s) keep their first recorded hash")


CHECKS = (check_valid, check_reviewed, check_seeds_registered, check_gold_complete, check_two_passes, check_adjudicated,
          check_build, check_datasheet, check_baselines, check_version_bump, check_release_history, check_changelog,
          check_stray_files, check_leaderboard)


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


# ---------------------------------------------------------------- newsgold release

def changelog_skeleton(version: str, date: str, content_hash: str) -> str:
    """The section ``newsgold release`` adds to CHANGELOG.md; the gate refuses it while a TODO is left."""
    return (f"## [{version}] - {date}\n\n"
            f"Content hash: `{content_hash}`.\n\n"
            "### Added\n- TODO: documents or layers added (ids, seed file, passes, adjudicator); delete if none.\n\n"
            "### Changed\n- TODO: schema, guidelines or label changes; delete if none.\n\n"
            "### Fixed\n- TODO: label corrections (document, span, rule, ADJ entry); delete if none.\n\n")


def insert_changelog_section(text: str, section: str) -> str:
    """``section`` placed above the first released ``## [X.Y.Z]`` section (below ``## [Unreleased]``)."""
    m = re.search(r"^## \[\d+\.\d+\.\d+\]", text, re.MULTILINE)
    if m is None:
        return text.rstrip("\n") + "\n\n" + section
    return text[:m.start()] + section + text[m.start():]


def amend_changelog_hash(text: str, version: str, content_hash: str) -> str:
    """The ``Content hash: `…`.`` line of the ``## [version]`` section set to ``content_hash``
    (``release --amend`` re-records the version with the gold's new hash; the section must say the same)."""
    m = re.search(rf"^## \[{re.escape(version)}\].*?(?=^## \[|\Z)", text, re.MULTILINE | re.DOTALL)
    if m is None:
        return text
    section = re.sub(r"(Content hash: `)[0-9a-f]{64}(`)", rf"\g<1>{content_hash}\g<2>", m.group(0), count=1)
    return text[:m.start()] + section + text[m.end():]


@dataclass(frozen=True)
class ReleaseResult:
    version: str
    date: str
    content_hash: str
    written: tuple[str, ...]


def make_release(root: str | Path | None, part: str | None, date: str, amend: bool = False) -> ReleaseResult:
    """``newsgold release``: bump VERSION by ``part`` (``major``/``minor``/``patch``), or with
    ``amend`` keep it, then record ``{version, date, content_hash}`` in releases.json and add the
    CHANGELOG skeleton section when the version has none. Refuses a version already recorded
    (unless amending), a bump that does not go above the last release, and an amendment that would
    change the hash of a published release (:func:`newsgold.gold.releases.published`).

    All or nothing: every input is read and every new text prepared in memory first; VERSION,
    CHANGELOG.md and releases.json are then written together (:func:`newsgold.core.jsonio.write_all`),
    releases.json last. A bad input (a CHANGELOG that is not UTF-8) stops before anything is written."""
    from newsgold.core.diagnostics import InputError, Problem
    from newsgold.core.jsonio import write_all
    from newsgold.gold import releases as R
    with repository_at(root) as r:
        if not R.DATE.match(date):
            raise InputError(Problem("--date", 0, "", f"{date!r} is not YYYY-MM-DD", "usage"))
        current_version = _read_version(r)
        if current_version is None:
            raise InputError(Problem(str(r / "VERSION"), 1, "", "VERSION is missing or not MAJOR.MINOR.PATCH", "version"))
        recs = R.read_releases(r)
        version = current_version if amend else R.bump(current_version, str(part))
        _refuse_release(recs, version, amend)
        digest = _current_hash(r)
        if amend:
            _refuse_amending_published(r, version, digest)
        files: dict[str | Path, str | bytes] = {}
        if version != current_version:
            files[r / "VERSION"] = version + "\n"
        text = _changelog_text(r / "CHANGELOG.md")
        if not re.search(rf"^## \[{re.escape(version)}\]", text, re.MULTILINE):
            files[r / "CHANGELOG.md"] = insert_changelog_section(text, changelog_skeleton(version, date, digest))
        elif amend and (updated := amend_changelog_hash(text, version, digest)) != text:
            files[r / "CHANGELOG.md"] = updated
        files[r / R.RELEASES_FILE] = R.render_releases(R.record(recs, R.Release(version, date, digest)))
        write_all(files)
        return ReleaseResult(version, date, digest, tuple(Path(p).name for p in files))


def _refuse_release(recs: list, version: str, amend: bool) -> None:
    from newsgold.core.diagnostics import InputError, Problem
    from newsgold.gold import releases as R
    last = R.latest(recs)
    if not amend and R.find(recs, version):
        raise InputError(Problem(R.RELEASES_FILE, 0, "", f"version {version} is already released", "version"))
    if not amend and last and R.version_key(version) <= R.version_key(last.version):
        raise InputError(Problem("VERSION", 1, "", f"{version} is not above the last release {last.version}", "version"))


def _refuse_amending_published(root: Path, version: str, digest: str) -> None:
    """A published release is never edited: ``--amend`` may only re-record a version whose record
    is not committed yet (or re-record the same hash)."""
    from newsgold.core.diagnostics import InputError, Problem
    from newsgold.gold import releases as R
    done = (R.published(root) or {}).get(version)
    if done is not None and done.content_hash != digest:
        raise InputError(Problem(R.RELEASES_FILE, 0, "", f"{version} is published (its record was committed in "
                                 f"{done.commit[:12]} with content hash {done.content_hash[:12]}); a published release is "
                                 f"never edited, and the gold now hashes to {digest[:12]}: release it as a new version "
                                 "(newsgold release --patch, --minor or --major)", "published-release"))


def _changelog_text(path: Path) -> str:
    """CHANGELOG.md as text, or an input error naming the file and the bad byte (read before anything is written)."""
    from newsgold.core.diagnostics import InputError
    from newsgold.core.jsonio import read_text
    if not path.exists():
        return "# Changelog\n\n"
    text, problems = read_text(path)
    if text is None:
        raise InputError(problems)
    return text
