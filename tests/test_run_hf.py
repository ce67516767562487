"""``newsgold run hf:PATH`` on a real ``transformers`` model that the test builds itself, offline.

The model is a BertForTokenClassification whose weights are set by hand so that its output is
known in advance: the residual branches of the encoder are zeroed (each layer passes its input
on, normalised), position and segment embeddings are zero, and each word's embedding points at
the label it must get. So the expected entities below are worked out by hand from the words of
the text; the other weights are random but seeded. The tokenizer is a WordPiece vocabulary
written by the test and built with ``tokenizers``. Skipped where torch or transformers is absent (``pip install 'newsgold[hf]'``).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest

NEWSGOLD = Path(sys.executable).with_name("newsgold")
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
HIDDEN = 32
WINDOW = 24          # the tokenizer's model_max_length: the long paragraph below needs several windows

# the only words the model tags; every other token is O
CONLL = {"kyiv": "B-LOC", "olena": "B-PER", "zelenska": "I-PER", "ma": "B-PER", "nato": "B-ORG"}
ONTONOTES = {"kyiv": "B-GPE", "olena": "B-PERSON", "zelenska": "I-PERSON", "ma": "B-PERSON", "nato": "B-ORG"}
# "macron" is not in the vocabulary: it is read as "ma" (tagged) + "##cron" (O), so aggregation
# "simple" finds "Ma" and "first" (the first sub-word decides for the word) finds "Macron"
WORDS = ["kyiv", "said", "on", "monday", "that", "olena", "zelenska", "met", "ma", "##cron", "nato", "talks", "went"]

# Line 1 starts with an emoji flag (two code points outside the BMP: 4 UTF-8 bytes and 2 UTF-16
# units each), "Zelenská" has an accent the tokenizer strips; n2 is one paragraph of ~70 tokens.
N1 = "\U0001F1FA\U0001F1E6 Kyiv said on Monday.\nOlena Zelenská met Macron in “Kyiv”.\n"
N2 = "Kyiv said " + "that talks went on " * 12 + "and Olena Zelenska met NATO."


pytestmark = pytest.mark.heavy
TORCH_MISSING = ("torch is not installed: the test-heavy extra leaves PyTorch to you, since a plain torch requirement takes the "
                 "multi-GB CUDA build; install a CPU build (pip install torch --index-url https://download.pytorch.org/whl/cpu)")


def span(text: str, sub: str, label: str, nth: int = 0) -> dict:
    """The span of the nth occurrence of ``sub`` (code points, as Python indexes str)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return {"start": start, "end": start + len(sub), "label": label}


GOLD = [
    {"id": "n1", "text": N1, "entities": [span(N1, "Kyiv", "GPE"), span(N1, "Monday", "DATE"),
                                          span(N1, "Olena Zelenská", "PERSON"), span(N1, "Macron", "PERSON"),
                                          span(N1, "Kyiv", "GPE", 1)]},
    {"id": "n2", "text": N2, "entities": [span(N2, "Kyiv", "GPE"), span(N2, "Olena Zelenska", "PERSON"), span(N2, "NATO", "ORG")]},
]


def expected(tags: dict[str, str], aggregation: str) -> dict[str, list[tuple]]:
    """The entities the hand-set model must give, worked out from the words: (start, end, text, label)."""
    per, loc, org = (tags[w][2:] for w in ("olena", "kyiv", "nato"))
    macron = "Macron" if aggregation == "first" else "Ma"
    rows = {"n1": [span(N1, "Kyiv", loc), span(N1, "Olena Zelenská", per), span(N1, macron, per), span(N1, "Kyiv", loc, 1)],
            "n2": [span(N2, "Kyiv", loc), span(N2, "Olena Zelenska", per), span(N2, "NATO", org)]}
    texts = {"n1": N1, "n2": N2}
    return {d: [(s["start"], s["end"], texts[d][s["start"]:s["end"]], s["label"]) for s in spans] for d, spans in rows.items()}


