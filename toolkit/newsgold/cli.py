"""The ``newsgold`` command. Thin: parse arguments, call the core, print, set the exit code.

Exit codes: 0 success, 1 the input has problems (or a check failed), 2 usage error.
Heavy libraries are imported inside the commands that need them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from types import ModuleType

from newsgold.core.diagnostics import InputError
from newsgold.core.version import __version__

COMMANDS = {
    "validate": "check gold, annotation, manifest and predictions files against the schema and the rules",
    "score": "score an extractor's predictions against the gold, with confidence intervals and a signature",
    "compare": "test whether two systems differ: paired bootstrap and approximate randomization",
    "agree": "measure agreement between two annotation sets and list every disagreement",
    "stats": "count documents, mentions, labels, zones, quotes and stance items",
    "build": "generate the Hugging Face data files in data/ from seeds/ and annotations/",
    "export": "write Parquet files, a Hub-ready folder or Croissant metadata",
    "baseline": "run a baseline extractor (text only, no gold) on the shipped documents and write its predictions",
    "convert": "turn another tool's output (spaCy, transformers, CoNLL, brat, Label Studio, doccano, ...) into predictions",
    "report": "write a self-contained HTML error report of a system against the gold",
    "add-source": "register a new source text in seeds/ and propose its documents and zones",
    "tasks": "write pre-annotation tasks for Label Studio, brat or doccano",
    "import": "turn a Label Studio, brat or doccano export into an annotation file, checked against the text",
    "check": "release gate: everything a release needs, with the command that fixes each failure",
    "run": "run an installed extractor on the documents, write its predictions with provenance, and score them",
    "leaderboard": "regenerate the README leaderboard from submissions/ (or --check it)",
    "release": "bump VERSION, write the CHANGELOG skeleton section and record the release in releases.json",
    "datasheet": "regenerate the generated figures in DATASHEET.md and README.md (composition, agreement, leaderboard)",
}


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
    problems = validate(args.paths, args.gold, args.label_map)
    errors, warnings = summary(problems)
    if args.format == "json":
        _print_problems(problems, "json", sys.stdout)
    else:
        _print_problems(problems, "text", sys.stdout)
        targets = ", ".join(args.paths) if args.paths else "the shipped dataset"
        if not errors and not args.paths:
            print(f"gold: {_gold_status(args.gold)}")
        elif not errors and args.gold:   # predictions checked against a given gold: say which, off the report
            sys.stderr.write(f"gold: {_gold_status(args.gold)}\n")
        print(f"{'OK' if not errors else 'FAILED'}: {targets}: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def _gold_status(gold) -> str:
    """Which gold is in use: version, content hash, and whether it is a released one."""
    from newsgold.gold.load import Gold, load_gold
    from newsgold.gold.releases import status
    g = gold if isinstance(gold, Gold) else load_gold(gold)
    return status(g.version, g.content_hash)


def _add_score_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", help="gold: a clone, a Hub export folder, a saved datasets folder, an annotation folder, "
                                  "a documents JSONL or a minimal JSONL of {id, text, entities} (default: the shipped dataset)")
    p.add_argument("--task", default="all", choices=["entities", "quotes", "stance", "all"])
    p.add_argument("--label-map", help="label map name in schema/label_maps (e.g. ontonotes_to_conll2003) or a path")
    p.add_argument("--labels", help="comma-separated label subset to score (after mapping)")
    p.add_argument("--zones", help="comma-separated zone types to score (default: all zones)")
    p.add_argument("--overlap", type=float, default=0.5, help="quote content overlap threshold, character Jaccard (default 0.5)")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000; 0 turns CIs off)")
    p.add_argument("--seed", type=int, default=12345, help="random seed of every resampling step (default 12345)")


def _score_kwargs(args) -> dict:
    return dict(gold=args.gold, task=args.task, label_map=args.label_map,
                labels=args.labels.split(",") if args.labels else None,
                zones=args.zones.split(",") if args.zones else None,
                overlap=args.overlap, resamples=args.resamples, seed=args.seed)


def _predictions_arg(args, path):
    """A predictions path, or converted records when --from names another tool's format."""
    fmt = getattr(args, "from_format", None)
    if not fmt or fmt == "newsgold":
        return path
    from newsgold.formats.to_predictions import convert
    from newsgold.gold.load import load_gold
    records, problems = convert(fmt, path, load_gold(args.gold), label_map=args.label_map,
                                doc_map=getattr(args, "doc_map", None))
    _print_problems([p for p in problems if p.severity != "error"])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return records


