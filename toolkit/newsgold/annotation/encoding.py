"""The NewsGold encoding in annotation tools, and the rules ``tasks``, ``import`` and ``agree`` share.

:mod:`newsgold.annotation.tasks` writes what an annotator loads into Label Studio, brat or
doccano; :mod:`newsgold.annotation.importing` turns the tool's export back into annotation
files. Both speak the encoding below, through the format modules of :mod:`newsgold.formats`.

The encoding in the tools (the same in all three; CONTRIBUTING.md explains it to annotators)
---------------------------------------------------------------------------------------------
Regions (span labels):
    the 18 OntoNotes labels (entity mentions), ``QUOTE_CONTENT``, ``CUE``, ``SPEAKER``.
Relations (direction does not matter; the labels of the two regions decide the roles):
    ``cue``        QUOTE_CONTENT — CUE             the quote's cue
    ``said_by``    QUOTE_CONTENT — SPEAKER         the quote's speaker span
    ``continues``  QUOTE_CONTENT — QUOTE_CONTENT   one quote, several content spans (Q-3.4)
    ``refers_to``  SPEAKER — entity mention        a pronoun/description speaker's cluster (Q-5.4)
                   QUOTE_CONTENT — entity mention  speaker cluster of a quote without speaker span (Q-7)
    ``same_as``    entity — entity                 the two mentions are one cluster (E-8)
    ``FAVOR:<target id>``, ``AGAINST:<target id>``, ``NEUTRAL:<target id>``
                   QUOTE_CONTENT — holder          stance: this quote is evidence that its speaker
                                                   (the holder: the quote's SPEAKER region or any
                                                   mention of the holder's cluster) takes this
                                                   position on this declared target (S-1, S-5).
                   In brat, whose type names cannot hold ':', the separator is '_':
                   ``FAVOR_t-sdf-ceasefire``.
                   Label Studio also takes the per-region choice ``stance`` on the evidence
                   QUOTE_CONTENT (``FAVOR:<target id>``, or ``FAVOR`` when the document
                   declares one target): the holder is then the quote's speaker cluster.
Relation names of your own project map onto these with ``newsgold-relation: NAME = cue`` lines
    in the labelling configuration (``import --config``); ``tasks`` writes the identity map.
Quote type (direct / indirect / mixed), on a QUOTE_CONTENT region:
    Label Studio: the per-region choice ``quote_type``; brat: the attribute ``QuoteType``;
    doccano (no per-region attributes): the label itself, ``QUOTE_CONTENT:direct`` etc.
Cluster names, on an entity region (optional; Label Studio per-region text ``note``, brat
    AnnotatorNotes): ``Canonical Name`` or ``Canonical Name | cluster-id``. Without a note a
    mention's cluster is found by the rule of E-8.4 applied to its text (same label, same
    normalised text = same cluster), joined by ``same_as``; the name is the longest mention
    text (names; all-capitals datelines in title case) or the first mention text (values).
    A note on a quote region, and Label Studio's per-document ``notes`` text, go to
    ``annotation.notes``.

Stance items are derived, never typed: holder = the speaker cluster of the evidence quote
(S-2.1), one item per (holder, target) with every quote that carries it (S-5.1, S-7), ids and
order as F-7 says; targets are the list declared in annotations/targets/ (GUIDELINES.md S-3, S-9), copied verbatim.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from newsgold.annotation.targets import declared_targets
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.repository import current
from newsgold.gold.manifest import read_manifest

QUOTE_LABELS = ("QUOTE_CONTENT", "CUE", "SPEAKER")
VALUE_LABELS = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
STRUCTURAL = ("cue", "said_by", "continues", "refers_to", "same_as")
STANCE_REL = re.compile(r"^(FAVOR|AGAINST|NEUTRAL)[:_](\S+)$")
ANNOTATOR_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
CLUSTER_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MACHINE_PREFIXES = ("llm",)
COLORS = {
    "PERSON": "#f4a261", "NORP": "#e9c46a", "FAC": "#b5838d", "ORG": "#2a9d8f", "GPE": "#8ecae6", "LOC": "#90be6d",
    "PRODUCT": "#cdb4db", "EVENT": "#ffafcc", "WORK_OF_ART": "#bde0fe", "LAW": "#a2d2ff", "LANGUAGE": "#d4a373",
    "DATE": "#ccd5ae", "TIME": "#e9edc9", "PERCENT": "#fefae0", "MONEY": "#faedcd", "QUANTITY": "#e5e5e5",
    "ORDINAL": "#d8e2dc", "CARDINAL": "#ffe5d9", "QUOTE_CONTENT": "#ffd6a5", "CUE": "#ff6b6b", "SPEAKER": "#4d96ff",
}


# ================================================================ the repository: documents, targets, guidelines

@dataclass
class Repo:
    root: Path
    docs: dict[str, dict]
    targets: dict[str, list[dict]]
    guidelines_version: str
    version: str


def guidelines_version(path: Path) -> str:
    text = Path(path).read_text(encoding="utf-8")
    m = re.search(r"Guidelines version:\s*\*\*(\d+\.\d+\.\d+)\*\*", text)
    if not m:
        raise InputError(Problem(str(path), 0, "", "no 'Guidelines version: **X.Y.Z**' line found", "guidelines"))
    return m.group(1)


def load_repo(root: str | Path | None = None) -> Repo:
    root = Path(root) if root is not None else current().root
    _, docs, problems = read_manifest(root / "seeds" / "manifest.json")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    gl = root / "annotations" / "GUIDELINES.md"
    try:
        version = (root / "VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        version = "unversioned"
    return Repo(root, docs, declared_targets(root / "annotations" / "targets"), guidelines_version(gl), version)


# ================================================================ shared rules

def cluster_id(name: str) -> str:
    """E-8.4: lowercase, diacritics removed, runs of other characters than a-z0-9 -> '-', trimmed."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def annotator_kind(annotator: str) -> str:
    """``machine`` for ids starting with ``llm`` (P-7: ``llm-<model>-r1``), else ``human``."""
    return "machine" if annotator.startswith(MACHINE_PREFIXES) else "human"


