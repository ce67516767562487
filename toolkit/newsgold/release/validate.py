"""``newsgold validate``: every problem in gold, annotation, manifest and predictions files."""
from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import MAX_RECORD_BYTES
from newsgold.core.repository import current, missing_dataset
from newsgold.gold.manifest import read_manifest
from newsgold.gold.read import Gold, check_annotation, check_gold_jsonl, content_hash, dataset_version, merge_record, without_spans
from newsgold.scoring.predictions import read_predictions

MAX_STREAM_BYTES = 1 << 30    # a piped input is held in a temporary file; larger ones are to be saved as files


def _kind_of_jsonl(path: Path) -> str:
    """'gold' when the first line carries a ``text_sha256`` key (gold records must, predictions
    cannot), else 'predictions'. Only bytes are looked at: a huge first line is not parsed twice."""
    try:
        with open(path, "rb") as fh:
            for raw in iter(lambda: fh.readline(MAX_RECORD_BYTES + 1), b""):
                if raw.strip():
                    return "gold" if b'"text_sha256"' in raw else "predictions"
    except OSError:
        pass
    return "predictions"


SOURCES = "sources"     # annotations/sources/<corpus annotator>/: human annotation brought in from a corpus


def default_targets() -> list[Path]:
    """The shipped dataset: manifest, gold, every pass, every corpus annotation (``annotations/sources/``,
    ``newsgold import --from corefud``), and the built documents file if any."""
    if not current().has_sources:
        return [current().data_dir / "documents" / "test.jsonl"]
    out = [current().manifest, current().gold_dir]
    for folder in (current().passes_dir, current().root / "annotations" / SOURCES):
        if folder.is_dir():
            out += sorted(p for p in folder.iterdir() if p.is_dir())
    built = current().data_dir / "documents" / "test.jsonl"
    if built.exists():
        out.append(built)
    return out


def validate(targets: list[str | Path] | None = None, gold_path: str | Path | None = None,
             label_map: str | None = None, loaded: dict[str, Gold] | None = None) -> list[Problem]:
    """Check every file under the targets; the returned list is every problem found.

    Predictions are checked against ``gold_path`` when given (an annotation folder or a
    documents JSONL), otherwise against the shipped documents. With ``label_map`` (a name or
    path, as ``newsgold score --label-map`` takes), predicted entity labels may also be the map's
    source labels (e.g. CoNLL-2003's PER, LOC), exactly the labels ``score`` accepts with it.
    ``loaded``: a dict that receives the gold under ``"gold"`` if one was read, so that the caller
    can report it without reading a large gold a second time.
    """
    repo = current()
    if not repo.has_sources and not repo.has_data and gold_path is None:
        raise missing_dataset(repo)
    paths = [Path(t) for t in targets] if targets else default_targets()
    # a copy without sources (a Hub export as NEWSGOLD_HOME) is checked from its documents file
    _, docs, problems = read_manifest() if repo.has_sources else (None, {}, [])
    gold: Gold | None = None

    def get_gold() -> Gold:
        nonlocal gold
        if gold is None and gold_path is not None:
            from newsgold.gold.load import load_gold
            with without_spans():         # predictions are checked against the texts: no span is matched here
                gold = load_gold(gold_path)
        if gold is None and not repo.has_sources:
            from newsgold.gold.load import load_gold
            with without_spans():
                gold = load_gold()
        if gold is None:
            from newsgold.gold.read import read_annotation_set
            anns, _ = read_annotation_set(current().gold_dir, docs)
            recs = [merge_record(docs[i], anns[i]) for i in sorted(anns) if i in docs]
            # predictions are checked against document texts, which the manifest alone gives
            for i in sorted(docs):
                if i not in anns:
                    recs.append(merge_record(docs[i], {"entities": {}, "quotes": [], "stance": {}}))
            gold = Gold({r["id"]: r for r in recs}, dataset_version(), content_hash(recs) if recs else "", "shipped")
        if loaded is not None:
            loaded["gold"] = gold
        return gold

    for t in paths:
        files: list[Path]
        if t.is_dir():
            files = sorted(p for p in t.rglob("*") if p.suffix in (".json", ".jsonl") and p.is_file() and not p.name.startswith("."))
            if not files:    # nothing checked is not a pass
                problems.append(Problem(str(t), 0, "", "no .json or .jsonl files in this folder: nothing to validate", "empty"))
        elif not t.exists():
            problems.append(Problem(str(t), 0, "", "no such file or folder", "file"))
            continue
        else:
            files = [t]
        for f in files:
            if f.resolve() == current().manifest.resolve():
                continue  # checked above, always
            if not f.is_file():      # a pipe (/dev/stdin, <(...)): read once, into a regular file
                problems += _validate_stream(f, lambda g: _check_file(g, docs, get_gold, label_map))
            else:
                problems += _check_file(f, docs, get_gold, label_map)
                if f.suffix != ".jsonl" and _in_repository_annotations(f, repo):
                    problems += undeclared_targets(f, repo.root / "annotations" / "targets")
    return problems


