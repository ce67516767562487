"""One meaning per flag: -o/--out, --out-dir, --from, --format, --doc-map; help for every option with
its default; invalid numbers are usage errors (exit 2); old spellings still work and say so;
``--errors`` stays in the format asked for; docstrings name modules that exist."""
from __future__ import annotations

import argparse
import csv
import importlib
import io
import re
from pathlib import Path

import pytest

from newsgold import cli

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "submissions" / "rules" / "predictions.jsonl"


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _options(p: argparse.ArgumentParser):
    return [a for a in p._actions if a.option_strings and not isinstance(a, argparse._HelpAction)
            and a.help is not argparse.SUPPRESS]


def test_every_option_has_help_and_states_its_default():
    missing = []
    for name, p in _subparsers().items():
        for a in _options(p):
            text = a.help or ""
            flag = isinstance(a, (argparse._StoreTrueAction, argparse._StoreConstAction))
            if not text or not (flag or "default" in text or "required" in text or a.required):
                missing.append(f"{name} {'/'.join(a.option_strings)}: {text!r}")
    assert missing == []


def test_each_flag_has_one_meaning_across_commands():
    meanings: dict[str, set[str]] = {}
    for _, p in _subparsers().items():
        for a in _options(p):
            for flag in a.option_strings:
                if flag in ("-o", "--out"):
                    meanings.setdefault(flag, set()).add(re.sub(r"write .*? to this file", "write X to this file", a.help or ""))
                if flag == "--from":
                    meanings.setdefault(flag, set()).add("format" if "format of" in (a.help or "") else a.help or "")
                if flag == "--doc-map":
                    meanings.setdefault(flag, set()).add(a.help or "")
    assert meanings["--from"] == {"format"}
    assert len(meanings["--doc-map"]) == 1
    assert all(m.startswith("write X to this file, atomically") for m in meanings["-o"] | meanings["--out"]), meanings
    outs = {name for name, p in _subparsers().items() for a in _options(p) if "-o" in a.option_strings}
    assert {"score", "compare", "agree", "stats", "report", "convert", "baseline", "run"} <= outs
    formats = {tuple(a.choices) for _, p in _subparsers().items() for a in _options(p) if "--format" in a.option_strings}
    assert all(set(f) <= {"table", "json", "csv", "markdown"} for f in formats), formats


def test_help_states_exit_codes_and_debug(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for code in ("0 ok", "1 problems", "2 usage", "3 internal"):
        assert code in " ".join(out.split()), code
    assert "NEWSGOLD_DEBUG" in out


def test_compare_from_help_does_not_repeat_itself():
    (a,) = [a for a in _options(_subparsers()["compare"]) if "--from" in a.option_strings]
    assert a.help.startswith("format of both predictions files: newsgold (default); ")
    assert a.help.count("format of") == 1 and "input format" not in a.help


@pytest.mark.parametrize("argv", [
    ["score", "p.jsonl", "--resamples", "-5"], ["score", "p.jsonl", "--seed", "-1"], ["score", "p.jsonl", "--jobs", "-3"],
    ["score", "p.jsonl", "--overlap", "0"], ["agree", "a", "b", "--overlap", "nan"], ["agree", "a", "b", "--overlap", "5"],
    ["run", "rules", "-o", "x.jsonl", "--timeout", "nan"], ["run", "rules", "-o", "x.jsonl", "--timeout", "-1"],
    ["run", "rules", "-o", "x.jsonl", "--threshold", "2"], ["compare", "a", "b", "--resamples", "ten"],
])
def test_invalid_numbers_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert "error: argument" in capsys.readouterr().err


@pytest.mark.parametrize("argv, dest, value, new", [
    (["report", "p.jsonl", "--html", "r.html"], "out", "r.html", "-o/--out"),
    (["tasks", "d1", "--to", "brat", "-o", "dir"], "out_dir", "dir", "--out-dir"),
    (["import", "f.json", "--from", "brat", "--out", "dir", "--annotator", "x"], "out_dir", "dir", "--out-dir"),
    (["run", "cmd:x", "-o", "x.jsonl", "--from", "strings"], "from_format", "strings", "--cmd-format"),
    (["validate", "--format", "text"], "format", "table", "--format table"),
])
def test_old_spellings_still_work_and_say_so(argv, dest, value, new, capsys):
    args = cli.build_parser().parse_args(argv)
    assert getattr(args, dest) == value
    err = capsys.readouterr().err
    assert "deprecated" in err and new in err and "0.4.0" in err


def test_new_spellings_are_silent(capsys):
    args = cli.build_parser().parse_args(["tasks", "d1", "--to", "brat", "--out-dir", "dir"])
    assert args.out_dir == "dir" and capsys.readouterr().err == ""
    assert cli.build_parser().parse_args(["run", "cmd:x", "-o", "x"]).from_format == "newsgold"


def test_missing_output_is_a_usage_error(capsys):
    assert cli.main(["report", str(RULES)]) == 2
    assert cli.main(["tasks", "d1", "--to", "brat"]) == 2
    assert "--out-dir" in capsys.readouterr().err


@pytest.mark.skipif(not RULES.is_file(), reason="needs submissions/rules/predictions.jsonl")
def test_errors_stay_in_the_requested_format(capsys):
    assert cli.main(["score", str(RULES), "--task", "entities", "--errors", "--format", "csv", "--resamples", "0"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len({len(r) for r in rows}) == 1 and rows[0][:3] == ["signature", "task", "figure"]
    figure_rows = [r for r in rows[1:] if r[2]]
    error_rows = [r for r in rows[1:] if not r[2]]
    assert figure_rows and error_rows and all(r[rows[0].index("kind")] for r in error_rows)
    assert cli.main(["score", str(RULES), "--task", "entities", "--errors", "--format", "markdown", "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    tables = [line for line in out.splitlines() if line.startswith("|")]
    assert any(line.startswith("| task") and "| context" in line for line in tables)      # the error table is Markdown too
    assert not any(line.startswith("task ") for line in out.splitlines())


def test_docstrings_and_docs_name_modules_that_exist():
    bad = []
    paths = list((ROOT / "toolkit" / "newsgold").rglob("*.py")) + [ROOT / n for n in ("README.md", "CONTRIBUTING.md", "DATASHEET.md")]
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for ref in re.findall(r"(?<![\w/.])newsgold(?:\.[A-Za-z_]\w*)+", line):
                if ".github." in ref or not _resolves(ref):
                    bad.append(f"{path.relative_to(ROOT)}:{n}: {ref}")
    assert [b for b in bad if "newsgold.github.io" not in b] == []


def _resolves(ref: str) -> bool:
    parts = ref.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for attr in parts[k:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False
