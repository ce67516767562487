"""The scoring setup: what shapes how spans are compared (label map, label subset, zones, overlap).

Every task reads the gold and the predictions through one :class:`Setup`, so a label map or a
zone filter means the same thing for entities, document-level entities, quotes and stance.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import InputError
from newsgold.core.schema import ENTITY_LABELS, ZONE_TYPES
from newsgold.gold.load import load_gold
from newsgold.gold.read import Gold
from newsgold.scoring.predictions import load_label_map


@dataclass
class Setup:
    """Everything that shapes how spans are compared: label map, label subset, zones."""

    gold: Gold
    labels: list[str]                 # the label inventory after mapping, in a fixed order
    mapping: dict[str, Any] | None
    keep_labels: set[Any] | None
    zones: set[Any] | None
    overlap: float
    label_map_name: str | None
    singletons: bool = True           # coref: clusters of one mention scored (CorefUD) or dropped (OntoNotes)
    coref_match: str = "exact"        # coref: "exact" or "partial" (CorefUD partial match, gold minimal spans)

    def map_label(self, label: str, side: str = "pred") -> str | None:
        """The label after the label map; None drops the span.

        A map that covers every gold label (e.g. OntoNotes→CoNLL-2003) applies to gold and
        predictions alike; a map that does not (a tool's labels → OntoNotes) applies to the
        predictions only. A label the map does not name is kept as it is.
        """
        if self.mapping is None or (side == "gold" and not self.map_applies_to_gold):
            return label
        mapped: str | None = self.mapping["map"].get(label, label)
        return mapped

    @property
    def map_applies_to_gold(self) -> bool:
        return self.mapping is not None and set(ENTITY_LABELS) <= set(self.mapping["map"])

    def in_zones(self, doc: dict[str, Any], start: int) -> bool:
        if self.zones is None:
            return True
        return any(z["start"] <= start < z["end"] and z["type"] in self.zones for z in doc["zones"])

    def entity_tuples(self, doc: dict[str, Any], items: Iterable[Mapping[str, Any]], side: str = "pred") -> list[tuple[int, int, str]]:
        if self.mapping is None and self.keep_labels is None and self.zones is None:
            return raw_tuples(items)
        out = []
        for m in items:
            lab = self.map_label(m["label"], side)
            if lab is None or (self.keep_labels is not None and lab not in self.keep_labels):
                continue
            if self.in_zones(doc, m["start"]):
                out.append((m["start"], m["end"], lab))
        return out


def make_setup(gold: Any = None, label_map: Any = None, labels: Iterable[str] | None = None, zones: Iterable[str] | None = None,
               overlap: float = 0.5, *, singletons: bool = True,
               coref_match: str = "exact") -> Setup:
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    if coref_match not in ("exact", "partial"):
        raise InputError(f"--coref-match must be exact or partial, got {coref_match!r}")
    mapping = load_label_map(label_map) if isinstance(label_map, (str, Path)) else label_map
    if mapping is None or not set(ENTITY_LABELS) <= set(mapping["map"]):
        inventory = list(ENTITY_LABELS)
        if mapping is not None:
            bad = sorted({v for v in mapping["map"].values() if v} - set(ENTITY_LABELS))
            if bad:
                raise InputError(f"label map {mapping.get('name', '')!r} maps predictions to {', '.join(bad)}, which are not gold labels; "
                                 "a map that does not cover every gold label must map to OntoNotes labels")
    else:
        inventory = sorted({v for v in mapping["map"].values() if v} | set(mapping.get("target_labels", [])))
    if labels:
        unknown = sorted(set(labels) - set(inventory))
        if unknown:
            raise InputError(f"--labels: unknown label(s) {', '.join(unknown)}; the inventory is {', '.join(inventory)}")
    if zones:
        unknown = sorted(set(zones) - set(ZONE_TYPES))
        if unknown:
            raise InputError(f"--zones: unknown zone type(s) {', '.join(unknown)}; zone types are {', '.join(ZONE_TYPES)}")
    if not 0 < overlap <= 1:
        raise InputError(f"--overlap must be in (0, 1], got {overlap}")
    name = None
    if mapping is not None:
        name = mapping.get("name") or "custom"
    return Setup(gold, inventory, mapping, set(labels) if labels else None, set(zones) if zones else None, overlap, name,
                 singletons, coref_match)


def accepted_labels(setup: Setup) -> list[str]:
    """Entity labels a predictions file may use under the setup's label map (its source and target labels)."""
    if setup.mapping is None:
        return list(ENTITY_LABELS)
    return sorted(set(setup.mapping["map"]) | set(setup.labels))


def raw_tuples(items: Iterable[Mapping[str, Any]]) -> list[tuple[int, int, str]]:
    """(start, end, label) of entity spans as they are (no label map, label subset or zones)."""
    return [(m["start"], m["end"], m["label"]) for m in items]


DEFAULTS = {"gold": None, "label_map": None, "labels": None, "zones": None, "overlap": 0.5, "singletons": True,
            "coref_match": "exact"}


def refuse_with_setup(fn_name: str, **given: object) -> None:
    """A :class:`Setup` carries every matching setting: the same setting passed beside it is an
    error (it used to be ignored without a word)."""
    clash = [k for k, v in given.items() if v != DEFAULTS[k]]
    if clash:
        raise TypeError(f"{fn_name}(): setup= already fixes {', '.join(clash)}; pass either setup= or "
                        f"{', '.join(clash)}, not both (make_setup(...) builds a setup from them)")