def _check_file(f: Path, docs: dict, get_gold, label_map: str | None) -> list[Problem]:
    """Problems of one regular file, by its kind: gold or predictions JSON Lines, or an annotation file."""
    if f.suffix == ".jsonl":
        if _kind_of_jsonl(f) == "gold":
            return check_gold_jsonl(f, docs)[1]
        return read_predictions(f, get_gold(), labels=_accepted(label_map, get_gold()), pack=False)[1]   # problems only: no spans packed
    return check_annotation(f, docs)[1]


def _validate_stream(f: Path, check) -> list[Problem]:
    """A file that is not a regular file (a pipe) can be read only once: its bytes (at most
    :data:`MAX_STREAM_BYTES`) are copied to a temporary file, which is checked as JSON Lines when its
    first non-blank line is a whole JSON value, else as a JSON (annotation) file; problems name ``f``."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with open(f, "rb") as src:
                raw = src.read(MAX_STREAM_BYTES + 1)
        except OSError as exc:
            return [Problem(str(f), 0, "", f"cannot read: {exc.strerror}", "file")]
        if len(raw) > MAX_STREAM_BYTES:
            return [Problem(str(f), 0, "", f"more than {MAX_STREAM_BYTES} bytes from a stream; save it as a file", "size")]
        first = next((line for line in raw.splitlines() if line.strip()), b"")
        copy = Path(tmp) / ("stream.jsonl" if _whole_json(first) else "stream.json")
        copy.write_bytes(raw)
        return [dataclasses.replace(p, file=str(f)) if p.file == str(copy) else p for p in check(copy)]


def _whole_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _in_repository_annotations(path: Path, repo) -> bool:
    """A gold or pass file of this repository (whose targets must be the declared ones), not a file elsewhere."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(d.resolve()) for d in (repo.gold_dir, repo.passes_dir, repo.root / "annotations" / SOURCES))


def undeclared_targets(path: Path, targets_dir: Path) -> list[Problem]:
    """Stance targets an annotation file uses that ``annotations/targets/<doc_id>.json`` does not declare
    (S-3: targets are declared before annotation, and every pass and the gold copy them verbatim)."""
    import json

    from newsgold.annotation.targets import declared_targets
    from newsgold.core.diagnostics import InputError
    try:
        text = path.read_text(encoding="utf-8")
        rec = json.loads(text)
        declared = declared_targets(targets_dir)
    except (OSError, ValueError, InputError):
        return []   # reported by the file's own checks, or by the targets files'
    stance = rec.get("stance") if isinstance(rec, dict) else None
    if not isinstance(stance, dict):
        return []
    known = {t.get("id") for t in declared.get(str(rec.get("doc_id")), [])}
    used = [t.get("id") for t in stance.get("targets") or [] if isinstance(t, dict)]
    used += [i.get("target") for i in stance.get("items") or [] if isinstance(i, dict)]
    out, seen = [], set()
    for tid in used:
        if tid not in known and tid not in seen and isinstance(tid, str):
            seen.add(tid)
            line = next((n for n, ln in enumerate(text.splitlines(), 1) if f'"{tid}"' in ln), 0)
            out.append(Problem(str(path), line, "stance", f"target {tid!r} is not declared for {rec.get('doc_id')} in "
                               f"annotations/targets/{rec.get('doc_id')}.json (S-3, S-9)", "target-undeclared"))
    return out


def _accepted(label_map: str | None, gold: Gold) -> tuple[str, ...]:
    """The entity labels a predictions file may use: what ``newsgold score`` accepts with the same map."""
    from newsgold.core.schema import ENTITY_LABELS
    if label_map is None:
        return ENTITY_LABELS
    from newsgold.scoring.api import accepted_labels, make_setup
    return tuple(accepted_labels(make_setup(gold, label_map)))


def summary(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(p.severity == "error" for p in problems)
    return errors, len(problems) - errors
