r"""The ``reportlib`` command: gathers arguments, calls the library, turns errors into exit codes.

This is the only module that prints messages for people or exits. Everything it prints
goes through ``TerminalSafe``: control characters (ESC and the rest of C0 and C1, DEL, and
the bidirectional overrides that reorder what a line shows) are written escaped, e.g.
``\x1b``, so a file name, sheet name or cell text cannot drive the terminal. Newlines
pass as line breaks, except inside one finding or error, where ``one_line`` escapes them
too (``\n``) so each finding stays one line; ``render`` also lets carriage returns through
for its progress bar.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import shlex
import sys
import time
from pathlib import Path

from reportlib.core.version import version
from reportlib.errors import ReportlibError

# nbformat validates notebooks with jsonschema, whose optional "iri" format check imports
# rfc3987_syntax, which builds 39 grammars as it is imported: a second of the command's
# start. No notebook schema uses that format, so the command never loads it (forked
# kernels are given the import back: ``forkkernel``).
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # its import raises ImportError, which jsonschema expects
from reportlib.run.runlog import summary_line

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_NO_CR = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text, *, keep_cr: bool = False) -> str:
    """``text`` with every control character but the newline written escaped: ESC -> ``\\x1b``."""
    return (_UNSAFE_NO_CR if keep_cr else _UNSAFE).sub(_escaped, str(text))


def one_line(text) -> str:
    """One finding or error for the terminal: control characters and newlines escaped."""
    return terminal_safe(str(text).replace("\n", "\\n"))


class TerminalSafe:
    """A text stream that escapes control characters before they reach the terminal."""

    def __init__(self, raw, keep_cr: bool = False):
        self.raw = raw
        self.keep_cr = keep_cr

    def write(self, text) -> int:
        self.raw.write(terminal_safe(text, keep_cr=self.keep_cr))
        return len(text)

    def __getattr__(self, name):  # flush, isatty, fileno, encoding ... as the real stream
        return getattr(self.raw, name)


#: Seconds ``validate`` may spend loading, and the memory it may take (also set by these variables).
VALIDATE_SECONDS, SECONDS_VARIABLE, MEMORY_VARIABLE = 600.0, "REPORTLIB_VALIDATE_SECONDS", "REPORTLIB_MEMORY_LIMIT"


def _loading_limits(args) -> dict:
    """``run_bounded`` keywords for validate's loading: --time-limit/--memory-limit, else the
    environment, else 600 s and 2 GiB."""
    from reportlib.core import limits

    seconds = args.time_limit or limits.env_seconds(SECONDS_VARIABLE, VALIDATE_SECONDS)
    memory = args.memory_limit
    if memory is None and os.environ.get(MEMORY_VARIABLE, "").strip():
        try:
            memory = limits.parse_bytes(os.environ[MEMORY_VARIABLE])
        except ValueError as exc:
            raise ReportlibError(f"${MEMORY_VARIABLE}: {exc}") from None
    return {"seconds": seconds, "memory": memory or limits.DEFAULT_MEMORY, "stage": "validate (loading the data)",
            "advice": f"if the data is genuine, allow more with --time-limit SECONDS or --memory-limit SIZE "
                      f"(or ${SECONDS_VARIABLE}, ${MEMORY_VARIABLE})"}


def _validate(args) -> int:
    from reportlib.analysis.plans import inspect_plans
    from reportlib.run.bounded import run_bounded

    # loading runs in a process of its own, bounded in time and memory: a file built to take
    # hours or gigabytes is stopped, and named, at the limit
    plans = run_bounded(inspect_plans, args.paths or ["data"], args.layout, **_loading_limits(args))
    for sheet in plans.sources.itertuples():
        if isinstance(getattr(sheet, "note", None), str) and sheet.note:  # a page or table of a committee paper
            layout = f", read with layout '{sheet.layout}' from {sheet.layout_file}" if sheet.layout else ""
            header = f", header on its row {int(sheet.header_row)}" if sheet.header_row == sheet.header_row \
                and sheet.header_row is not None else ""
            print(one_line(f"{sheet.file}, {sheet.sheet}: {sheet.note}{layout}{header}, {sheet.actions} actions "
                           "start here"))
            continue
        print(one_line(f"{sheet.file}, sheet '{sheet.sheet}': read with layout '{sheet.layout}' from "
                       f"{sheet.layout_file}, header on row {sheet.header_row}, {sheet.actions} actions"))
    for finding in plans.findings:
        print(one_line(finding))
    notes = len(plans.findings) - len(plans.errors) - len(plans.warnings)
    print(f"{len(plans.actions)} actions, {len(plans.updates)} updates from {plans.sources['file'].nunique()} "
          f"file(s); {len(plans.errors)} errors, {len(plans.warnings)} warnings"
          + (f", {notes} notes on versions of a plan" if notes else ""))
    waiting = int((plans.updates["status"] == "needs_review").sum()) if "status" in plans.updates else 0
    if waiting:
        where = " ".join(shlex.quote(str(p)) for p in args.paths or ["data"])
        print(f"{waiting} update{'s' if waiting != 1 else ''} need{'s' if waiting == 1 else ''} a person to read "
              f"{'them' if waiting != 1 else 'it'} (the status could not be read from the text, or the text and the "
              f"council's word disagree): `reportlib review {where}` lists them and records a decision")
    return EXIT_FAILED if plans.errors else EXIT_OK


def _export(args) -> int:
    from reportlib.analysis import snapshot
    from reportlib.analysis.parameters import ParameterError, iso_date
    from reportlib.analysis.plans import load_plans
    from reportlib.present.export import write_tables

    try:
        as_of = iso_date(args.as_of, "--as-of") if args.as_of else None
    except ParameterError as exc:
        print(one_line(f"error: --as-of: {exc.reason}; nothing was written"), file=sys.stderr)
        return EXIT_USAGE
    plans = load_plans(args.paths or ["data"], args.layout)
    if as_of is not None:  # the tables as a report at that date sees them: later updates left out
        plans = snapshot.cut(plans, as_of)
    for finding in plans.warnings:
        print(one_line(finding), file=sys.stderr)
    for path in write_tables(plans, args.out):
        print(f"wrote {path}")
    return EXIT_OK


def _review(args) -> int:
    from reportlib.analysis import decisions
    from reportlib.analysis.plans import inspect_plans

    paths = args.paths or ["data"]
    plans = inspect_plans(paths)
    if args.action or args.snapshot or args.status:
        missing = [name for name in ("action", "snapshot", "status", "reviewer") if not getattr(args, name)]
        if missing:
            print(f"error: to record a decision give --action, --snapshot, --status and --reviewer "
                  f"(missing: --{', --'.join(missing)})", file=sys.stderr)
            return EXIT_USAGE
        if len(paths) != 1 or not Path(paths[0]).is_dir():
            print("error: to record a decision name the one data folder its decisions.csv belongs in",
                  file=sys.stderr)
            return EXIT_USAGE
        # the decisions file first: one refused (a link out of the folder, unreadable) leaves no
        # data to look the action up in, and is what must be put right
        decision_errors = [f for f in plans.errors if f.location.file == decisions.FILE_NAME]
        if decision_errors:
            for finding in decision_errors:
                print(one_line(finding), file=sys.stderr)
            print("nothing was written: correct the decisions file first", file=sys.stderr)
            return EXIT_FAILED
        flag_error = _decision_flag_error(plans, args)
        if flag_error:  # the command line is wrong, or the data could not be read (its errors first)
            for finding in plans.errors:
                print(one_line(finding), file=sys.stderr)
            print(one_line(f"error: {flag_error}; nothing was written"), file=sys.stderr)
            return EXIT_USAGE
        made = decisions.record(paths[0], plans, args.action, args.snapshot, args.status, args.reviewer,
                                args.reason or "")
        print(one_line(f"recorded in {Path(paths[0]) / decisions.FILE_NAME}: {made.action_id} ({made.snapshot}) is "
                       f"{made.status}, {made.source}"))
        return EXIT_OK
    for finding in plans.errors:
        print(one_line(finding), file=sys.stderr)
    if plans.errors:
        print(f"the review queue cannot be listed until the {len(plans.errors)} error(s) above are corrected",
              file=sys.stderr)
        return EXIT_FAILED
    waiting = decisions.queue(plans)
    for row in waiting.itertuples():
        text = " ".join(str(row.text or "").split())
        print(one_line(f"{row.action_id} | {row.snapshot} | {row.why} | "
                       f"{text[:120] + '…' if len(text) > 120 else text} | {row.source_file} row {row.source_row}"))
    print(f"{len(waiting)} update(s) waiting for review" + (
        "; settle one with: reportlib review DATA --action ID --snapshot SNAPSHOT --status STATUS "
        "--reviewer NAME --reason TEXT" if len(waiting) else ""))
    return EXIT_FAILED if plans.errors else EXIT_OK


def _decision_flag_error(plans, args) -> str | None:
    """What is wrong with the --action, --snapshot or --status given, if anything."""
    from reportlib.analysis.decisions import DECIDED

    updates = plans.updates[plans.updates["action_id"] == args.action]
    if updates.empty:
        return f"--action {args.action!r}: no action in the data has that id"
    if args.snapshot not in set(updates["snapshot"]):
        return (f"--snapshot {args.snapshot!r}: {args.action} has no update for that snapshot (its snapshots: "
                f"{', '.join(map(str, dict.fromkeys(updates['snapshot'])))})")
    if args.status not in DECIDED:
        return f"--status {args.status!r}: a decision settles on one of {', '.join(DECIDED)}"
    return None


def _layout_draft(args) -> int:
    from reportlib.analysis.plans import inspect_plans
    from reportlib.core.files import write_atomically
    from reportlib.ingest.draft import draft_layout, load_report, with_load_report

    out = Path(args.out) if args.out else Path(f"{Path(args.files[0]).stem}.layout.yaml")
    if (out.exists() or out.is_symlink()) and not args.force:
        print(one_line(f"error: {out} exists; nothing was written (pass --force to replace it)"), file=sys.stderr)
        return EXIT_USAGE
    draft = draft_layout(args.files)
    for line in draft.found:
        print(one_line(line))
    write_atomically(out, draft.text)
    report = load_report(draft, inspect_plans(draft.files, layouts=str(out)))
    write_atomically(out, with_load_report(draft, report))
    if draft.doubts:
        print(f"wrote {out}: {len(draft.doubts)} thing(s) to check, each marked in the file:")
    elif draft.marked:
        print(f"wrote {out}: confirm the {draft.marked} line(s) marked '# check' or '# fill in'")
    else:
        print(f"wrote {out}")
    for doubt in draft.doubts:
        print(one_line(f"  {doubt}"))
    print(one_line(f"checked by loading the files with it: {report.summary}"))
    for line in report.doubts:
        print(one_line(f"  {line}"))
    return EXIT_FAILED if report.errors else EXIT_OK


def _render(args) -> int:
    packs = sorted(Path(args.params).glob("*.yaml")) if args.all else [Path(p) for p in args.packs]
    if not packs:
        print("error: no packs to render (name PACK.yaml files, or use --all with packs in "
              f"{args.params}/)", file=sys.stderr)
        return EXIT_USAGE
    if args.scheduler and args.jobs > 1:
        print("error: --jobs is for rendering on this machine; with --scheduler the cluster's workers decide how "
              "many packs run at once (dask worker --nworkers N --nthreads 1)", file=sys.stderr)
        return EXIT_USAGE
    start = time.monotonic()
    # with --scheduler the cluster is always checked, so a wrong address in a nightly job is said at once
    if not args.force and not args.scheduler and _all_up_to_date(packs, args.reports, quiet=args.quiet):
        return EXIT_OK  # nothing to do: said without starting the renderer (papermill, nbconvert, WeasyPrint)
    _kernels_forked(args)
    from reportlib.run.publish import Interrupted
    from reportlib.run.render import render_packs

    try:
        with _progress_lines(not args.quiet):
            results = render_packs(packs, reports_dir=args.reports, jobs=args.jobs, force=args.force,
                                   scheduler=args.scheduler, show_progress=False if args.quiet else None)
    except Interrupted as exc:
        print(f"interrupted by {exc.signal_name}: running kernels were stopped and unfinished output removed; "
              f"the reports already in {args.reports}/ are unchanged", file=sys.stderr)
        return exc.exit_code
    failed = [r for r in results if not r.ok]
    for result in failed:
        print(one_line(f"error: pack {result.pack} failed: {result.error}"), file=sys.stderr)
    skipped = [r for r in results if r.up_to_date]
    for result in skipped if not args.quiet else ():
        print(one_line(f"up to date: {result.pack} (unchanged since its last render; --force renders it anyway)"),
              file=sys.stderr)
    if not args.quiet or len(skipped) < len(results):  # --quiet: said only when something changed or failed
        print(one_line(summary_line(results, time.monotonic() - start)), file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


@contextlib.contextmanager
def _progress_lines(shown: bool):
    """``render``'s progress lines (a pack started, finished) shown, or for --quiet held back."""
    names = ("reportlib", "reportlib.run.render")
    levels = [logging.getLogger(name).level for name in names]
    if not shown:
        for name in names:
            logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in zip(names, levels):
            logging.getLogger(name).setLevel(level)


