"""The leaderboard: one row per folder of ``submissions/``, rendered into README.md.

A submission folder ``submissions/NAME/`` is written by ``newsgold run SYSTEM --submit NAME``
and holds ``predictions.jsonl``, ``predictions.provenance.json`` (what ran: model, packages,
hashes, the command) and ``score.json`` (the score as computed then, with its signature).
The table shows the stored scores, so each row is exactly the signed result of a real run,
with intervals only where the scorer gave them; the paired test of each row against the best
row is :func:`newsgold.scoring.api.compare` on the two predictions files.

A row is **stale** (:func:`stale_rows`, used by ``newsgold check``) when it was scored on other
data (content hash) or by another toolkit version, when its predictions file is not the one
it was scored on, or when the code of a built-in system changed since.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.systems.run import PREDICTIONS, SCORE, SUBMISSIONS, provenance_path

PROVENANCE = provenance_path(PREDICTIONS).name

# (section of the score, figure, column heading)
COLUMNS = [("entities", "overall/strict/f1", "entities strict F1"),
           ("entities", "overall/partial/f1", "entities partial F1"),
           ("entities_document", "overall/f1", "document-level entity F1"),
           ("quotes", "content_overlap/f1", "quote content F1"),
           ("quotes", "end_to_end/f1", "quote end-to-end F1"),
           ("stance", "classification/macro_f1", "stance macro-F1"),
           ("coref", "conll/f1", "coreference CoNLL F1")]
# A row is tested against the best row on the first of these it has.
PRIMARY = [("entities", "overall/strict/f1"), ("quotes", "end_to_end/f1"), ("stance", "classification/macro_f1"),
           ("coref", "conll/f1")]


@dataclass(frozen=True)
class Submission:
    name: str
    folder: Path
    provenance: dict
    score: dict

    @property
    def predictions(self) -> Path:
        return self.folder / PREDICTIONS

    def value(self, task: str, figure: str) -> float | None:
        f = self.score.get("tasks", {}).get(task, {}).get("figures", {}).get(figure)
        return None if not f else f.get("value")

    def cell(self, task: str, figure: str) -> str:
        f = self.score.get("tasks", {}).get(task, {}).get("figures", {}).get(figure)
        if not f or f.get("value") is None:
            return "–"
        ci = f.get("ci")
        if isinstance(ci, (list, tuple)) and len(ci) == 2 and all(isinstance(x, (int, float)) for x in ci):
            return f"{f['value']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"
        return f"{f['value']:.3f}"

    @property
    def primary(self) -> tuple[str, str] | None:
        return next((p for p in PRIMARY if self.value(*p) is not None), None)


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(Problem(str(path), 0, "", f"cannot read a submission file: {exc}", "submission")) from None
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), 1, "", "expected a JSON object", "submission"))
    return data


def load_submissions(root: Path) -> list[Submission]:
    """Every folder of ``submissions/`` (sorted by name); a folder missing a file is an error."""
    folder = Path(root) / SUBMISSIONS
    out = []
    for sub in sorted(p for p in folder.glob("*") if p.is_dir() and not p.name.startswith(".")) if folder.is_dir() else []:
        missing = [f for f in (PREDICTIONS, PROVENANCE, SCORE) if not (sub / f).is_file()]
        if missing:
            raise InputError(Problem(str(sub), 0, "", f"submission lacks {', '.join(missing)}; "
                                     "write it with: newsgold run SYSTEM --submit NAME", "submission"))
        out.append(Submission(sub.name, sub, _read(sub / PROVENANCE), _read(sub / SCORE)))
    return out


def _without_task(signature: str) -> str:
    return "|".join(p for p in signature.split("|") if not p.startswith("task:"))


def paired_cells(subs: list[Submission], gold=None) -> dict[str, str]:
    """For each row, its difference from the best row on its primary figure and the paired-bootstrap p.

    The best row is the best of every row that has the figure (a row whose main figure is
    entity F1 still competes on quotes).

    Rows are compared only when their signatures agree apart from the task (same data, label
    map, labels, zones, overlap, resampling).
    """
    from newsgold.scoring.api import compare
    out: dict[str, str] = {}
    for task, figure in PRIMARY:
        having = [s for s in subs if s.value(task, figure) is not None]
        rows = [s for s in having if s.primary == (task, figure)]
        if not rows:
            continue
        best = max(having, key=lambda s: (s.value(task, figure), [-ord(c) for c in s.name]))
        for s in rows:
            if s is best:
                out[s.name] = f"best on {next(h for t, f, h in COLUMNS if (t, f) == (task, figure))}"
            elif _without_task(s.score["signature"]) != _without_task(best.score["signature"]):
                out[s.name] = f"not comparable with `{best.name}` (signatures differ)"
            else:
                res = compare(best.predictions, s.predictions, gold=gold, task=task)
                f = res.tasks[task][figure]
                p = f.get("p_paired_bootstrap")
                delta = "n/a" if f.get("delta") is None else f"{f['delta']:+.3f}"
                out[s.name] = f"{delta} vs `{best.name}`, p = {'n/a' if p is None else f'{p:.3f}'}"
    return out


def _row_order(s: Submission) -> tuple:
    prim = s.primary
    return (PRIMARY.index(prim) if prim else len(PRIMARY), -(s.value(*prim) or 0.0) if prim else 0.0, s.name)


def render(root: Path, gold=None) -> str:
    """The body of the README leaderboard block."""
    from newsgold.reporting.text import render_table
    subs = sorted(load_submissions(root), key=_row_order)
    if not subs:
        return "No submissions yet: `newsgold run SYSTEM --submit NAME`, then `newsgold leaderboard`.\n"
    paired = paired_cells(subs, gold)
    rows = [[f"`{s.name}`"] + [s.cell(t, f) for t, f, _ in COLUMNS] + [paired.get(s.name, "")] for s in subs]
    table = render_table(["system"] + [h for _, _, h in COLUMNS] + ["paired test vs best row"], rows, markdown=True)
    lines = []
    for s in subs:
        prov, model = s.provenance, s.provenance.get("model") or {}
        what = ", ".join(f"{k} {v}" for k, v in sorted((prov.get("packages") or {}).items()))
        digest = model.get("files_sha256")
        package = model.get("package") or {}
        lines.append(f"- `{s.name}`: `{prov.get('command', '')}`\n"
                     f"  - model: {model.get('name', prov.get('system', ''))}"
                     + (f" {model['version']}" if model.get("version") else "")
                     + (f" (package {package.get('name')} {package.get('version')})" if package else "")
                     + (f", files sha256 `{digest}`" if isinstance(digest, str) else "")
                     + f"; packages: {what}; run {prov.get('date', '')}\n"
                     f"  - signature: `{s.score.get('signature', '')}`"
                     + _failed_line(s))
    return (table + "\n\nScores as stored in `submissions/NAME/score.json`; 95% bootstrap intervals over documents "
            "where the scorer gives them; \"–\": the system does not predict that layer. The paired test is "
            "`newsgold compare` (paired bootstrap, two-sided) against the best row on the row's main figure "
            "(entities strict F1, else quote end-to-end F1, else stance macro-F1, else coreference CoNLL F1)." + _missing_uncertainty(subs)
            + " Each row, the command that reproduces it, and its signature:\n\n" + "\n".join(lines) + "\n")


def _failed_line(s: Submission) -> str:
    failed = s.provenance.get("failed_documents") or []
    if not failed:
        return ""
    return ("\n  - the system failed on " + ", ".join(f"`{f.get('doc_id')}` ({f.get('reason')})" for f in failed)
            + ": scored as predicting nothing there")


def _missing_uncertainty(subs: list[Submission]) -> str:
    """Why intervals and p-values are missing, in the scorer's words (none when all are given)."""
    reasons = sorted({e["ci_reason"] for s in subs for e in (s.score.get("tasks") or {}).values()
                      if isinstance(e, dict) and e.get("ci_reason")})
    return (" No interval and no p-value (p = n/a) where the data cannot support them: " + "; ".join(reasons) + ".") if reasons else ""


