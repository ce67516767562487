"""``hf:PATH``: a local ``transformers`` token-classification model folder.

The model's labels are kept as it gives them (B-/I- prefixes merged by the pipeline's
aggregation strategy, ``--aggregation``, default ``simple``): an OntoNotes model is scored as
it is, a CoNLL-2003 model (PER/ORG/LOC/MISC) with ``--label-map ontonotes_to_conll2003``.
Documents are fed a paragraph at a time (models see a few hundred tokens). Nothing is
downloaded: the hub is switched off and the folder must hold the weights and tokenizer.
Install: ``pip install 'newsgold[hf]'``.
"""
from __future__ import annotations

from newsgold.core.records import Document
from newsgold.systems.common import RunOptions, SystemOutput, folder_digest, go_offline, local_folder, paragraph_entities, require_module

INSTALL = "pip install 'newsgold[hf]'   (transformers and torch), then save a model folder with save_pretrained"
AGGREGATIONS = ("simple", "first", "average", "max")


def _label(item: dict) -> str:
    lab = item.get("entity_group") or item.get("entity") or ""
    return lab[2:] if lab[:2] in ("B-", "I-", "E-", "S-", "L-", "U-") else lab


def run(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    system = f"hf:{arg}"
    go_offline()
    folder = local_folder(system, arg, "transformers", INSTALL)
    require_module("torch", system, INSTALL)
    transformers = require_module("transformers", system, INSTALL)
    if opts.aggregation not in AGGREGATIONS:
        from newsgold.core.diagnostics import InputError
        raise InputError(f"--aggregation must be one of {', '.join(AGGREGATIONS)}, got {opts.aggregation!r}")
    tagger = transformers.pipeline("token-classification", model=str(folder), tokenizer=str(folder),
                                   aggregation_strategy=opts.aggregation, device=-1)
    records = []
    def predict(piece: str) -> list[tuple[int, int, str | None, float]]:
        return [(int(it["start"]), int(it["end"]), _label(it), it["score"]) for it in tagger(piece)]
    for d in docs:
        records.append({"doc_id": d.id, "system": system, "entities": paragraph_entities(d.text, predict)})
    config = tagger.model.config
    model = {"name": folder.name, "architecture": (config.architectures or [None])[0],
             "labels": sorted({_label({"entity": v}) for v in config.id2label.values()} - {"O", ""}),
             "files_sha256": folder_digest(folder)}
    return SystemOutput(records, model, packages=("transformers", "torch", "tokenizers"),
                        options={"aggregation": opts.aggregation})