def _verify(args) -> int:
    _kernels_forked(args)
    from reportlib.run.verify import verify_report

    print(one_line(f"verifying {args.folder}: re-hashing its inputs"), file=sys.stderr)
    result = verify_report(args.folder, root=args.root, on_render=lambda: print(
        "inputs unchanged: rendering the pack again in a temporary folder outside reports/", file=sys.stderr))
    for difference in result.differences:
        print(one_line(difference))
    print(one_line(f"compared: {result.summary()}"))
    if result.ok:
        print("verified: this report is what these inputs and this code give; it is not signed, and says "
              "nothing of who approved it")
        return EXIT_OK
    inputs = sum(d.kind == "input" for d in result.differences)
    outputs = len(result.differences) - inputs
    print(f"not verified: {inputs} input(s) and {outputs} output(s) differ")
    return EXIT_FAILED


def _seconds(text: str) -> float:
    """argparse type for --time-limit: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _memory(text: str) -> int:
    """argparse type for --memory-limit: '2GiB', '1500MiB', '1500' (MiB)."""
    from reportlib.core.limits import parse_bytes

    try:
        return parse_bytes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _at_least_one(text: str) -> int:
    """argparse type for --jobs: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _kernels_forked(args) -> None:
    """Before notebooks run: each kernel is forked from this process (``reportlib.run.forkkernel``),
    which is first started again, the same command, with the hash seed kernels must have
    (``determinism.HASH_SEED``) if it has another. Not for ``--scheduler`` (kernels start on
    the workers), nor when ``main`` was called from Python (the caller's process is not ours)."""
    from reportlib.run import forkkernel
    from reportlib.run.determinism import HASH_SEED

    if getattr(args, "scheduler", None):
        return
    if not (args.from_command_line and forkkernel.supported()):
        return
    if os.environ.get("PYTHONHASHSEED") != HASH_SEED:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, sys.orig_argv, {**os.environ, "PYTHONHASHSEED": HASH_SEED})
    forkkernel.enable()


