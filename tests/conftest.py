"""Shared test settings: everything runs offline, nothing is downloaded, nothing is left behind."""
import os
import shutil
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# The trust cache of validated gold files (newsgold.core.trustcache) goes to a fresh folder per
# run, never to the user's ~/.cache. Subprocesses of the CLI and pytest-xdist's workers inherit
# the variable, so only the process that made the folder (the first to load this file) removes it,
# when the run ends.
_CACHE_MADE_HERE = None
if "NEWSGOLD_CACHE_DIR" not in os.environ:
    _CACHE_MADE_HERE = tempfile.mkdtemp(prefix="newsgold-test-cache-")
    os.environ["NEWSGOLD_CACHE_DIR"] = _CACHE_MADE_HERE


def pytest_unconfigure(config):
    if _CACHE_MADE_HERE:
        shutil.rmtree(_CACHE_MADE_HERE, ignore_errors=True)
