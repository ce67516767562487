"""The ``newsgold`` command. Thin: parse arguments, call the core, print, set the exit code.

Exit codes: 0 success, 1 the input has problems (or a check failed), 2 usage error (including an
invalid number), 3 internal error (a bug in newsgold; ``NEWSGOLD_DEBUG=1`` shows the traceback).
Heavy libraries are imported inside the commands that need them.

One meaning per flag across the commands (the old spellings still work until 0.4.0, with a
deprecation message on standard error):

* ``-o/--out FILE``: the file the command writes its result to (default: standard output, where
  the result is text); ``--out-dir DIR``: the folder of a command that writes one file per document;
* ``--from FORMAT``: the format of the input file(s) (:mod:`newsgold.formats.registry`);
* ``--format``: the format of what is printed (``table``, ``json``, ``csv``, ``markdown``);
* ``--doc-map``: client document id -> NewsGold document id.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from types import ModuleType

from newsgold.core.diagnostics import InputError
from newsgold.core.version import __version__
from newsgold.scoring.tasks import task_names

COMMANDS = {
    "validate": "check gold, annotation, manifest and predictions files against the schema and the rules",
    "score": "score an extractor's predictions against the gold, with confidence intervals and a signature",
    "compare": "test whether two systems differ: paired bootstrap and approximate randomization",
    "agree": "measure agreement between two annotation passes (never against the gold) and list every disagreement",
    "stats": "count documents, mentions, labels, zones, quotes and stance items",
    "build": "generate the Hugging Face data files in data/ from seeds/ and annotations/",
    "export": "write Parquet files, a Hub-ready folder or Croissant metadata",
    "baseline": "deprecated (until 0.4.0): use 'newsgold run rules -o FILE', which writes the same predictions",
    "convert": "turn another tool's output (spaCy, transformers, CoNLL, brat, Label Studio, doccano, ...) into predictions",
    "report": "write a self-contained HTML error report of a system against the gold",
    "add-source": "register a new source text in seeds/ and propose its documents and zones",
    "tasks": "write pre-annotation tasks for Label Studio, brat or doccano",
    "annotate": "annotation protocol: 'annotate packet DOC_ID --out-dir DIR' writes exactly what an annotator receives",
    "import": "turn a Label Studio, brat or doccano export into an annotation file, checked against the text",
    "check": "release gate: everything a release needs, with the command that fixes each failure",
    "run": "run an installed extractor on the documents, write its predictions with provenance, and score them",
    "leaderboard": "regenerate the README leaderboard from submissions/ (or --check it)",
    "release": "bump VERSION, write the CHANGELOG skeleton section and record the release in releases.json",
    "datasheet": "regenerate the generated figures in DATASHEET.md and README.md (composition, agreement, leaderboard)",
}


EXIT_CODES = ("Exit codes: 0 ok; 1 problems in the input (each printed with file, line and field) or a check failed; "
              "2 usage error (unknown option, invalid value); 3 internal error, a bug in newsgold "
              "(set NEWSGOLD_DEBUG=1 for the traceback).")
REMOVED_IN = "0.4.0"


def _deprecated(old: str, new: str) -> None:
    sys.stderr.write(f"newsgold: {old} is deprecated and stops working in {REMOVED_IN}; use {new}\n")


class _Deprecated(argparse.Action):
    """An old spelling of an option: stores into the new option's ``dest`` and says so on stderr."""

    def __init__(self, option_strings, dest, new: str = "", **kwargs):
        super().__init__(option_strings, dest, help=argparse.SUPPRESS, **kwargs)
        self.new = new

    def __call__(self, parser, namespace, values, option_string=None):
        _deprecated(str(option_string), self.new)
        setattr(namespace, self.dest, values)


def _number(kind: type, what: str, ok, text: str):
    """An argparse type: ``kind`` (int or float) for which ``ok(value)`` holds; else a usage error (exit 2)."""
    def parse(raw: str):
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}: {raw!r} is not {'an integer' if kind is int else 'a number'}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"{what}: {raw} is not {text}")
        return value
    return parse


COUNT = _number(int, "count", lambda v: v >= 0, "0 or more")
FRACTION = _number(float, "fraction", lambda v: 0 < v <= 1, "in (0, 1]")
SCORE = _number(float, "score", lambda v: 0 <= v <= 1, "in [0, 1]")
SECONDS = _number(float, "seconds", lambda v: 0 < v < float("inf"), "a positive number of seconds")


def _out(text: str, out_path: str | None, force: bool = False) -> None:
    if out_path:
        from newsgold.core.storage import write_output
        write_output(out_path, text if text.endswith("\n") else text + "\n", force=force)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _print_problems(problems, fmt: str = "text", stream=None) -> None:
    """Problems, at most :data:`~newsgold.core.diagnostics.PER_RULE` per file and rule (then a count of the rest)."""
    from newsgold.core.diagnostics import cap_per_rule
    stream = stream or sys.stderr
    problems = cap_per_rule(problems)
    if fmt == "json":
        stream.write(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2) + "\n")
    else:
        for p in problems:
            stream.write(str(p) + "\n")