def configure_logging() -> None:
    """reportlib's own messages at INFO; other libraries' only when they are errors (see runlog)."""
    from reportlib.run.runlog import quiet_libraries

    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("reportlib").setLevel(logging.INFO)
    quiet_libraries()


def _all_up_to_date(packs: list[Path], reports: str, quiet: bool = False) -> bool:
    """Whether every pack is up to date (``reportlib.run.fingerprint``); if so, says so for each
    (unless ``quiet``)."""
    from reportlib.run.fingerprint import up_to_date
    from reportlib.run.publish import clear_leftovers

    if not Path(reports).is_dir():
        return False
    found = [up_to_date(pack, reports) for pack in packs]
    if not all(found):
        return False
    for last in found:  # what a killed render left goes, as a render would remove it
        clear_leftovers(Path(reports), last.pack)
    if quiet:
        return True
    for last in found:
        print(one_line(f"up to date: {last.pack} (unchanged since its last render; --force renders it anyway)"),
              file=sys.stderr)
    print(f"0 of {len(found)} pack(s) rendered, {len(found)} up to date", file=sys.stderr)
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportlib", description="Committee reports from audit action plans.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check action-plan spreadsheets and list every finding")
    validate.add_argument("paths", nargs="*", help="files or folders (default: data/)")
    validate.add_argument("--layout", action="append", help="use this layout (name or YAML file) instead of detecting")
    validate.add_argument("--time-limit", type=_seconds, metavar="SECONDS",
                          help=f"stop loading past this (default 600, or ${SECONDS_VARIABLE})")
    validate.add_argument("--memory-limit", type=_memory, metavar="SIZE",
                          help=f"memory loading may take, e.g. 4GiB (default 2GiB, or ${MEMORY_VARIABLE})")
    validate.set_defaults(run=_validate)

    export = sub.add_parser("export", help="write the canonical tables as actions.csv, updates.csv, plans.xlsx")
    export.add_argument("paths", nargs="*", help="files or folders (default: data/)")
    export.add_argument("--out", required=True, help="folder to write into")
    export.add_argument("--layout", action="append", help="use this layout (name or YAML file) instead of detecting")
    export.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help="the tables as a report at this date sees them: later updates left out")
    export.set_defaults(run=_export)

    review = sub.add_parser("review", help="list the updates waiting for review, or record an analyst's decision")
    review.add_argument("paths", nargs="*", help="data folder (default: data/)")
    review.add_argument("--action", help="the action id of the update decided (e.g. WDC-2009-017)")
    review.add_argument("--snapshot", help="the snapshot of the update decided (e.g. 'July 2010')")
    review.add_argument("--status", help="the status settled on: complete, in_progress, planned, no_action, no_update")
    review.add_argument("--reviewer", help="who decided")
    review.add_argument("--reason", help="why, in a sentence")
    review.set_defaults(run=_review)

    layout = sub.add_parser("layout", help="layout files: draft one from a council's own plan files")
    layout_sub = layout.add_subparsers(dest="layout_command", required=True)
    draft = layout_sub.add_parser("draft", help="write a commented layout that reads these files, checked by "
                                                "loading them with it, and say what it is unsure of")
    draft.add_argument("files", nargs="+", help="the plan's files (xlsx, csv, docx, pdf; several quarters together)")
    draft.add_argument("-o", "--out", help="the layout file to write (default: FIRST_FILE_STEM.layout.yaml here)")
    draft.add_argument("--force", action="store_true", help="replace OUT if it exists")
    draft.set_defaults(run=_layout_draft)

    render = sub.add_parser("render", help="render committee packs to HTML and PDF")
    render.add_argument("packs", nargs="*", help="pack files (params/*.yaml)")
    render.add_argument("--all", action="store_true", help="render every pack in --params")
    render.add_argument("--params", default="params", help="folder of pack files for --all (default: params)")
    render.add_argument("--reports", default="reports", help="output folder (default: reports)")
    render.add_argument("--jobs", type=_at_least_one, default=1,
                        help="packs rendered at once, in separate processes (1 or more; default 1)")
    render.add_argument("--force", action="store_true",
                        help="render every pack, even those up to date (nothing they depend on changed)")
    render.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="render on the Dask cluster whose scheduler is here (see the README)")
    render.add_argument("--quiet", action="store_true",
                        help="print nothing when nothing changed (for cron); failures and what was rendered are "
                             "still said")
    render.set_defaults(run=_render)

    verify = sub.add_parser("verify", help="check a published report against its inputs and a new render of it")
    verify.add_argument("folder", help="a published report: reports/<pack>/<as_of>")
    verify.add_argument("--root", help="the project folder the manifest's paths are relative to (default: the "
                                       "current folder, else the folder holding reports/)")
    verify.set_defaults(run=_verify)
    return parser


def main(argv=None) -> int:
    raw_out, raw_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(raw_out), TerminalSafe(raw_err)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = raw_out, raw_err


def _main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    args.from_command_line = argv is None  # the process is the command's own
    if args.command == "render":  # its progress bar redraws its line with carriage returns
        sys.stderr.keep_cr = True
    configure_logging()
    try:
        return args.run(args)
    except ReportlibError as exc:
        from reportlib.errors import ValidationFailed

        if isinstance(exc, ValidationFailed):
            errors = [f for f in exc.findings if f.severity == "error"]
            for finding in errors:
                print(one_line(finding), file=sys.stderr)
            print(f"nothing was written: {len(errors)} error(s) in the input", file=sys.stderr)
        else:
            print(one_line(f"error: {exc}"), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
