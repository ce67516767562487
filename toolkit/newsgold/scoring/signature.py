"""The reproducibility signature: how a number was computed, compact and parseable.

Two scores are comparable only when their signatures are equal. Format, as in
sacreBLEU: ``key:value`` fields joined by ``|``, in a fixed order, e.g.::

    newsgold:0.1.0|data:newsgold-1.0.0+443f5e29a1b2|task:entities|match:optimal-1to1|scheme:strict,exact,partial,type|
    overlap:char-jaccard>=0.5|labelmap:none|labels:all|zones:all|ci:bootstrap-docs-1000-95|seed:12345

``data`` names the gold actually used: ``newsgold-<version>+<hash>`` for NewsGold's own
(a clone, the packaged release, a Hub export, its documents file) and ``custom+<hash>``
for any other gold (:data:`CUSTOM_DATA`); the hash is the first 12 hex digits of the
content hash. ``labelmap`` is ``<name>+<hash12>``, the hash of the map's content
(:func:`label_map_field`), so two different maps with one name never share a signature.
An optional last field ``strings:<rule>`` says that string-only predictions were aligned to
the text by that rule (:data:`newsgold.formats.strings.RULE`); it is absent otherwise.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from newsgold.gold.releases import CUSTOM as CUSTOM_DATA  # the data version of a foreign gold

FIELDS = ("newsgold", "data", "task", "match", "scheme", "overlap", "labelmap", "labels", "zones", "ci", "seed")
OPTIONAL = ("strings",)   # present only when it applies


def make(*, version: str, data_version: str, data_hash: str, task: str, overlap: float, label_map: str | None,
         labels: list[str] | None, zones: list[str] | None, resamples: int, seed: int, ci: str | None = None,
         match: str = "optimal-1to1", scheme: str = "strict,exact,partial,type", overlap_text: str | None = None,
         strings: str | None = None) -> str:
    """The signature; ``ci`` overrides the resampling field with what was actually done (e.g.
    ``none-2docs<6`` when too few documents, or the tests of ``compare``); ``match``, ``scheme``
    and ``overlap_text`` are for tasks that compare otherwise than spans (coreference)."""
    values = {
        "newsgold": version,
        "data": data_field(data_version, data_hash),
        "task": task,
        "match": match,
        "scheme": scheme,
        "overlap": overlap_text if overlap_text is not None else f"char-jaccard>={overlap:g}",
        "labelmap": label_map or "none",
        "labels": ",".join(sorted(labels)) if labels else "all",
        "zones": ",".join(sorted(zones)) if zones else "all",
        "ci": ci if ci is not None else (f"bootstrap-docs-{resamples}-95" if resamples > 0 else "none"),
        "seed": str(seed),
    }
    if strings:
        values["strings"] = strings
    return "|".join(f"{k}:{values[k]}" for k in (*FIELDS, *OPTIONAL) if k in values)


def label_map_field(mapping: Mapping[str, Any]) -> str:
    """``<name>+<hash12>``: the map's name and the SHA-256 of what it does (its ``map`` and
    ``target_labels``, canonical JSON), so the signature tells two maps of one name apart."""
    content = {"map": mapping.get("map"), "target_labels": mapping.get("target_labels")}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"{mapping.get('name') or 'custom'}+{digest[:12]}"


def data_field(data_version: str, data_hash: str) -> str:
    """``newsgold-<version>+<hash12>``, or ``custom+<hash12>`` for a foreign gold."""
    name = CUSTOM_DATA if data_version == CUSTOM_DATA else f"newsgold-{data_version}"
    return f"{name}+{data_hash[:12]}"


def parse(signature: str) -> dict[str, str]:
    """The fields of a signature; raises ValueError on a malformed one."""
    out = {}
    for part in signature.strip().split("|"):
        key, sep, value = part.partition(":")
        if not sep or key not in (*FIELDS, *OPTIONAL):
            raise ValueError(f"not a newsgold signature field: {part!r}")
        out[key] = value
    missing = [k for k in FIELDS if k not in out]
    if missing:
        raise ValueError(f"signature lacks {', '.join(missing)}")
    return out
