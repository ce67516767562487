"""A gold file validated once is trusted by the sha256 of its bytes (newsgold.core.trustcache):
the second load skips the checks and gives the same gold; changed bytes are checked again."""
import json
import shutil
from pathlib import Path

import pytest

from newsgold.core import trustcache
from newsgold.core.diagnostics import InputError
from newsgold.gold import load as L
from newsgold.gold import read as G

ROOT = Path(__file__).resolve().parents[1]
BUILT = ROOT / "data" / "documents" / "test.jsonl"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def checks(monkeypatch):
    """Counts the schema checks of gold records (one per record when the file is validated): the
    typed one-pass check, and the full schema for a record that check leaves to it."""
    calls = []
    real_schema, real_typed = G.schema_problems, G.checked_record

    def counting(*a, **k):
        calls.append(a[0])
        return real_schema(*a, **k)

    def typed(raw):
        got = real_typed(raw)
        if got is not None:
            calls.append("gold")
        return got
    monkeypatch.setattr(G, "schema_problems", counting)
    monkeypatch.setattr(G, "checked_record", typed)
    return calls


def snapshot(g):
    return (g.content_hash, g.version, list(g.docs), [g.docs[i] for i in g.docs], [g.text(i) for i in g.docs],
            {k: list(v) for k, v in g.docs.spans.items()}, g.docs.vocab)


def test_second_load_is_trusted_and_identical(tmp_path, cache, checks):
    f = tmp_path / "gold.jsonl"
    shutil.copy(BUILT, f)
    first = L.load_gold(f)
    n = len(checks)
    assert n == len(first.docs) > 0
    assert list(cache.rglob("*.json")), "a validated file leaves an entry"
    second = L.load_gold(f)
    assert len(checks) == n, "the unchanged file is not checked again"
    assert snapshot(second) == snapshot(first)


def test_content_hash_is_the_canonical_one(cache):
    # peer computation: the shipped annotation folder joined with the seeds gives the same records
    assert L.load_gold(BUILT).content_hash == L.load_gold(BUILT).content_hash == L.load_gold().content_hash


def test_changed_bytes_are_validated_again(tmp_path, cache, checks):
    f = tmp_path / "gold.jsonl"
    shutil.copy(BUILT, f)
    L.load_gold(f)
    lines = f.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[0])
    m = rec["entities"]["mentions"][0]
    m["text"] = m["text"] + "x"          # now wrong: the span text must equal the slice
    lines[0] = json.dumps(rec, ensure_ascii=False)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        L.load_gold(f)
    assert "span-text" in str(exc.value)


def test_entry_from_other_checking_code_is_ignored(tmp_path, cache, checks, monkeypatch):
    f = tmp_path / "gold.jsonl"
    shutil.copy(BUILT, f)
    L.load_gold(f)
    n = len(checks)
    monkeypatch.setattr(trustcache, "validator_fingerprint", lambda: "0" * 64)
    L.load_gold(f)
    assert len(checks) == 2 * n


def test_cache_off_writes_nothing(tmp_path, monkeypatch, checks):
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    n = len(L.load_gold(BUILT).docs)
    L.load_gold(BUILT)
    assert len(checks) == 2 * n, "without a cache every load validates"
    assert not (tmp_path / "xdg").exists()


def test_default_cache_is_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSGOLD_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert trustcache.cache_dir() == tmp_path / "xdg" / "newsgold"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert trustcache.cache_dir() == Path.home() / ".cache" / "newsgold"


def _gold_with_a_blocked_cache(tmp_path, monkeypatch) -> Path:
    """A copy of the built gold, with NEWSGOLD_CACHE_DIR under a regular file: a cache folder that
    cannot be created, whoever runs the test (root included)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", str(blocker / "cache"))
    f = tmp_path / "data" / "gold.jsonl"
    f.parent.mkdir()
    shutil.copy(BUILT, f)
    return f


def test_nothing_writable_validates_each_time_with_a_note(tmp_path, monkeypatch, checks, capsys):
    """Neither folder can be created (a regular file stands in each one's way, whoever runs the test)."""
    f = _gold_with_a_blocked_cache(tmp_path, monkeypatch)
    (f.parent / trustcache.BESIDE).write_text("x")
    L.load_gold(f)
    assert "validated again on every run" in capsys.readouterr().err
    n = len(checks)
    L.load_gold(f)
    assert len(checks) == 2 * n > 0


def test_fallback_folder_is_used_when_the_cache_folder_cannot_be_created(tmp_path, monkeypatch, checks, capsys):
    """A cache path under a regular file cannot be created, whoever runs the test (root included)."""
    f = _gold_with_a_blocked_cache(tmp_path, monkeypatch)
    first = L.load_gold(f)
    assert "cannot be written" in capsys.readouterr().err
    n = len(checks)
    assert snapshot(L.load_gold(f)) == snapshot(first) and len(checks) == n


def test_annotation_folder_schema_trusted_after_one_clean_load(cache, monkeypatch, tmp_path):
    """The shipped annotation folder: the second load skips the schema checks of the manifest and
    the annotation files (same gold); a folder with a file changed since is schema-checked again,
and the change refused."""
    from newsgold.gold import manifest as M
    calls = []
    for module in (G, M):
        real = module.schema_problems
        monkeypatch.setattr(module, "schema_problems", lambda *a, _real=real, **k: calls.append(a[0]) or _real(*a, **k))
    first = L.load_gold()
    n_files = len(calls)
    assert n_files >= 2 and "manifest" in calls        # the manifest and every annotation file checked once
    assert list((cache / "validated").glob("schema-*.json"))
    calls.clear()
    second = L.load_gold()
    assert calls == [] and second.content_hash == first.content_hash
    folder = tmp_path / "gold"
    shutil.copytree(L.current().gold_dir, folder)
    changed = sorted(folder.glob("*.json"))[0]
    rec = json.loads(changed.read_text(encoding="utf-8"))
    rec["not_in_the_schema"] = 1       # the schema allows no other top-level key
    changed.write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="not_in_the_schema"):
        L.load_gold(folder)
    assert calls.count("annotation") == n_files - 1     # another set of texts: every file is checked again