# ---------------------------------------------------------------- commands

def cmd_validate(args) -> int:
    from newsgold.release.validate import summary, validate
    loaded: dict = {}
    problems = validate(args.paths, args.gold, args.label_map, loaded)
    errors, warnings = summary(problems)
    if args.format == "json":
        _print_problems(problems, "json", sys.stdout)
    else:
        _print_problems(problems, "text", sys.stdout)
        targets = ", ".join(args.paths) if args.paths else (f"the gold {args.gold}" if args.gold else "the shipped dataset")
        if not errors and not args.paths:
            print(f"gold: {_gold_status(args.gold)}")
        elif not errors and args.gold:   # predictions checked against a given gold: say which, off the report
            sys.stderr.write(f"gold: {_gold_status(loaded.get('gold') or args.gold)}\n")
        print(f"{'OK' if not errors else 'FAILED'}: {targets}: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def _usage(args, message: str) -> int:
    """A usage error found after parsing: said on stderr, exit 2 (as argparse does)."""
    sys.stderr.write(f"newsgold {args.command}: error: {message}\n")
    return 2


def _gold_status(gold) -> str:
    """Which gold is in use: version, content hash, and whether it is a released one."""
    from newsgold.gold.load import Gold, load_gold
    from newsgold.gold.releases import status
    g = gold if isinstance(gold, Gold) else load_gold(gold)
    return status(g.version, g.content_hash)


def _setup_kwargs(args) -> dict:
    """The settings that make a scoring setup (``make_setup``): gold, label map, labels, zones, overlap."""
    return dict(gold=args.gold, label_map=args.label_map,
                labels=args.labels.split(",") if args.labels else None,
                zones=args.zones.split(",") if args.zones else None, overlap=args.overlap,
                singletons=getattr(args, "singletons", "include") == "include",
                coref_match=getattr(args, "coref_match", "exact"))


def _score_kwargs(args) -> dict:
    return dict(_setup_kwargs(args), task=args.task, resamples=args.resamples, seed=args.seed)


def _predictions_arg(args, path):
    """A predictions path, or converted records when --from names another tool's format."""
    fmt = getattr(args, "from_format", None)
    if not fmt or fmt == "newsgold":
        return path
    from newsgold.formats.registry import coref_names
    from newsgold.gold.load import load_gold
    if fmt in coref_names():
        from newsgold.formats.coref_input import read_records
        records, problems = read_records(fmt, path, load_gold(args.gold))
    else:
        from newsgold.formats.to_predictions import convert
        records, problems = convert(fmt, path, load_gold(args.gold), label_map=args.label_map,
                                    doc_map=getattr(args, "doc_map", None))
    _print_problems([p for p in problems if p.severity != "error"])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return records


def _coref_format(args) -> str | None:
    """The coreference input format of --from (None for another format); a usage error when it is
    given with a task other than coref (or all)."""
    fmt = getattr(args, "from_format", None)
    if not fmt or fmt == "newsgold":     # no format registry (nor its readers) on the start-up of a plain score
        return None
    from newsgold.formats.registry import coref_names
    if fmt not in coref_names():
        return None
    from newsgold.scoring.tasks import REGISTRY
    if args.task in REGISTRY and REGISTRY[args.task].layer != "coref":
        raise SystemExit(_usage(args, f"--from {fmt} gives coreference clusters: use it with --task coref "
                                      f"(got --task {args.task})"))
    return fmt


def _conll_key(args) -> bool:
    """Whether --gold is a CoNLL-2012 key file (scored as scorer.pl does, see formats/coref_input.py).

    Only the file's first line is read, by a light module: the coreference scorer (and numpy
    with it) is imported when G is such a file, not for every ``score --gold G``."""
    if not args.gold:
        return False
    from newsgold.formats.coref_common import is_conll_file  # light: not the coreference scorer
    return is_conll_file(args.gold)


def _coref_score(args, path: str, fmt: str | None, resamples: int):
    """A coreference score against a CoNLL-2012 key given as --gold (predictions must be CoNLL-2012 too)."""
    from newsgold.formats import coref_input
    from newsgold.scoring.coref_task import CorefOptions
    if fmt != "conll-2012":
        raise SystemExit(_usage(args, f"a CoNLL-2012 key (--gold {args.gold}) is scored against CoNLL-2012 "
                                      f"predictions (--from conll-2012), not {fmt or 'newsgold'}"))
    options = CorefOptions(singletons=args.singletons == "include", match=args.coref_match)
    return coref_input.score_conll_files(args.gold, path, options, resamples, args.seed)


def cmd_score_coref(args, fmt: str | None) -> int:
    from newsgold.reporting.coref import render
    result = _coref_score(args, args.predictions, fmt, args.resamples)
    sys.stderr.write(f"coref: {result.options.describe()}\n")
    _print_problems(result.warnings)
    _out(render(result, "text" if args.format == "table" else args.format), args.out, args.force)
    return 0


def cmd_score(args) -> int:
    fmt = _coref_format(args)
    if _conll_key(args):
        return cmd_score_coref(args, fmt)
    from newsgold.reporting.text import render_score, render_score_with_errors
    from newsgold.scoring.api import make_setup, score
    setup = make_setup(**_setup_kwargs(args))
    sys.stderr.write(f"gold: {_gold_status(setup.gold)}\n")
    result = score(_predictions_arg(args, args.predictions), errors=args.errors, setup=setup, jobs=args.jobs or None,
                   progress=not args.quiet, task=args.task, resamples=args.resamples, seed=args.seed)
    _print_problems(result.warnings)
    _out(render_score_with_errors(result, args.format) if args.errors else render_score(result, args.format), args.out, args.force)
    return 0


def cmd_compare_coref(args, fmt: str | None) -> int:
    from newsgold.reporting.coref import render_compare
    from newsgold.scoring.coref_task import compare
    a, b = (_coref_score(args, path, fmt, 0) for path in (args.a, args.b))
    _print_problems(a.warnings + b.warnings)
    tests = compare(a, b, args.resamples, args.seed)
    _out(render_compare(a, b, tests, "text" if args.format == "table" else args.format, args.resamples), args.out, args.force)
    return 0


def cmd_compare(args) -> int:
    fmt = _coref_format(args)
    if _conll_key(args):
        return cmd_compare_coref(args, fmt)
    from newsgold.reporting.text import render_compare
    from newsgold.scoring.api import compare
    res = compare(_predictions_arg(args, args.a), _predictions_arg(args, args.b), **_score_kwargs(args))
    _print_problems(res.warnings)
    _out(render_compare(res, args.format), args.out, args.force)
    return 0


def cmd_agree(args) -> int:
    from newsgold.annotation.agree import GoldNotAPass, agree
    from newsgold.reporting.text import render_agreement
    try:
        res = agree(args.a, args.b, overlap=args.overlap)
    except GoldNotAPass as exc:
        sys.stderr.write(f"newsgold agree: {exc}\n")
        return 2
    _out(render_agreement(res, args.format), args.out, args.force)
    return 0


def cmd_stats(args) -> int:
    from newsgold.gold.load import load_gold
    from newsgold.release.stats import corpus_stats, render_stats
    gold = load_gold(args.gold)
    _out(render_stats(corpus_stats(gold), args.format), args.out, args.force)
    return 0


def cmd_build(args) -> int:
    from newsgold.release.build import build, gold_at, ner_alignment
    gold = gold_at()
    changed = build(check=args.check, gold=gold)
    misaligned = ner_alignment(gold)
    for m in misaligned:
        sys.stderr.write(f"ner: mention not on token boundaries: {m.line()}\n")
    sys.stderr.write(f"ner: {len(misaligned)} gold mention(s) not on token boundaries (listed in DATASHEET.md)\n")
    if args.check:
        if changed:
            print("stale: " + ", ".join(changed) + " (run: newsgold build)")
            return 1
        print("data files are current")
        return 0
    print("wrote " + (", ".join(changed) if changed else "nothing (already current)"))
    return 0


def cmd_export(args) -> int:
    from newsgold.release import export
    if not (args.parquet or args.hub or args.croissant):
        raise InputError("nothing to export: give --parquet DIR, --hub DIR and/or --croissant FILE")
    if args.parquet:
        print("wrote " + ", ".join(export.export_parquet(args.parquet)))
    if args.hub:
        print("wrote " + export.export_hub(args.hub, force=args.force))
    if args.croissant:
        print("wrote " + export.export_croissant(args.croissant, force=args.force))
    return 0


def cmd_baseline(args) -> int:
    _deprecated("newsgold baseline", "newsgold run rules -o FILE (the one way to make the rule baseline)")
    from newsgold.core.jsonio import dump_jsonl
    from newsgold.gold.manifest import load_documents
    from newsgold.systems.rules_baseline import predict
    docs = load_documents()
    records = [predict(doc_id, docs[doc_id]["text"]) for doc_id in sorted(docs)]
    if args.out:   # an earlier output of this baseline is regenerated without --force
        from newsgold.core.storage import write_output
        write_output(args.out, dump_jsonl(records), force=args.force, system=records[0]["system"] if records else None)
    else:
        _out(dump_jsonl(records), None)
    if args.out:
        print(f"wrote {args.out}: {len(records)} documents", file=sys.stderr)
    return 0


def cmd_convert(args) -> int:
    from newsgold.core.jsonio import dump_jsonl
    from newsgold.formats.to_predictions import convert
    from newsgold.gold.load import load_gold
    records, problems = convert(args.from_format, args.input, load_gold(args.gold), label_map=args.label_map,
                                doc_id=args.doc_id, doc_map=args.doc_map)
    _print_problems(problems)
    if any(p.severity == "error" for p in problems):
        sys.stderr.write(f"newsgold convert: nothing written: {sum(p.severity == 'error' for p in problems)} error(s)\n")
        return 1
    _out(dump_jsonl(records), args.out, args.force)
    return 0


def cmd_report_coref(args, fmt: str | None) -> int:
    """``report --task coref``: gold and predicted clusters side by side (reporting/coref_html.py)."""
    from newsgold.formats.coref_input import read_response
    from newsgold.gold.load import load_gold
    from newsgold.reporting import coref_html
    from newsgold.scoring.coref_task import CorefOptions, score
    gold = load_gold(args.gold)
    if fmt is None:
        records = _predictions_arg(args, args.predictions)
        from newsgold.scoring.api import load_predictions, make_setup
        preds, problems = load_predictions(records, make_setup(gold))
        response = {d: [[(m["start"], m["end"]) for m in c] for c in preds[d]["coref"]] if d in preds else []
                    for d in gold.ids if d not in preds or preds.has_layer(d, "coref")}
    else:
        response, problems = read_response(fmt, args.predictions, gold)
    # as `score`: a document without a predictions line is scored, everything in it missed
    response = {d: response.get(d, []) for d in gold.ids if d in response or fmt is not None}
    options = CorefOptions(singletons=args.singletons == "include", match=args.coref_match)
    result = score(response, gold, options, args.resamples, args.seed, problems, source=args.predictions)
    _print_problems(result.warnings)
    if not args.out:
        return _usage(args, "give -o/--out FILE.html, the page to write")
    print(f"wrote {coref_html.write(result, response, gold, args.out, os.path.basename(args.predictions), force=args.force)}")
    return 0


def cmd_report(args) -> int:
    from newsgold.scoring.tasks import REGISTRY
    fmt = _coref_format(args)
    if args.task in REGISTRY and REGISTRY[args.task].own_report == "newsgold.reporting.coref_html":
        return cmd_report_coref(args, fmt)
    from newsgold.reporting.html import write_report
    if not args.out:
        return _usage(args, "give -o/--out FILE.html, the page to write")
    path = write_report(_predictions_arg(args, args.predictions), args.out, force=args.force, **_score_kwargs(args))
    print(f"wrote {path}")
    return 0


def cmd_add_source(args) -> int:
    from newsgold.gold.sources import add_source
    meta = _meta_items(args.meta)
    for line in add_source(args.file, meta, write=not args.dry_run):
        print(line)
    return 0


def _meta_items(items) -> dict[str, str]:
    """``--meta KEY=VALUE`` options as a dict (a usage error when one has no ``=``)."""
    meta = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--meta expects KEY=VALUE, got {item!r}")
        meta[key] = value
    return meta


def cmd_tasks(args) -> int:
    from newsgold.annotation.tasks import export_tasks
    if not args.out_dir:
        return _usage(args, "give --out-dir DIR, the folder to write the tasks into")
    for path in export_tasks(args.to, args.docs, args.out_dir, pre_annotate=not args.no_gold):
        print(f"wrote {path}")
    return 0


def cmd_annotate_packet(args) -> int:
    from newsgold.annotation.packet import write_packet
    digest, written = write_packet(args.doc_id, args.out_dir)
    for path in written:
        print(f"wrote {path}")
    print(f"packet {args.doc_id}: sha256 {digest} (record it as annotation.packet_sha256 of the pass)")
    return 0


def _pass_header(args):
    """The pass header of ``newsgold import`` from --packet, --model, --date, --minutes."""
    from newsgold.annotation.packet import PassHeader, read_packet_hash
    packets = dict(read_packet_hash(folder) for folder in args.packet or [])
    return PassHeader(packets=packets, model=args.model, date=args.date, minutes_spent=args.minutes)


def _model_arg(value: str) -> tuple[str, str]:
    name, _, version = value.partition("/")
    if not name.strip() or not version.strip():
        raise argparse.ArgumentTypeError(f"{value!r}: expected NAME/VERSION")
    return name, version


def _date_arg(value: str) -> str:
    import re
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise argparse.ArgumentTypeError(f"{value!r}: expected YYYY-MM-DD")
    return value


def cmd_import(args) -> int:
    if not args.out_dir:
        return _usage(args, "give --out-dir DIR, the folder to write the annotation files into")
    if args.from_tool == "corefud":
        from newsgold.annotation.corefud_import import import_corefud
        for line in import_corefud(args.file, args.out_dir, args.annotator, _meta_items(args.meta), write=not args.dry_run):
            print(line)
        return 0
    if len(args.file) != 1 or args.meta or args.dry_run:
        return _usage(args, f"--from {args.from_tool} takes one export file and no --meta or --dry-run "
                      "(those are for --from corefud)")
    args.file = args.file[0]
    from newsgold.annotation.importing import import_annotations
    written, problems = import_annotations(args.from_tool, args.file, args.out_dir, annotator=args.annotator,
                                           doc_map=args.doc_map, config=args.config, header=_pass_header(args),
                                           force=args.force)
    _print_problems(problems)
    if any(p.severity == "error" for p in problems):
        sys.stderr.write("newsgold import: rejected: nothing written\n")
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_datasheet(args) -> int:
    from newsgold.release.datasheet import refresh
    stale = refresh(check=args.check)
    if args.check:
        print("stale blocks: " + ", ".join(stale) + " (run: newsgold datasheet)" if stale else "DATASHEET.md figures are current")
        return 1 if stale else 0
    print("updated: " + ", ".join(stale) if stale else "DATASHEET.md figures already current")
    return 0


def cmd_check(args) -> int:
    from newsgold.release.gate import run_checks
    results = run_checks()
    for r in results:
        print(f"{'ok  ' if r.ok else 'FAIL'} {r.name}: {r.message}" + ("" if r.ok or not r.fix else f"\n     fix: {r.fix}"))
    failed = sum(not r.ok for r in results)
    print(f"{'release gate passed' if not failed else f'release gate FAILED: {failed} check(s)'}")
    return 1 if failed else 0


def cmd_run(args) -> int:
    from newsgold.reporting.text import render_score
    from newsgold.systems.common import RunOptions
    from newsgold.systems.run import UsageError, parse_system, reproduce_command, run_system, submit, write_predictions
    try:
        parse_system(args.system)
    except UsageError as exc:
        sys.stderr.write(f"newsgold run: {exc}\n")
        return 2
    if not (args.out or args.submit):
        return _usage(args, "give -o PREDICTIONS.jsonl or --submit NAME (submissions/NAME/)")
    opts = RunOptions(aggregation=args.aggregation, threshold=args.threshold, input_format=args.from_format,
                      timeout=args.timeout)
    command = reproduce_command(args.system, args.submit, args.out, opts, args.label_map)
    res = run_system(args.system, args.gold, opts, score_options=_score_kwargs(args), date=args.date, command=command)
    _print_problems(list(res.warnings))
    written = submit(res, args.submit) if args.submit else write_predictions(res, args.out, force=args.force)
    sys.stderr.write("wrote " + ", ".join(str(p) for p in written) + "\n")
    _out(render_score(res.score, args.format), args.score_out, args.force)
    return 0


def cmd_leaderboard(args) -> int:
    from newsgold.core.repository import current
    from newsgold.release.datasheet import refresh
    stale = refresh(path=current().root / "README.md", check=args.check)
    if args.check:
        print("README leaderboard is stale (run: newsgold leaderboard)" if "leaderboard" in stale else "README leaderboard is current")
        return 1 if "leaderboard" in stale else 0
    print("updated the README leaderboard" if "leaderboard" in stale else "README leaderboard already current")
    return 0


def cmd_release(args) -> int:
    import datetime

    from newsgold.release.gate import make_release
    part = "major" if args.major else "minor" if args.minor else "patch" if args.patch else None
    date = args.date or datetime.datetime.now(datetime.UTC).date().isoformat()
    res = make_release(None, part, date, amend=args.amend)
    print(f"release {res.version} ({res.date}), content hash {res.content_hash}; wrote " + ", ".join(res.written))
    print("next: describe the release in CHANGELOG.md (replace every TODO line), then newsgold build && newsgold datasheet "
          "&& newsgold check")
    return 0


# ---------------------------------------------------------------- parser

DOC_MAP_HELP = ("client document id -> NewsGold document id, as a JSON object or TAB-separated lines "
                "(spaCy user_data doc_id, Label Studio data.doc_id, transformers {id: [...]} keys; default: the ids in the file)")


Subcommands = argparse._SubParsersAction   # what add_subparsers returns (its type has no public name)
FORMATS = ["table", "json", "csv", "markdown"]   # --format of the commands that print a table


def _format_registry() -> ModuleType:
    from newsgold.formats import registry
    return registry


def build_parser() -> argparse.ArgumentParser:
    """The command line; the commands are added in the order ``newsgold --help`` lists them."""
    parser = argparse.ArgumentParser(
        prog="newsgold",
        description="NewsGold: a gold evaluation set for news NLP (entities, quotes, stance) and a scorer for any extractor.",
        epilog="Run 'newsgold COMMAND --help' for a command's options. " + EXIT_CODES,
        formatter_class=lambda prog: argparse.HelpFormatter(prog, max_help_position=20, width=124))
    parser.add_argument("--version", action="version", version=f"newsgold {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    registry = _format_registry()
    _add_scoring_commands(sub, registry)
    _add_dataset_commands(sub)
    _add_tool_commands(sub, registry)
    _add_run_and_release_commands(sub)
    return parser


def _command(sub: Subcommands, name: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=COMMANDS[name], description=COMMANDS[name], epilog=EXIT_CODES)


def _add_out(p: argparse.ArgumentParser, what: str) -> None:
    """``-o/--out FILE``: the one meaning of the flag in every command; ``--force`` to replace a file newsgold did not write."""
    p.add_argument("-o", "--out", metavar="FILE", help=f"write {what} to this file, atomically (default: standard output)")
    p.add_argument("--force", action="store_true", help="replace an existing output file that newsgold did not write "
                   "(or that was changed since)")


def _add_out_dir(p: argparse.ArgumentParser, what: str) -> None:
    """``--out-dir DIR`` for the commands that write one file per document (``-o/--out`` is their old spelling)."""
    p.add_argument("--out-dir", metavar="DIR", help=f"folder to write {what} into (required)")
    p.add_argument("-o", "--out", dest="out_dir", action=_Deprecated, new="--out-dir DIR")


def _add_format(p: argparse.ArgumentParser, what: str = "the result") -> None:
    p.add_argument("--format", choices=FORMATS, default="table", help=f"how to print {what} (default: table)")


def _add_input_format(p: argparse.ArgumentParser, registry: ModuleType, what: str) -> None:
    """``--from FORMAT`` (the format of the input file(s)) and ``--doc-map``."""
    p.add_argument("--from", dest="from_format", choices=["newsgold", *registry.names(), *registry.coref_names()],
                   metavar="FORMAT", help=registry.help_text(what=what) + "; coreference clusters (--task coref): "
                   + "; ".join(f"{f.name} ({f.summary}; offsets: {f.unit})" for f in registry.COREF_FORMATS))
    p.add_argument("--doc-map", help=DOC_MAP_HELP)


def _add_score_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", help="gold: a clone, a Hub export folder, a saved datasets folder, an annotation folder, "
                                  "a documents JSONL or a minimal JSONL of {id, text, entities} (default: the shipped dataset)")
    p.add_argument("--task", default="all", choices=[*task_names(), "all"],
                   help="task to score (default: all, every task the predictions have)")
    p.add_argument("--label-map", help="label map name in schema/label_maps (e.g. ontonotes_to_conll2003) or a path "
                   "(default: none, labels as they are)")
    p.add_argument("--labels", help="comma-separated label subset to score, after mapping (default: every label)")
    p.add_argument("--zones", help="comma-separated zone types to score (default: all zones)")
    p.add_argument("--overlap", type=FRACTION, default=0.5, help="quote content overlap threshold, character Jaccard, "
                   "in (0, 1] (default: 0.5)")
    p.add_argument("--resamples", type=COUNT, default=1000, help="bootstrap resamples, 0 or more (default: 1000; 0 turns "
                   "intervals off)")
    p.add_argument("--seed", type=COUNT, default=12345, help="random seed of every resampling step, 0 or more (default: 12345)")
    p.add_argument("--singletons", choices=["include", "exclude"], default="include",
                   help="coref: score clusters of one mention (include, CorefUD style) or drop them from gold and "
                        "predictions alike (exclude, OntoNotes / CoNLL-2012 style) (default: include)")
    p.add_argument("--coref-match", choices=["exact", "partial"], default="exact",
                   help="coref: mentions match exactly, or by the CorefUD partial match: within the gold mention and "
                        "covering its minimal span, from the gold's minimal spans (default: exact)")


def _add_scoring_commands(sub: Subcommands, registry: ModuleType) -> None:
    """validate, score, compare."""
    p = _command(sub, "validate")
    p.add_argument("paths", nargs="*", help="files or folders (default: the shipped dataset)")
    p.add_argument("--format", choices=["table", "json"], default="table", type=_validate_format,
                   help="how to print the problems: table (one line each) or json (default: table)")
    p.add_argument("--gold", help="check predictions against this gold, same forms as 'newsgold score --gold' "
                   "(default: the shipped dataset)")
    p.add_argument("--label-map", help="accept the source labels of this label map in predictions, as 'newsgold score "
                   "--label-map' does (a name in schema/label_maps, e.g. ontonotes_to_conll2003, or a path; default: none)")
    p.set_defaults(func=cmd_validate)

    p = _command(sub, "score")
    p.add_argument("predictions", help="predictions JSONL, one document per line (or another tool's output with --from)")
    _add_input_format(p, registry, "format of the predictions file")
    _add_score_options(p)
    _add_format(p, "the scores")
    p.add_argument("--errors", action="store_true", help="also list every missed, spurious, partial and wrongly typed "
                   "item, in the same --format")
    _add_out(p, "the scores")
    p.add_argument("--jobs", type=COUNT, default=0, help="worker processes for quote and stance statistics (default: 0, "
                   "every core); the result is identical whatever the number")
    p.add_argument("--quiet", action="store_true", help="no progress bar on standard error")
    p.set_defaults(func=cmd_score)

    p = _command(sub, "compare")
    p.add_argument("a", help="predictions of system A")
    p.add_argument("b", help="predictions of system B")
    _add_input_format(p, registry, "format of both predictions files")
    _add_score_options(p)
    _add_format(p, "the comparison")
    _add_out(p, "the comparison")
    p.set_defaults(func=cmd_compare)


def _validate_format(value: str) -> str:
    if value == "text":
        _deprecated("validate --format text", "--format table")
        return "table"
    return value


def _add_dataset_commands(sub: Subcommands) -> None:
    """agree, stats, build, export, baseline."""
    p = _command(sub, "agree")
    p.add_argument("a", help="annotation folder A (e.g. annotations/passes/NAME)")
    p.add_argument("b", help="annotation folder B")
    p.add_argument("--overlap", type=FRACTION, default=0.5, help="quote content overlap threshold, character Jaccard, "
                   "in (0, 1] (default: 0.5)")
    _add_format(p, "the agreement")
    _add_out(p, "the agreement")
    p.set_defaults(func=cmd_agree)

    p = _command(sub, "stats")
    p.add_argument("--gold", help="gold, as for 'newsgold score --gold' (default: the shipped dataset)")
    _add_format(p, "the counts")
    _add_out(p, "the counts")
    p.set_defaults(func=cmd_stats)

    p = _command(sub, "build")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a data file is out of date")
    p.set_defaults(func=cmd_build)

    p = _command(sub, "export")
    p.add_argument("--parquet", metavar="DIR", help="write one Parquet file per config into DIR (default: not written)")
    p.add_argument("--hub", metavar="DIR", help="write a Hub-ready dataset folder into DIR (default: not written)")
    p.add_argument("--croissant", metavar="FILE", help="write Croissant JSON-LD metadata to FILE (default: not written)")
    p.add_argument("--force", action="store_true", help="let --hub write into a folder that is not empty, and --croissant "
                   "replace a file newsgold did not write (default: refuse)")
    p.set_defaults(func=cmd_export)

    p = _command(sub, "baseline")
    p.add_argument("--name", choices=["rules"], default="rules", help="which baseline (default: rules)")
    _add_out(p, "the predictions JSONL")
    p.set_defaults(func=cmd_baseline)


def _add_tool_commands(sub: Subcommands, registry: ModuleType) -> None:
    """convert, report, add-source, tasks, import, check."""
    p = _command(sub, "convert")
    p.add_argument("input", help="the tool's output file")
    p.add_argument("--from", dest="from_format", required=True, choices=registry.names(), metavar="FORMAT",
                   help=registry.help_text(first=None, what="format of the tool's output file (required)"))
    _add_out(p, "the predictions JSONL")
    p.add_argument("--gold", help="gold to align against (default: the shipped dataset)")
    p.add_argument("--label-map", help="label map name or path applied to the tool's labels (default: none)")
    p.add_argument("--doc-id", help="document id, for formats that carry none (default: the ids in the file)")
    p.add_argument("--doc-map", help=DOC_MAP_HELP)
    p.set_defaults(func=cmd_convert)

    p = _command(sub, "report")
    p.add_argument("predictions", help="predictions JSONL (or another tool's output with --from)")
    _add_input_format(p, registry, "format of the predictions file")
    _add_out(p, "the HTML page (required)")
    p.add_argument("--html", dest="out", action=_Deprecated, new="-o/--out FILE")
    _add_score_options(p)
    p.set_defaults(func=cmd_report)

    p = _command(sub, "add-source")
    p.add_argument("file", help="a UTF-8 text file with one or more articles")
    p.add_argument("--meta", action="append", metavar="KEY=VALUE", help="document metadata, repeatable (publisher=..., "
                   "date=..., licence=...; default: none)")
    p.add_argument("--dry-run", action="store_true", help="show the proposal, write nothing")
    p.set_defaults(func=cmd_add_source)

    p = _command(sub, "tasks")
    p.add_argument("docs", nargs="+", help="document ids")
    p.add_argument("--to", required=True, choices=registry.annotation_tools(), help="annotation tool to write tasks for (required)")
    _add_out_dir(p, "the task files")
    p.add_argument("--no-gold", action="store_true",
                   help="do not pre-annotate with the current gold (required for a blind re-annotation of a gold document)")
    p.set_defaults(func=cmd_tasks)

    _add_annotate_commands(sub)

    p = _command(sub, "import")
    p.add_argument("file", nargs="+", help="the tool's export (Label Studio JSON, brat .ann or folder, doccano JSONL), or "
                   "CorefUD CoNLL-U files of pre-annotated documents (--from corefud)")
    p.add_argument("--from", dest="from_tool", required=True, choices=[*registry.annotation_tools(), "corefud"],
                   help="format of the export: the annotation tool that wrote it, or corefud for a corpus (required)")
    _add_out_dir(p, "the annotation files, e.g. annotations/passes/NAME")
    p.add_argument("--force", action="store_true", help="write into the gold folder, or replace files newsgold did not write")
    p.add_argument("--annotator", required=True, help="annotator id recorded in the file (required)")
    p.add_argument("--meta", action="append", metavar="KEY=VALUE", help="--from corefud: corpus=, release=, commit=, "
                   "text_licence=, annotation_licence= (required) and document metadata (publisher=...)")
    p.add_argument("--dry-run", action="store_true", help="--from corefud: print what would be registered, write nothing")
    p.add_argument("--doc-map", help=DOC_MAP_HELP)
    p.add_argument("--config", help="the project's labelling configuration (Label Studio XML, brat annotation.conf) whose "
                   "'newsgold-relation: NAME = cue' lines map your relation names to NewsGold's (default: none)")
    p.add_argument("--packet", action="append", metavar="FOLDER",
                   help="the packet the annotator was given (newsgold annotate packet), once per document; its hash goes "
                   "into the pass header (required for annotations/passes/)")
    p.add_argument("--model", type=_model_arg, metavar="NAME/VERSION",
                   help="the model or program that made a machine pass (default: none: a person's pass)")
    p.add_argument("--date", type=_date_arg, metavar="YYYY-MM-DD",
                   help="the day the pass was made (required for annotations/passes/)")
    p.add_argument("--minutes", type=float, metavar="N", help="time spent in minutes, where known (default: not recorded)")
    p.set_defaults(func=cmd_import)

    p = _command(sub, "check")
    p.set_defaults(func=cmd_check)


def _add_annotate_commands(sub: Subcommands) -> None:
    """annotate packet (a subcommand group: the annotation protocol's steps)."""
    p = _command(sub, "annotate")
    group = p.add_subparsers(dest="annotate_command", metavar="STEP", title="steps", required=True)
    q = group.add_parser("packet", help="write the packet of one document: codebook, text and zones, targets, pass schema, "
                         "instructions, MANIFEST.sha256 (the packet hash is its SHA-256); never gold or other passes",
                         description="Write exactly what an annotator receives for one document (GUIDELINES.md G-6, P-2).")
    q.add_argument("doc_id", metavar="DOC_ID", help="document id from seeds/manifest.json")
    q.add_argument("--out-dir", required=True, metavar="DIR", help="packet folder to write, new or empty (required)")
    q.set_defaults(func=cmd_annotate_packet)


def _add_run_and_release_commands(sub: Subcommands) -> None:
    """run, leaderboard, release, datasheet."""
    p = _command(sub, "run")
    p.add_argument("system", metavar="SYSTEM", help="spacy:PIPELINE, hf:FOLDER, gliner:FOLDER, textacy:PIPELINE, "
                   "cmd:\"COMMAND\" (documents as JSONL on stdin, predictions on stdout), rules, majority-stance")
    _add_out(p, "the predictions JSONL (provenance goes beside it as NAME.provenance.json; this or --submit is required)")
    p.add_argument("--submit", metavar="NAME", help="write predictions, provenance and score to submissions/NAME/ "
                   "(default: not submitted)")
    p.add_argument("--aggregation", default="simple", choices=["simple", "first", "average", "max"],
                   help="hf: transformers aggregation strategy (default: simple)")
    p.add_argument("--threshold", type=SCORE, default=0.5, help="gliner: minimum span score, in [0, 1] (default: 0.5)")
    p.add_argument("--cmd-format", dest="from_format", default="newsgold", choices=["newsgold", "strings"],
                   help="cmd: what the command prints: predictions records or offset-free strings (default: newsgold)")
    p.add_argument("--from", dest="from_format", action=_Deprecated, new="--cmd-format", choices=["newsgold", "strings"])
    p.add_argument("--timeout", type=SECONDS, default=3600.0, help="cmd: seconds before the command is stopped (default: 3600)")
    p.add_argument("--date", help="run date recorded in the provenance (YYYY-MM-DD; default: SOURCE_DATE_EPOCH or today, UTC)")
    _add_score_options(p)
    _add_format(p, "the score")
    p.add_argument("--score-out", metavar="FILE", help="write the score to this file, atomically (default: standard output)")
    p.set_defaults(func=cmd_run)

    p = _command(sub, "leaderboard")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the README table is out of date")
    p.set_defaults(func=cmd_leaderboard)
    p = _command(sub, "release")
    part = p.add_mutually_exclusive_group(required=True)
    part.add_argument("--major", action="store_true", help="schema or label-set change: X+1.0.0")
    part.add_argument("--minor", action="store_true", help="documents or layers added: X.Y+1.0")
    part.add_argument("--patch", action="store_true", help="label corrections in existing gold: X.Y.Z+1")
    part.add_argument("--amend", action="store_true",
                      help="keep VERSION; re-record it with the current content hash (changes after 'release', before the tag)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="release date (default: today, UTC)")
    p.set_defaults(func=cmd_release)

    p = _command(sub, "datasheet")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a figure block is out of date")
    p.set_defaults(func=cmd_datasheet)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    from newsgold.preflight import refusal
    refused = refusal(args)
    if refused:
        sys.stderr.write(f"newsgold {args.command}: {refused}\n")
        return 1
    try:
        return args.func(args)
    except InputError as exc:
        _print_problems(exc.problems)
        sys.stderr.write(f"newsgold {args.command}: stopped: {len(exc.problems)} problem(s) in the input\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:   # a file the user named cannot be read or written (a folder, no permission, disk full)
        where = f" {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"newsgold {args.command}: cannot use{where}: {exc.strerror or exc}\n")
        return 1
    except Exception as exc:  # never a traceback for the user; NEWSGOLD_DEBUG=1 shows it
        if os.environ.get("NEWSGOLD_DEBUG"):
            raise
        sys.stderr.write(f"newsgold {args.command}: internal error: {type(exc).__name__}: {exc}\n"
                         "  (this is a bug in newsgold; rerun with NEWSGOLD_DEBUG=1 for the traceback and report it)\n")
        return 3


if __name__ == "__main__":
    sys.exit(main())