def cmd_score(args) -> int:
    from newsgold.reporting.text import render_score, render_score_with_errors
    from newsgold.scoring.api import make_setup, score
    kwargs = _score_kwargs(args)
    setup = make_setup(kwargs["gold"], kwargs["label_map"], kwargs["labels"], kwargs["zones"], kwargs["overlap"])
    sys.stderr.write(f"gold: {_gold_status(setup.gold)}\n")
    result = score(_predictions_arg(args, args.predictions), errors=args.errors, setup=setup, jobs=args.jobs or None,
                   progress=not args.quiet, **kwargs)
    _print_problems(result.warnings)
    _out(render_score_with_errors(result, args.format) if args.errors else render_score(result, args.format), args.out, args.force)
    return 0


def cmd_compare(args) -> int:
    from newsgold.reporting.text import render_compare
    from newsgold.scoring.api import compare
    res = compare(_predictions_arg(args, args.a), _predictions_arg(args, args.b), **_score_kwargs(args))
    _print_problems(res.warnings)
    _out(render_compare(res, args.format), args.out, args.force)
    return 0


def cmd_agree(args) -> int:
    from newsgold.annotation.agree import agree
    from newsgold.reporting.text import render_agreement
    res = agree(args.a, args.b, overlap=args.overlap)
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
        print("wrote " + export.export_croissant(args.croissant))
    return 0


def cmd_baseline(args) -> int:
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


def cmd_report(args) -> int:
    from newsgold.reporting.html import write_report
    path = write_report(_predictions_arg(args, args.predictions), args.html, **_score_kwargs(args))
    print(f"wrote {path}")
    return 0


def cmd_add_source(args) -> int:
    from newsgold.gold.sources import add_source
    meta = {}
    for item in args.meta or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--meta expects KEY=VALUE, got {item!r}")
        meta[key] = value
    for line in add_source(args.file, meta, write=not args.dry_run):
        print(line)
    return 0


def cmd_tasks(args) -> int:
    from newsgold.annotation.tasks import export_tasks
    for path in export_tasks(args.to, args.docs, args.out, pre_annotate=not args.no_gold):
        print(f"wrote {path}")
    return 0


