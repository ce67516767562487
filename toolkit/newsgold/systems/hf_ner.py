"""``hf:PATH``: a local ``transformers`` token-classification model folder.

The model's labels are kept as it gives them (B-/I- prefixes merged by the pipeline's
aggregation strategy, ``--aggregation``, default ``simple``): an OntoNotes model is scored as
it is, a CoNLL-2003 model (PER/ORG/LOC/MISC) with ``--label-map ontonotes_to_conll2003``.
Documents are fed a paragraph at a time, and a paragraph longer than the model's window
(``model_max_length`` tokens) is read in overlapping windows (``stride``) rather than cut off:
the pipeline would otherwise truncate it silently and never tag its end. Nothing is
downloaded: the hub is switched off and the folder must hold the weights and tokenizer.
Install: ``pip install 'newsgold[hf]'``.
"""
from __future__ import annotations

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.records import Document
from newsgold.systems.common import RunOptions, SystemOutput, folder_digest, go_offline, local_folder, model_error, paragraph_entities, require_module

INSTALL = "pip install 'newsgold[hf]'   (transformers and torch), then save a model folder with save_pretrained"
AGGREGATIONS = ("simple", "first", "average", "max")


def _label(item: dict) -> str:
    lab = item.get("entity_group") or item.get("entity") or ""
    return lab[2:] if lab[:2] in ("B-", "I-", "E-", "S-", "L-", "U-") else lab


def _tagger(transformers, folder, aggregation: str):
    """The pipeline, and its window (tokens) and stride (tokens shared by neighbouring windows).

    The window is the tokenizer's ``model_max_length``, capped at the model's position
    embeddings (a tokenizer saved without a length says 10**30). A fast tokenizer reads long
    text in overlapping windows; a slow one cannot, and the paragraphs it cuts are reported.
    """
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder))
    config = transformers.AutoConfig.from_pretrained(str(folder))
    positions = getattr(config, "max_position_embeddings", None)
    if positions and tokenizer.model_max_length > positions:
        tokenizer.model_max_length = positions - 2     # RoBERTa-style models keep two positions back
    stride = tokenizer.model_max_length // 4 if tokenizer.is_fast else None
    tagger = transformers.pipeline("token-classification", model=str(folder), tokenizer=tokenizer,
                                   aggregation_strategy=aggregation, stride=stride, device=-1)
    return tagger, tokenizer.model_max_length, stride


def run(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    system = f"hf:{arg}"
    if opts.aggregation not in AGGREGATIONS:     # before the slow imports
        raise InputError(f"--aggregation must be one of {', '.join(AGGREGATIONS)}, got {opts.aggregation!r}")
    go_offline()
    folder = local_folder(system, arg, "transformers", INSTALL)
    require_module("torch", system, INSTALL)
    transformers = require_module("transformers", system, INSTALL)
    try:
        tagger, window, stride = _tagger(transformers, folder, opts.aggregation)
    except Exception as exc:     # not a model folder, a broken config.json: the user's model, exit 1
        raise model_error(system, exc) from None
    records, warnings = [], []
    for d in docs:
        def predict(piece: str, doc_id: str = d.id) -> list[tuple[int, int, str | None, float]]:
            if stride is None and len(tagger.tokenizer(piece)["input_ids"]) > window:
                warnings.append(Problem(system, 0, doc_id, f"a paragraph of {len(piece)} characters is longer than the model's "
                                        f"{window} tokens and its end was not read (a slow tokenizer has no stride)",
                                        "truncated", "warning"))
            return [(int(it["start"]), int(it["end"]), _label(it), it["score"]) for it in tagger(piece)]
        try:
            ents = paragraph_entities(d.text, predict)
        except Exception as exc:
            raise model_error(system, exc, d.id) from None
        records.append({"doc_id": d.id, "system": system, "entities": ents})
    config = tagger.model.config
    model = {"name": folder.name, "architecture": (config.architectures or [None])[0],
             "labels": sorted({_label({"entity": v}) for v in config.id2label.values()} - {"O", ""}),
             "files_sha256": folder_digest(folder)}
    return SystemOutput(records, model, packages=("transformers", "torch", "tokenizers"),
                        options={"aggregation": opts.aggregation, "window": window, "stride": stride},
                        warnings=tuple(warnings))