def build_model(folder: Path, tags: dict[str, str]) -> Path:
    """A tiny BERT token classifier whose labels are those of ``tags`` (see the module docstring)."""
    torch = pytest.importorskip("torch", reason=TORCH_MISSING)
    transformers = pytest.importorskip("transformers", reason="transformers is not installed (pip install -e '.[test-heavy]')")
    folder.mkdir(parents=True)
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *chars, *("##" + c for c in string.ascii_lowercase)]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    labels = ["O", *sorted(set(tags.values()) | {"I-" + t[2:] for t in tags.values()})]
    label_id = {lab: i for i, lab in enumerate(labels)}
    assert 2 * len(labels) <= HIDDEN
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=HIDDEN, num_hidden_layers=2, num_attention_heads=2,
                                     intermediate_size=64, max_position_embeddings=64,
                                     id2label=dict(enumerate(labels)), label2id=label_id)
    model = transformers.BertForTokenClassification(config).eval()
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "output.dense" in name or "position_embeddings" in name or "token_type_embeddings" in name:
                param.zero_()          # each layer passes its (normalised) input on unchanged
        words = model.bert.embeddings.word_embeddings.weight
        words.zero_()
        for token_id, token in enumerate(vocab):      # +1 on the label's dimension, -1 on its mirror: mean 0
            lab = label_id[tags.get(token, "O")]
            words[token_id, lab], words[token_id, HIDDEN // 2 + lab] = 1.0, -1.0
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        for lab in range(len(labels)):
            model.classifier.weight[lab, lab] = 1.0
    model.save_pretrained(folder)
    wordpiece_tokenizer(vocab, transformers).save_pretrained(folder)
    return folder


def wordpiece_tokenizer(vocab: list[str], transformers):
    """A lower-casing, accent-stripping BERT WordPiece tokenizer over ``vocab``, built with the
    ``tokenizers`` library (the same in transformers 4 and 5; v5's BertTokenizer ignores vocab_file)."""
    tokenizers = pytest.importorskip("tokenizers", reason="tokenizers is not installed (pip install -e '.[test-heavy]')")
    ids = {token: i for i, token in enumerate(vocab)}
    tok = tokenizers.Tokenizer(tokenizers.models.WordPiece(ids, unk_token="[UNK]"))
    tok.normalizer = tokenizers.normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = tokenizers.pre_tokenizers.BertPreTokenizer()
    tok.post_processor = tokenizers.processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])])
    tok.decoder = tokenizers.decoders.WordPiece(prefix="##")
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
                                                pad_token="[PAD]", mask_token="[MASK]", model_max_length=WINDOW)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("hf")
    gold = root / "gold.jsonl"
    gold.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GOLD), encoding="utf-8")
    return {"gold": gold, "conll": build_model(root / "tiny-conll", CONLL), "ontonotes": build_model(root / "tiny-ontonotes", ONTONOTES)}


def ng(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEWSGOLD), *args], capture_output=True, text=True, env=ENV)


def run(model: Path, gold: Path, out: Path, *extra: str) -> tuple[dict, list[dict], dict]:
    r = ng("run", f"hf:{model}", "--gold", str(gold), "-o", str(out), "--resamples", "0", "--format", "json", *extra)
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    provenance = json.loads(out.with_name(out.stem + ".provenance.json").read_text(encoding="utf-8"))
    return json.loads(r.stdout), records, provenance


def entities(records: list[dict]) -> dict[str, list[tuple]]:
    return {r["doc_id"]: [(e["start"], e["end"], e["text"], e["label"]) for e in r["entities"]] for r in records}