def test_trusted_records_are_read_from_the_file_on_demand(tmp_path, cache):
    # issue 25 (memory): a trusted gold holds where each line is, not its bytes; the records read
    # back are the validated ones
    f = tmp_path / "gold.jsonl"
    shutil.copy(BUILT, f)
    first = L.load_gold(f)
    second = L.load_gold(f)
    assert type(second.docs).__name__ == "FileRecords" and type(first.docs).__name__ != "FileRecords"
    assert snapshot(second) == snapshot(first)
    assert [second.docs.raw(i) for i in second.docs] == [first.docs.raw(i) for i in first.docs]


def test_a_trusted_file_replaced_by_rename_still_reads_what_was_loaded(tmp_path, cache):
    f = tmp_path / "gold.jsonl"
    shutil.copy(BUILT, f)
    L.load_gold(f)
    gold = L.load_gold(f)
    expected = [json.loads(line) for line in BUILT.read_text(encoding="utf-8").splitlines() if line.strip()]
    other = tmp_path / "other.jsonl"
    other.write_text("{}\n", encoding="utf-8")
    other.replace(f)                      # an atomic write of a new file: the open descriptor keeps the old one
    assert [gold.docs[i] for i in gold.docs] == sorted(expected, key=lambda r: r["id"])


def test_a_trusted_file_changed_in_place_is_an_error_not_another_record(tmp_path, cache):
    f = tmp_path / "gold.jsonl"
    shutil.copy(BUILT, f)
    L.load_gold(f)
    gold = L.load_gold(f)
    first = next(iter(gold.docs))
    with open(f, "r+b") as fh:           # same size, other bytes, written in place
        data = fh.read()
        fh.seek(0)
        fh.write(data.replace(b'"text"', b'"TEXT"', 1))
    with pytest.raises(InputError, match="changed while it was being scored"):
        gold.docs[first]


def test_trusted_lines_give_each_record_with_the_offset_of_its_line():
    import hashlib
    import io

    from newsgold.gold.trusted import trusted_lines
    lines = BUILT.read_bytes().splitlines(keepends=True)
    data = b"\n".join(lines) + b"\n \n"          # blank lines between and after the records
    h = hashlib.sha256()
    got = list(trusted_lines(io.BytesIO(data), h))
    assert h.hexdigest() == hashlib.sha256(data).hexdigest()       # every byte hashed, blank lines too
    assert [data[p:p + len(line)] for p, line, _ in got] == lines
    assert [r.id for _, _, r in got] == [json.loads(line)["id"] for line in lines]


def test_trusted_lines_refuse_a_line_longer_than_a_record_without_holding_it(monkeypatch):
    import hashlib
    import io

    from newsgold.gold import trusted
    monkeypatch.setattr(trusted, "MAX_RECORD_BYTES", 100)
    monkeypatch.setattr(trusted, "BATCH_BYTES", 16)
    read = []

    class Endless(io.RawIOBase):
        def readinto(self, view):
            read.append(len(view))
            view[:] = b"x" * len(view)
            return len(view)
    with pytest.raises(trusted.NotTrusted):
        list(trusted.trusted_lines(Endless(), hashlib.sha256()))
    assert sum(read) <= 100 + 2 * 16                 # stopped soon after a record's size, not at the end of the input


def _spans_of(g):
    return {k: list(v) for k, v in g.docs.spans.items()}, list(g.docs.vocab)


@pytest.mark.parametrize("damage", ["none", "bin-byte", "meta-ids", "meta-vocab", "missing"])
def test_spans_kept_at_validation_are_used_only_when_sound(tmp_path, cache, damage, monkeypatch):
    # issue 25: a trusted gold's spans come from the span cache (gold/spancache.py); a damaged entry is never used
    from newsgold.gold import spancache
    f = tmp_path / "gold.jsonl"
    shutil.copy(BUILT, f)
    first = L.load_gold(f)                               # validated: the spans are kept
    meta, binf = sorted((cache / "spans").glob("*.json")), sorted((cache / "spans").glob("*.bin"))
    assert len(meta) == len(binf) == 1
    if damage == "bin-byte":
        data = bytearray(binf[0].read_bytes())
        data[3] ^= 1
        binf[0].write_bytes(bytes(data))
    elif damage in ("meta-ids", "meta-vocab"):
        m = json.loads(meta[0].read_text(encoding="utf-8"))
        m["ids"] = m["ids"][::-1][:1] + ["other"] * (len(m["ids"]) - 1) if damage == "meta-ids" else m["vocab"][:1]
        meta[0].write_text(json.dumps(m), encoding="utf-8")
    elif damage == "missing":
        binf[0].unlink()
    used = []
    real = spancache.load
    monkeypatch.setattr(spancache, "load", lambda key: used.append(real(key)) or used[-1])
    second = L.load_gold(f)
    # an entry for other documents is read but refused against the documents of the file (then decoded)
    assert (used[0] is not None) == (damage in ("none", "meta-ids"))
    assert _spans_of(second) == _spans_of(first) and snapshot(second) == snapshot(first)