def cmd_import(args) -> int:
    from newsgold.annotation.importing import import_annotations
    written, problems = import_annotations(args.from_tool, args.file, args.out, annotator=args.annotator,
                                           doc_map=args.doc_map, config=args.config, force=args.force)
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
        sys.stderr.write("newsgold run: give -o PREDICTIONS.jsonl or --submit NAME (submissions/NAME/)\n")
        return 2
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
                "(spaCy user_data doc_id, Label Studio data.doc_id, transformers {id: [...]} keys)")


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
        epilog="Run 'newsgold COMMAND --help' for a command's options. Exit codes: 0 ok, 1 problems in the input, 2 usage.",
        formatter_class=lambda prog: argparse.HelpFormatter(prog, max_help_position=20, width=124))
    parser.add_argument("--version", action="version", version=f"newsgold {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    registry = _format_registry()
    _add_scoring_commands(sub, registry)
    _add_dataset_commands(sub)
    _add_tool_commands(sub, registry)
    _add_run_and_release_commands(sub)
    return parser



def _add_scoring_commands(sub: Subcommands, registry: ModuleType) -> None:
    """validate, score, compare."""
    p = sub.add_parser("validate", help=COMMANDS["validate"], description=COMMANDS["validate"])
    p.add_argument("paths", nargs="*", help="files or folders (default: the shipped dataset)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--gold", help="check predictions against this gold (same forms as 'newsgold score --gold')")
    p.add_argument("--label-map", help="accept the source labels of this label map in predictions, as 'newsgold score "
                   "--label-map' does (a name in schema/label_maps, e.g. ontonotes_to_conll2003, or a path)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("score", help=COMMANDS["score"], description=COMMANDS["score"])
    p.add_argument("predictions", help="predictions JSONL, one document per line (or another tool's output with --from)")
    p.add_argument("--from", dest="from_format", choices=["newsgold", *registry.names()], metavar="FORMAT",
                   help=registry.help_text())
    p.add_argument("--doc-map", help=DOC_MAP_HELP)
    _add_score_options(p)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--errors", action="store_true", help="also list every missed, spurious, partial and wrongly typed item")
    p.add_argument("--out", help="write to this file (atomically) instead of standard output")
    p.add_argument("--force", action="store_true", help="replace an existing output file that newsgold did not write")
    p.add_argument("--jobs", type=int, default=0, help="worker processes for quote and stance statistics (default 0: every core); "
                   "the result is identical whatever the number")
    p.add_argument("--quiet", action="store_true", help="no progress bar on standard error")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("compare", help=COMMANDS["compare"], description=COMMANDS["compare"])
    p.add_argument("a", help="predictions of system A")
    p.add_argument("b", help="predictions of system B")
    p.add_argument("--from", dest="from_format", choices=["newsgold", *registry.names()], metavar="FORMAT",
                   help="input format of both files: " + registry.help_text())
    p.add_argument("--doc-map", help=DOC_MAP_HELP)
    _add_score_options(p)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out")
    p.add_argument("--force", action="store_true", help="replace an existing output file that newsgold did not write")
    p.set_defaults(func=cmd_compare)


def _add_dataset_commands(sub: Subcommands) -> None:
    """agree, stats, build, export, baseline."""
    p = sub.add_parser("agree", help=COMMANDS["agree"], description=COMMANDS["agree"])
    p.add_argument("a", help="annotation folder A (e.g. annotations/passes/NAME)")
    p.add_argument("b", help="annotation folder B")
    p.add_argument("--overlap", type=float, default=0.5, help="quote content overlap threshold (character Jaccard)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out")
    p.add_argument("--force", action="store_true", help="replace an existing output file that newsgold did not write")
    p.set_defaults(func=cmd_agree)

    p = sub.add_parser("stats", help=COMMANDS["stats"], description=COMMANDS["stats"])
    p.add_argument("--gold", help="gold, as for 'newsgold score --gold' (default: the shipped dataset)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out")
    p.add_argument("--force", action="store_true", help="replace an existing output file that newsgold did not write")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("build", help=COMMANDS["build"], description=COMMANDS["build"])
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a data file is out of date")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("export", help=COMMANDS["export"], description=COMMANDS["export"])
    p.add_argument("--parquet", metavar="DIR")
    p.add_argument("--hub", metavar="DIR")
    p.add_argument("--croissant", metavar="FILE")
    p.add_argument("--force", action="store_true", help="let --hub write into a folder that is not empty")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("baseline", help=COMMANDS["baseline"], description=COMMANDS["baseline"])
    p.add_argument("--name", choices=["rules"], default="rules", help="which baseline (default: rules)")
    p.add_argument("-o", "--out", help="predictions JSONL to write (default: standard output)")
    p.add_argument("--force", action="store_true", help="replace an existing output file that newsgold did not write")
    p.set_defaults(func=cmd_baseline)


def _add_tool_commands(sub: Subcommands, registry: ModuleType) -> None:
    """convert, report, add-source, tasks, import, check."""
    p = sub.add_parser("convert", help=COMMANDS["convert"], description=COMMANDS["convert"])
    p.add_argument("input", help="the tool's output file")
    p.add_argument("--from", dest="from_format", required=True, choices=registry.names(), metavar="FORMAT",
                   help=registry.help_text(first=None))
    p.add_argument("-o", "--out", help="predictions JSONL to write (default: standard output)")
    p.add_argument("--force", action="store_true", help="replace an existing output file that newsgold did not write")
    p.add_argument("--gold", help="gold to align against (default: the shipped dataset)")
    p.add_argument("--label-map", help="label map name or path applied to the tool's labels")
    p.add_argument("--doc-id", help="document id, for formats that carry none")
    p.add_argument("--doc-map", help=DOC_MAP_HELP)
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("report", help=COMMANDS["report"], description=COMMANDS["report"])
    p.add_argument("predictions")
    p.add_argument("--html", required=True, metavar="OUT.html")
    _add_score_options(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("add-source", help=COMMANDS["add-source"], description=COMMANDS["add-source"])
    p.add_argument("file", help="a UTF-8 text file with one or more articles")
    p.add_argument("--meta", action="append", metavar="KEY=VALUE", help="document metadata (publisher=..., date=..., licence=...)")
    p.add_argument("--dry-run", action="store_true", help="show the proposal, write nothing")
    p.set_defaults(func=cmd_add_source)

    p = sub.add_parser("tasks", help=COMMANDS["tasks"], description=COMMANDS["tasks"])
    p.add_argument("docs", nargs="+", help="document ids")
    p.add_argument("--to", required=True, choices=registry.annotation_tools())
    p.add_argument("-o", "--out", required=True, help="output folder")
    p.add_argument("--no-gold", action="store_true",
                   help="do not pre-annotate with the current gold (required for a blind re-annotation of a gold document)")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser("import", help=COMMANDS["import"], description=COMMANDS["import"])
    p.add_argument("file", help="the tool's export (Label Studio JSON, brat .ann or folder, doccano JSONL)")
    p.add_argument("--from", dest="from_tool", required=True, choices=registry.annotation_tools())
    p.add_argument("-o", "--out", required=True, help="output folder, e.g. annotations/passes/NAME")
    p.add_argument("--annotator", required=True, help="annotator id recorded in the file")
    p.add_argument("--doc-map", help=DOC_MAP_HELP)
    p.add_argument("--config", help="the project's labelling configuration (Label Studio XML, brat annotation.conf) whose "
                   "'newsgold-relation: NAME = cue' lines map your relation names to NewsGold's")
    p.add_argument("--force", action="store_true", help="write into the gold folder, or replace files newsgold did not write")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help=COMMANDS["check"], description=COMMANDS["check"])
    p.set_defaults(func=cmd_check)


def _add_run_and_release_commands(sub: Subcommands) -> None:
    """run, leaderboard, release, datasheet."""
    p = sub.add_parser("run", help=COMMANDS["run"], description=COMMANDS["run"])
    p.add_argument("system", metavar="SYSTEM", help="spacy:PIPELINE, hf:FOLDER, gliner:FOLDER, textacy:PIPELINE, "
                   "cmd:\"COMMAND\" (documents as JSONL on stdin, predictions on stdout), rules, majority-stance")
    p.add_argument("-o", "--out", help="predictions JSONL to write (provenance goes beside it as NAME.provenance.json)")
    p.add_argument("--submit", metavar="NAME", help="write predictions, provenance and score to submissions/NAME/")
    p.add_argument("--aggregation", default="simple", help="hf: transformers aggregation strategy (simple, first, average, max)")
    p.add_argument("--threshold", type=float, default=0.5, help="gliner: minimum span score (default 0.5)")
    p.add_argument("--from", dest="from_format", default="newsgold", choices=["newsgold", "strings"],
                   help="cmd: what the command writes: predictions records (default) or offset-free strings")
    p.add_argument("--timeout", type=float, default=3600.0, help="cmd: seconds before the command is stopped")
    p.add_argument("--date", help="run date recorded in the provenance (YYYY-MM-DD; default SOURCE_DATE_EPOCH or today, UTC)")
    _add_score_options(p)
    p.add_argument("--format", choices=FORMATS, default="table", help="format of the score printed")
    p.add_argument("--score-out", help="write the score to this file instead of standard output")
    p.add_argument("--force", action="store_true", help="replace an existing output file that newsgold did not write")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("leaderboard", help=COMMANDS["leaderboard"], description=COMMANDS["leaderboard"])
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the README table is out of date")
    p.set_defaults(func=cmd_leaderboard)
    p = sub.add_parser("release", help=COMMANDS["release"], description=COMMANDS["release"])
    part = p.add_mutually_exclusive_group(required=True)
    part.add_argument("--major", action="store_true", help="schema or label-set change: X+1.0.0")
    part.add_argument("--minor", action="store_true", help="documents or layers added: X.Y+1.0")
    part.add_argument("--patch", action="store_true", help="label corrections in existing gold: X.Y.Z+1")
    part.add_argument("--amend", action="store_true",
                      help="keep VERSION; re-record it with the current content hash (changes after 'release', before the tag)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="release date (default: today, UTC)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("datasheet", help=COMMANDS["datasheet"], description=COMMANDS["datasheet"])
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a figure block is out of date")
    p.set_defaults(func=cmd_datasheet)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
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
