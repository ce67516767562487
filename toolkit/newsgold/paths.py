"""Where the shipped dataset lives: the repository the package was installed from.

``NEWSGOLD_HOME`` overrides it (for a copy of the data elsewhere, or in tests).
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("NEWSGOLD_HOME") or Path(__file__).resolve().parents[2])
SCHEMA_DIR = ROOT / "schema"
SEEDS_DIR = ROOT / "seeds"
MANIFEST = SEEDS_DIR / "manifest.json"
ANNOTATIONS_DIR = ROOT / "annotations"
GOLD_DIR = ANNOTATIONS_DIR / "gold"
PASSES_DIR = ANNOTATIONS_DIR / "passes"
DATA_DIR = ROOT / "data"
LABEL_MAPS_DIR = SCHEMA_DIR / "label_maps"
VERSION_FILE = ROOT / "VERSION"
