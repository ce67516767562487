"""``gliner:PATH``: a local GLiNER model folder, asked for the OntoNotes types by description.

GLiNER takes entity types as natural-language labels; each OntoNotes label is asked for by
the description in :data:`DESCRIPTIONS` and mapped back. Spans under ``--threshold``
(default 0.5) are dropped by GLiNER itself. Documents are fed a paragraph at a time.
Install: ``pip install 'newsgold[gliner]'``; the folder comes from ``model.save_pretrained``.
"""
from __future__ import annotations

from newsgold.core.records import Document
from newsgold.systems.common import RunOptions, SystemOutput, folder_digest, go_offline, local_folder, model_error, paragraph_entities, require_module

INSTALL = "pip install 'newsgold[gliner]', then save a model folder with GLiNER.save_pretrained"

# OntoNotes 5 label -> the description GLiNER is asked for (after the OntoNotes guidelines).
DESCRIPTIONS = {
    "PERSON": "person", "NORP": "nationality, religious or political group", "FAC": "building, airport, highway or bridge",
    "ORG": "organization", "GPE": "country, city or state", "LOC": "location",
    "PRODUCT": "product", "EVENT": "event", "WORK_OF_ART": "work of art", "LAW": "law",
    "LANGUAGE": "language", "DATE": "date", "TIME": "time", "PERCENT": "percentage",
    "MONEY": "monetary value", "QUANTITY": "quantity", "ORDINAL": "ordinal number", "CARDINAL": "cardinal number",
}


def run(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    system = f"gliner:{arg}"
    go_offline()
    folder = local_folder(system, arg, "GLiNER", INSTALL)
    gliner = require_module("gliner", system, INSTALL)
    try:
        model = gliner.GLiNER.from_pretrained(str(folder), local_files_only=True)
    except Exception as exc:     # not a model folder, a broken config: the user's model, exit 1
        raise model_error(system, exc) from None
    back = {v: k for k, v in DESCRIPTIONS.items()}
    records = []
    def predict(piece: str) -> list[tuple[int, int, str | None, float]]:
        found = model.predict_entities(piece, list(DESCRIPTIONS.values()), threshold=opts.threshold)
        return [(int(it["start"]), int(it["end"]), back.get(it["label"]), it["score"]) for it in found]
    for d in docs:
        try:
            ents = sorted(paragraph_entities(d.text, predict, max_chars=1000), key=lambda x: (x["start"], x["end"]))
        except Exception as exc:
            raise model_error(system, exc, d.id) from None
        records.append({"doc_id": d.id, "system": system, "entities": ents})
    return SystemOutput(records, {"name": folder.name, "descriptions": DESCRIPTIONS, "files_sha256": folder_digest(folder)},
                        packages=("gliner", "torch", "transformers"), options={"threshold": opts.threshold})