def parse_note(note: str) -> tuple[str, str] | str:
    """``Name`` or ``Name | id`` -> ``(name, id)``; a message string when it cannot be read."""
    name, sep, cid = (x.strip() for x in note.partition("|"))
    if not name:
        return "empty cluster name"
    cid = cid if sep else cluster_id(name)
    if not CLUSTER_ID.match(cid):
        return f"cluster id {cid!r} is not lowercase-hyphenated (E-8.4)"
    return name, cid


def _zone_of(zones: list[dict], offset: int) -> str:
    for z in zones:
        if z["start"] <= offset < z["end"]:
            return z["type"]
    return ""


def derived_name(mentions: list[tuple[int, int, str]], label: str, zones: list[dict]) -> str:
    """The cluster name the import gives when no note names it (E-8.2, E-8.7).

    Values: the first mention's text. Names: the longest mention text (first on ties), in
    title case when it is written in capitals and every occurrence of it is in a dateline.
    """
    mentions = sorted(mentions)
    if label in VALUE_LABELS:
        return mentions[0][2]
    pool = mentions
    if label == "NORP":  # E-8.3: the plural group noun when the text has it ("Kurds", not "Kurdish")
        pool = [m for m in mentions if m[2].endswith("s")] or mentions
    best = max(pool, key=lambda m: (len(m[2]), -m[0]))[2]
    if best.isupper() and all(_zone_of(zones, s) == "dateline" for s, _, t in mentions if t == best):
        return best.title()
    return best



RELATION_MAP_LINE = re.compile(r"newsgold-relation:\s*(\S+)\s*=\s*(\S+)")


def relation_map(config_text: str) -> dict[str, str]:
    """``newsgold-relation: NAME = CANONICAL`` lines of a labelling configuration (in an XML comment,
    a ``#`` comment, anywhere): the project's relation names -> the NewsGold names."""
    return {m.group(1): m.group(2) for m in RELATION_MAP_LINE.finditer(config_text)}


def relation_map_lines(comment: str) -> list[str]:
    """The identity map ``tasks`` writes into a configuration (``comment`` starts each line): rename both sides to use your own names."""
    return [f"{comment}newsgold-relation: {r} = {r}" for r in STRUCTURAL]