def folder_sha256(folder: Path) -> str:
    """The documented digest of a model folder: sha256 over 'relative path TAB sha256' lines, sorted."""
    lines = sorted(f"{p.relative_to(folder).as_posix()}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
                   for p in folder.rglob("*") if p.is_file())
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def test_conll_model_through_the_label_map(models, tmp_path):
    out = tmp_path / "conll.jsonl"
    score, records, prov = run(models["conll"], models["gold"], out, "--label-map", "ontonotes_to_conll2003")
    texts = {g["id"]: g["text"] for g in GOLD}
    assert entities(records) == expected(CONLL, "simple")
    for r in records:                       # offsets are code points into the gold text, and the text is that slice
        for e in r["entities"]:
            assert texts[r["doc_id"]][e["start"]:e["end"]] == e["text"] and 0 < e["score"] <= 1
    # gold mapped to CoNLL: DATE has no counterpart and is dropped (not missed); "Ma" overlaps "Macron"
    counts = score["tasks"]["entities"]["counts"]["overall"]
    assert counts["strict"] == {"correct": 6, "incorrect": 1, "partial": 0, "missed": 0, "spurious": 0}
    assert set(score["tasks"]["entities"]["counts"]["labels"]) <= {"PER", "ORG", "LOC", "MISC"}
    assert prov["system"] == f"hf:{models['conll']}" and prov["options"]["label_map"] == "ontonotes_to_conll2003"
    assert prov["model"]["name"] == "tiny-conll" and prov["model"]["architecture"] == "BertForTokenClassification"
    assert prov["model"]["labels"] == ["LOC", "ORG", "PER"]
    assert prov["model"]["files_sha256"] == folder_sha256(models["conll"])
    for package in ("torch", "transformers", "tokenizers"):
        assert prov["packages"][package] == importlib.metadata.version(package)
    assert prov["options"]["aggregation"] == "simple" and prov["options"]["window"] == WINDOW
    assert prov["predictions_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    # the same run again: byte-identical predictions and provenance
    again = tmp_path / "again.jsonl"
    run(models["conll"], models["gold"], again, "--label-map", "ontonotes_to_conll2003")
    assert again.read_bytes() == out.read_bytes()
    prov2 = json.loads((tmp_path / "again.provenance.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in prov2.items() if k != "command"} == {k: v for k, v in prov.items() if k != "command"}


def test_aggregation_first_tags_whole_words_and_is_recorded(models, tmp_path):
    score, records, prov = run(models["conll"], models["gold"], tmp_path / "first.jsonl",
                               "--label-map", "ontonotes_to_conll2003", "--aggregation", "first")
    assert entities(records) == expected(CONLL, "first")
    assert prov["options"]["aggregation"] == "first" and "--aggregation first" in prov["command"]
    assert score["tasks"]["entities"]["counts"]["overall"]["strict"]["correct"] == 7


def test_ontonotes_model_is_scored_as_it_is(models, tmp_path):
    score, records, prov = run(models["ontonotes"], models["gold"], tmp_path / "onto.jsonl")
    assert entities(records) == expected(ONTONOTES, "simple")
    assert "label_map" not in prov["options"] and prov["model"]["labels"] == ["GPE", "ORG", "PERSON"]
    v = ng("validate", str(tmp_path / "onto.jsonl"), "--gold", str(models["gold"]))
    assert v.returncode == 0, v.stdout + v.stderr
    # OntoNotes gold as it is: Monday (DATE) is missed, "Ma" overlaps "Macron"
    assert score["tasks"]["entities"]["counts"]["overall"]["strict"] == {"correct": 6, "incorrect": 1, "partial": 0,
                                                                          "missed": 1, "spurious": 0}


def test_conll_labels_without_a_label_map_stop_with_how_to_map_them(models, tmp_path):
    r = ng("run", f"hf:{models['conll']}", "--gold", str(models["gold"]), "-o", str(tmp_path / "x.jsonl"), "--resamples", "0")
    assert r.returncode == 1, r.stderr
    assert "--label-map" in r.stderr and "'PER'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_unknown_aggregation_is_refused(models, tmp_path):
    r = ng("run", f"hf:{models['conll']}", "--gold", str(models["gold"]), "-o", str(tmp_path / "x.jsonl"), "--aggregation", "mean")
    assert r.returncode in (1, 2) and "aggregation" in r.stderr and "Traceback" not in r.stderr