def _current_facts(root: Path) -> tuple[str, str]:
    from newsgold.core.version import __version__
    from newsgold.gold.load import load_gold
    gold = load_gold(Path(root) / "annotations" / "gold")
    return __version__, gold.content_hash


def stale_rows(root: Path) -> list[str]:
    """``NAME: reason`` for every submission that no longer describes the current data and toolkit."""
    import hashlib

    from newsgold.systems.run import code_hashes
    subs = load_submissions(root)
    if not subs:
        return []
    version, chash = _current_facts(root)
    out = []
    for s in subs:
        sig = dict(p.partition(":")[::2] for p in str(s.score.get("signature", "")).split("|"))
        reasons = []
        if sig.get("newsgold") != version:
            reasons.append(f"scored by newsgold {sig.get('newsgold')}, this is {version}")
        if sig.get("data", "").partition("+")[2] != chash[:12]:
            reasons.append(f"scored on data {sig.get('data')}, the data hash is now {chash[:12]}")
        if hashlib.sha256(s.predictions.read_bytes()).hexdigest() != s.provenance.get("predictions_sha256"):
            reasons.append("predictions.jsonl is not the file that was scored")
        recorded = s.provenance.get("code_sha256") or {}
        changed = [p for p, h in code_hashes(recorded).items() if h != recorded[p]]
        if changed:
            reasons.append(f"system code changed since the run: {', '.join(changed)}")
        reasons += _unreleased_data(sig.get("data", ""), root)
        if reasons:
            out.append(f"{s.name}: {'; '.join(reasons)} (rerun: {s.provenance.get('command', 'newsgold run ... --submit ' + s.name)})")
    return out


def _unreleased_data(data: str, root: Path) -> list[str]:
    """A signature naming data ``newsgold-X.Y.Z+HASH`` that releases.json does not record (the row was
    run before ``newsgold release``): its README signature would name a version that never existed."""
    from newsgold.gold.releases import read_releases
    version, _, short = data.removeprefix("newsgold-").partition("+")
    if not data.startswith("newsgold-"):
        return []
    if any(r.version == version and r.content_hash.startswith(short) for r in read_releases(root)):
        return []
    return [f"its signature names data {data}, which is not a released version and hash in releases.json "
            "(run newsgold release first, then rerun the row)"]


def failed_documents(root: Path) -> list[str]:
    """``NAME: DOC (why), ...`` for every row whose system failed on some documents (provenance ``failed_documents``)."""
    out = []
    for s in load_submissions(root):
        failed = s.provenance.get("failed_documents") or []
        if failed:
            out.append(f"{s.name}: " + ", ".join(f"{f.get('doc_id')} ({f.get('reason')})" for f in failed))
    return out
