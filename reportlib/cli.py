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
import logging
import re
import sys
from pathlib import Path

from .errors import ReportlibError

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


def _validate(args) -> int:
    from .load import inspect_plans

    plans = inspect_plans(args.paths or ["data"], args.layout)
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
    print(f"{len(plans.actions)} actions, {len(plans.updates)} updates from {plans.sources['file'].nunique()} "
          f"file(s); {len(plans.errors)} errors, {len(plans.warnings)} warnings")
    return EXIT_FAILED if plans.errors else EXIT_OK


def _export(args) -> int:
    from .export import write_tables
    from .load import load_plans

    plans = load_plans(args.paths or ["data"], args.layout)
    for finding in plans.warnings:
        print(one_line(finding), file=sys.stderr)
    for path in write_tables(plans, args.out):
        print(f"wrote {path}")
    return EXIT_OK


def _render(args) -> int:
    from .publish import Interrupted
    from .render import render_packs

    packs = sorted(Path(args.params).glob("*.yaml")) if args.all else [Path(p) for p in args.packs]
    if not packs:
        print("error: no packs to render (name PACK.yaml files, or use --all with packs in "
              f"{args.params}/)", file=sys.stderr)
        return EXIT_USAGE
    try:
        results = render_packs(packs, reports_dir=args.reports, jobs=args.jobs)
    except Interrupted as exc:
        print(f"interrupted by {exc.signal_name}: the kernel was stopped and the unfinished output removed; "
              f"the reports already in {args.reports}/ are unchanged", file=sys.stderr)
        return exc.exit_code
    failed = [r for r in results if not r.ok]
    for result in failed:
        print(one_line(f"error: pack {result.pack} failed: {result.error}"), file=sys.stderr)
    print(f"{len(results) - len(failed)} of {len(results)} pack(s) rendered", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportlib", description="Committee reports from audit action plans.")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check action-plan spreadsheets and list every finding")
    validate.add_argument("paths", nargs="*", help="files or folders (default: data/)")
    validate.add_argument("--layout", action="append", help="use this layout (name or YAML file) instead of detecting")
    validate.set_defaults(run=_validate)

    export = sub.add_parser("export", help="write the canonical tables as actions.csv, updates.csv, plans.xlsx")
    export.add_argument("paths", nargs="*", help="files or folders (default: data/)")
    export.add_argument("--out", required=True, help="folder to write into")
    export.add_argument("--layout", action="append", help="use this layout (name or YAML file) instead of detecting")
    export.set_defaults(run=_export)

    render = sub.add_parser("render", help="render committee packs to HTML and PDF")
    render.add_argument("packs", nargs="*", help="pack files (params/*.yaml)")
    render.add_argument("--all", action="store_true", help="render every pack in --params")
    render.add_argument("--params", default="params", help="folder of pack files for --all (default: params)")
    render.add_argument("--reports", default="reports", help="output folder (default: reports)")
    render.add_argument("--jobs", type=int, default=1, help="packs rendered at once, in separate processes")
    render.set_defaults(run=_render)
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
    if args.command == "render":  # its progress bar redraws its line with carriage returns
        sys.stderr.keep_cr = True
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        return args.run(args)
    except ReportlibError as exc:
        from .errors import ValidationFailed

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
