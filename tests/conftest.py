"""Shared test settings: everything runs offline, nothing is downloaded."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# the trust cache of validated gold files (newsgold.core.trustcache) goes to a fresh folder per
# run, never to the user's ~/.cache; subprocesses of the CLI inherit it
import tempfile

os.environ.setdefault("NEWSGOLD_CACHE_DIR", tempfile.mkdtemp(prefix="newsgold-test-cache-"))
