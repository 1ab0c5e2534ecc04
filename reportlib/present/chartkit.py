"""The house look of reportlib's charts, and the pieces every chart is drawn with.

``HOUSE_STYLE`` (rcParams: fonts and sizes for an A4 page, no chart junk),
``STATUS_STYLE`` and ``TIMELINESS_STYLE`` (one Okabe-Ito colour per value plus a hatch
or marker, so meaning never rests on colour alone), the ``Chart`` result, and the
drawing, data and wording helpers used by ``reportlib.present.charts``.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import colors as mcolors
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation
from PIL import Image

from reportlib.errors import ReportlibError
from reportlib.model import kloe as _kloe
from reportlib.model.vocab import STATUS_LABELS, TIMELINESS_LABELS, short_date

# --- the house style ------------------------------------------------------------------

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

FIGURE_WIDTH = 7.0  # inches: the A4 text width, so a point on screen is a point on paper
PNG_DPI = 200  # sharp in the PDF
SMALL_TEXT = 9  # the smallest text on any chart (counts in segments, heat-map cells)
INK = "#1A1A1A"
MUTED = "#4D4D4D"

HOUSE_STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same on every machine
    "font.size": 10,
    "figure.titlesize": 12,
    "figure.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.grid": False,
    "axes.prop_cycle": cycler(color=[OKABE_ITO[k] for k in (
        "blue", "orange", "bluish_green", "vermillion", "sky_blue", "reddish_purple", "yellow", "black")]),
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "text.color": INK,
    "text.parse_math": False,  # "$" in an owner's name is text, not mathtext
    "hatch.linewidth": 0.8,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": PNG_DPI,
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,
    "svg.hashsalt": "reportlib",
}

# Fixed order, label, colour and hatch per status (the status vocabulary of reportlib.analysis.status).
STATUS_STYLE = {
    "complete": {"label": STATUS_LABELS["complete"], "color": OKABE_ITO["bluish_green"], "hatch": ""},
    "in_progress": {"label": STATUS_LABELS["in_progress"], "color": OKABE_ITO["sky_blue"], "hatch": "//"},
    "planned": {"label": STATUS_LABELS["planned"], "color": OKABE_ITO["blue"], "hatch": ".."},
    "no_action": {"label": STATUS_LABELS["no_action"], "color": OKABE_ITO["reddish_purple"], "hatch": "\\\\"},
    "no_update": {"label": STATUS_LABELS["no_update"], "color": OKABE_ITO["grey"], "hatch": "--"},
    "needs_review": {"label": STATUS_LABELS["needs_review"], "color": OKABE_ITO["vermillion"], "hatch": "xx"},
}
_OTHER_STATUS = {"color": "#FFFFFF", "hatch": "oo"}  # any value outside the vocabulary

# Fixed order, label, colour, marker and hatch per timeliness.
TIMELINESS_STYLE = {
    "overdue": {"label": TIMELINESS_LABELS["overdue"], "color": OKABE_ITO["vermillion"], "marker": "X", "hatch": "xx"},
    "due_soon": {"label": TIMELINESS_LABELS["due_soon"], "color": OKABE_ITO["orange"], "marker": "D", "hatch": ".."},
    "on_time": {"label": TIMELINESS_LABELS["on_time"], "color": OKABE_ITO["blue"], "marker": "o", "hatch": ""},
    "complete": {"label": "Complete", "color": OKABE_ITO["bluish_green"], "marker": "s", "hatch": ""},
    "closed": {"label": TIMELINESS_LABELS["closed"], "color": OKABE_ITO["bluish_green"], "marker": "P", "hatch": "++"},
    "no_target": {"label": TIMELINESS_LABELS["no_target"], "color": OKABE_ITO["grey"], "marker": "^", "hatch": "--"},
}
OTHER_TIMELINESS = {"color": OKABE_ITO["black"], "marker": "v", "hatch": "oo"}

# Sequential scales for the heat map: white to the colour of what is being counted.
HEATMAP_VALUES = {
    "pct_complete": ("% of actions complete", OKABE_ITO["bluish_green"]),
    "pct_overdue": ("% of actions overdue", OKABE_ITO["vermillion"]),
    "actions": ("Number of actions", OKABE_ITO["blue"]),
}
NO_UPDATES = "no updates"
NO_KLOE = "No KLOE"
NO_OWNER = "No owner named"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- the chart ------------------------------------------------------------------------


@dataclass(eq=False, repr=False)
class Chart:
    """A finished chart: ``figure`` (made without pyplot), ``title``, ``alt_text``
    (what the figure shows, with its numbers) and ``data`` (the tidy frame plotted)."""

    figure: Figure
    title: str
    alt_text: str
    data: pd.DataFrame
    #: What the chart shows, in a sentence or two with its figures: the caption a reader sees
    #: under it (the title is drawn in the chart itself). Default: the alt text.
    finding: str = ""
    #: Set for a chart with nothing to draw (``nothing_to_show``): a report shows ``finding``, no image.
    empty: bool = False

    def __post_init__(self):
        if not self.finding:
            self.finding = self.alt_text

    def __repr__(self) -> str:
        return f"Chart(title={self.title!r}, alt_text={self.alt_text!r})"

    def to_png(self, dpi: int = PNG_DPI) -> bytes:
        """The figure as PNG bytes (200 dpi by default), in a palette of 256 colours: a chart
        has a handful of colours and their anti-aliased edges, and the file is a third the size.

        The figure is drawn straight to RGBA pixels and encoded once (no PNG written and read
        back); the fast-octree palette is exact for flat colours and several times quicker
        than median cut (``benchmarks/bench_chart_formats.py``).
        """
        canvas, shown_dpi = FigureCanvasAgg(self.figure), self.figure.dpi
        try:
            with mpl.rc_context(HOUSE_STYLE):
                self.figure.dpi = dpi
                canvas.draw()
            image = Image.fromarray(np.asarray(canvas.buffer_rgba()), "RGBA").convert("RGB")
        finally:
            self.figure.dpi = shown_dpi
        image = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi))
        return buffer.getvalue()

    def _shown_png(self) -> bytes:
        """The PNG a notebook shows, drawn once: Jupyter asks for both the PNG and the HTML."""
        if getattr(self, "_shown", None) is None:
            self._shown = self.to_png()
        return self._shown

    def _repr_png_(self) -> bytes | None:
        return None if self.empty else self._shown_png()

    def to_svg(self, limit: int | None = None) -> bytes | None:
        """The figure as SVG bytes (text drawn as paths, so it looks the same without the font).

        ``limit``: stop drawing, and return None, as soon as the SVG reaches this many bytes.
        """
        buffer = io.BytesIO() if limit is None else _CappedBuffer(limit)
        try:
            with mpl.rc_context(HOUSE_STYLE):
                self.figure.savefig(buffer, format="svg", metadata={"Date": None})
        except _CappedBuffer.Full:
            return None
        return buffer.getvalue()

    def image_data(self) -> tuple[str, bytes]:
        """(MIME type, bytes) of the image a report embeds: the 200 dpi PNG the notebook shows,
        drawn once for both.

        The PNG has about two device pixels per CSS pixel at the chart's design width, and
        prints at 200 dpi. An SVG used to be drawn as well, and embedded where it was the
        smaller; on every shipped and synthetic chart it was not (2 to 4 times the PNG's
        bytes, ``benchmarks/bench_chart_formats.py``), and drawing it cost a fifth of the
        chart's time. ``to_svg`` and ``save`` still give an SVG to whoever wants one.
        """
        return "image/png", self._shown_png()

    def _repr_html_(self) -> str:
        if self.empty:  # a sentence, never a picture of one
            return f'<p class="rl-no-chart">{html.escape(self.finding)}</p>'
        mime, data = self.image_data()
        image = base64.b64encode(data).decode("ascii")
        width = round(self.figure.get_figwidth() * 96)  # CSS pixels: shown at its design size
        height = round(self.figure.get_figheight() * 96)
        return (
            '<figure class="chart">'
            f'<img src="data:{mime};base64,{image}" alt="{html.escape(self.alt_text, quote=True)}"'
            f' width="{width}" height="{height}" style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(self.finding)}</figcaption>"
            "</figure>"
        )

    def save(self, path, dpi: int = PNG_DPI) -> Path:
        """Write the figure to ``path``; the suffix picks the format (png, pdf, svg)."""
        path = Path(path)
        fmt = path.suffix.lstrip(".").lower() or "png"
        metadata = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}.get(fmt)
        with mpl.rc_context(HOUSE_STYLE):
            self.figure.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
        return path


class _CappedBuffer(io.BytesIO):
    """Bytes written up to ``limit``; the write that reaches it raises ``Full``."""

    class Full(Exception):
        pass

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def write(self, data) -> int:
        written = super().write(data)
        if self.tell() >= self.limit:
            raise self.Full
        return written


def house_style(function):
    """Build the chart under the house rcParams (fonts, colours, sizes)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(HOUSE_STYLE):
            chart = function(*args, **kwargs)
            if isinstance(chart, Chart):
                _freeze_layout(chart.figure)
        return chart

    return wrapper


# --- drawing helpers ------------------------------------------------------------------


def _freeze_layout(fig: Figure) -> None:
    """Work the constrained layout out one last time, then keep it: the PNG and the SVG are
    drawn from it without running the layout again (a third of the time a chart takes).
    A figure already frozen (by ``_label_segments``) is left as it is."""
    if lay_out(fig):
        fig.set_layout_engine("none")


def lay_out(fig: Figure) -> bool:
    """Run the figure's layout engine: every axes at its final place and size, without
    drawing the figure's artists as ``draw_without_rendering`` also does (half its time).
    False when the figure has no layout engine to run (none, or its layout frozen)."""
    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        return False
    engine.execute(fig)
    return True


def new_figure(height: float) -> Figure:
    """A figure at A4 text width; never through pyplot, so nothing auto-displays it.

    It has an Agg canvas from the start, so its layouts and text measurements share one renderer
    and that renderer's cache of text sizes (a bare figure makes a new renderer, by drawing the
    figure up to its first artist, each time it is laid out or a legend is measured)."""
    fig = Figure(figsize=(FIGURE_WIDTH, max(1.6, height)), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def nothing_to_show(title: str, reason: str, columns) -> Chart:
    """A chart with nothing to draw. A report shows the sentence ``finding`` ("No action is overdue
    as of 31 Jul 2010, so there is no chart of overdue actions by owner.") and no image; the figure
    (for ``save``) and ``alt_text`` still say "Nothing to show: <reason>."."""
    message = f"Nothing to show: {reason}."
    fig = new_figure(1.6)
    ax = fig.add_subplot()
    ax.set_axis_off()
    figure_title(fig, title)
    ax.text(0.5, 0.45, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color=MUTED)
    subject = title.split(", as of ")[0]
    if not subject[1:2].isupper():  # "Overdue actions by owner" -> "overdue actions by owner"; "KLOE ..." kept
        subject = subject[:1].lower() + subject[1:]
    sentence = f"{reason[:1].upper()}{reason[1:]}, so there is no chart of {subject}."
    return Chart(fig, title, message, pd.DataFrame(columns=list(columns)), finding=sentence, empty=True)


def stacked_bars(fig, ax, matrix: pd.DataFrame, *, horizontal: bool, tick_labels) -> None:
    """Bars stacked by status: one container per column of ``matrix`` (labelled for the
    legend), counts written on the segments that can hold them, each bar's total at its end."""
    positions = np.arange(len(matrix))
    base = np.zeros(len(matrix))
    draw = ax.barh if horizontal else ax.bar
    for column in matrix.columns:
        style = STATUS_STYLE.get(column, _OTHER_STATUS)
        counts = matrix[column].to_numpy()
        start = {"left": base} if horizontal else {"bottom": base}
        draw(positions, counts, 0.68, **start, color=style["color"], hatch=style["hatch"],
             edgecolor=darker(style["color"]), linewidth=0.6, label=status_label(column))
        base = base + counts
    totals = base
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_locator(MaxNLocator(integer=True))
    (ax.set_xlim if horizontal else ax.set_ylim)(0, max(1, totals.max()) * 1.08)
    if horizontal:
        ax.set_yticks(positions, tick_labels)
        ax.invert_yaxis()
    else:
        ax.set_xticks(positions, tick_labels)
    ax.tick_params(axis="y" if horizontal else "x", length=0)
    for position, total in zip(positions, totals):
        xy, offset = ((total, position), (4, 0)) if horizontal else ((position, total), (0, 3))
        ax.annotate(str(int(total)), xy=xy, xytext=offset, textcoords="offset points", fontsize=10, fontweight="bold",
                    ha="left" if horizontal else "center", va="center" if horizontal else "bottom", gid="total")
    top_legend(fig, ax)
    _label_segments(fig, ax, horizontal)


def figure_title(fig, title: str) -> None:
    """The chart title, top left of the figure (long titles wrap)."""
    fig.suptitle(wrapped(title, 64), x=0.01, ha="left", multialignment="left")


def top_legend(fig, ax, handles=None, gap: float = 4) -> None:
    """A frameless legend just above the plot, left-aligned with it, in as few rows as
    fit its width: it never covers data. ``gap`` (points) is the space below it."""
    lay_out(fig)
    room = ax.get_window_extent().width
    entries = len(handles) if handles is not None else len(ax.get_legend_handles_labels()[1])
    above = ax.transAxes + ScaledTranslation(0, gap / 72, fig.dpi_scale_trans)
    for rows in range(1, entries + 1):
        ncols = math.ceil(entries / rows)
        options = {"handles": handles} if handles is not None else {}
        legend = ax.legend(**options, loc="lower left", bbox_to_anchor=(0, 1), bbox_transform=above, borderaxespad=0,
                           borderpad=0, ncols=ncols, handlelength=1.4, columnspacing=1.2, handletextpad=0.5)
        legend.set_in_layout(False)  # measuring a too-wide trial must not squeeze the plot
        # a legend out of the layout moves nothing else: its width is measured without
        # laying the figure out again
        if legend.get_window_extent().width <= room:
            break
    legend.set_in_layout(True)


def _label_segments(fig, ax, horizontal: bool) -> None:
    """Write each segment's count on it, where the segment is big enough to hold it."""
    # the layout, final from here: the labels go inside their bars, so they move nothing
    _freeze_layout(fig)
    box = ax.get_window_extent()
    points_per_pixel = 72 / fig.dpi
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x_scale = box.width * points_per_pixel / abs(x1 - x0)
    y_scale = box.height * points_per_pixel / abs(y1 - y0)
    for container in ax.containers:
        for patch in container.patches:
            count = patch.get_width() if horizontal else patch.get_height()
            if count <= 0:
                continue
            text = str(int(round(count)))
            text_width = 0.62 * SMALL_TEXT * len(text) + 4
            text_height = SMALL_TEXT + 3
            width_pt = patch.get_width() * x_scale
            height_pt = patch.get_height() * y_scale
            if width_pt < text_width or height_pt < text_height:
                continue
            fill = patch.get_facecolor()
            backing = {"boxstyle": "round,pad=0.12", "facecolor": fill, "edgecolor": "none"}  # hides the hatch
            ax.text(patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2, text,
                    ha="center", va="center", fontsize=SMALL_TEXT, color=ink_on(fill), gid="segment",
                    bbox=backing if patch.get_hatch() else None)


def fit_cell_texts(fig, ax, n_cols: int) -> None:
    """Make "no updates" fit a heat-map cell: on one line, else on two, else turned upright."""
    cells = [t for t in ax.texts if t.get_text() == NO_UPDATES]
    if not cells:
        return
    lay_out(fig)
    cell_width = ax.get_window_extent().width / max(1, n_cols) - 4 * fig.dpi / 72
    for text, rotation in ((NO_UPDATES, 0), (NO_UPDATES.replace(" ", "\n"), 0), (NO_UPDATES.replace(" ", "\n"), 90)):
        cells[0].set_text(text)
        cells[0].set_rotation(rotation)
        if cells[0].get_window_extent().width <= cell_width:
            break
    for cell in cells[1:]:
        cell.set_text(text)
        cell.set_rotation(rotation)


def darker(colour, factor: float = 0.55):
    """The outline and hatch colour for a fill: the same hue, darker."""
    r, g, b = mcolors.to_rgb(colour)
    if (r, g, b) == (1.0, 1.0, 1.0):
        return MUTED
    return (r * factor, g * factor, b * factor)


def ink_on(fill) -> str:
    """Black or white text, whichever contrasts more with ``fill`` (WCAG luminance)."""
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in mcolors.to_rgb(fill)]
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


def wrapped(text: str, width: int) -> str:
    return textwrap.fill(str(text), width=width, break_long_words=False, break_on_hyphens=False)


# --- data helpers ---------------------------------------------------------------------


def usable_frame(frame, required, function: str, name: str, one_of=()) -> pd.DataFrame | None:
    """The rows worth charting (a copy), or None when there are none.

    An empty or all-NA frame is None (a "Nothing to show" chart); a frame with rows but
    without the columns the chart needs is a mistake, and says which columns.
    """
    if frame is None:
        return None
    if not isinstance(frame, pd.DataFrame):
        raise ReportlibError(f"{function}: {name} must be a DataFrame, not {type(frame).__name__}")
    if frame.empty:
        return None
    missing = [c for c in required if c not in frame.columns]
    if one_of and not any(c in frame.columns for c in one_of):
        missing.append(" or ".join(one_of))
    if missing:
        has = ", ".join(map(str, frame.columns))
        raise ReportlibError(f"{function}: {name} has no column {', '.join(missing)} (it has: {has})")
    subset = [c for c in (*required, *one_of, "action_id") if c in frame.columns]
    frame = frame.dropna(how="all", subset=subset)
    return frame if len(frame) else None


def filled_codes(values: pd.Series, missing: str) -> pd.Series:
    """Vocabulary codes as written by reportlib.analysis.status ("In progress" -> "in_progress")."""
    codes = values.astype("string").str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return codes.replace("", pd.NA).fillna(missing).astype(object)


def kloe_codes(values: pd.Series) -> pd.Series:
    codes = values.astype("string").str.strip().str.replace(r"^kloe\s*", "", case=False, regex=True)
    return codes.replace("", pd.NA)


def kloe_labels(codes: pd.Series, names: pd.Series | None) -> pd.Series:
    """ "2.1 Commissioning and procurement" from the framework; "No KLOE" when there is none."""
    names = names.astype("string") if names is not None else pd.Series(pd.NA, index=codes.index, dtype="string")
    labels = []
    for code, name in zip(codes, names):
        if pd.isna(code):
            labels.append(NO_KLOE)
        elif code in _kloe.FRAMEWORK:
            labels.append(_kloe.label(code))
        else:  # outside the framework: say what the data says
            labels.append(f"{code} {name}".strip() if pd.notna(name) else str(code))
    return pd.Series(labels, index=codes.index, dtype=object)


def kloe_order(tidy: pd.DataFrame) -> pd.DataFrame:
    """One row per KLOE label present, in framework order, "No KLOE" last."""
    kloes = tidy[["kloe", "kloe_label"]].drop_duplicates("kloe_label")

    def key(row):
        code, label = row
        if label == NO_KLOE:
            return (2, (), label)
        parts = str(code).split(".")
        if all(p.isdigit() for p in parts):
            return (0, tuple(int(p) for p in parts), label)
        return (1, (), label)

    ordered = sorted(zip(kloes["kloe"], kloes["kloe_label"]), key=key)
    return pd.DataFrame(ordered, columns=["kloe", "kloe_label"]).astype({"kloe": "string"})


def short_kloe(code, label: str) -> str:
    return NO_KLOE.replace(" ", "\n") if label == NO_KLOE else str(code)


def ordered_values(values: pd.Series, styles: dict) -> list[str]:
    """The values present, the known ones in the house order, then any others A-Z."""
    present = set(values.dropna())
    return [v for v in styles if v in present] + sorted(present - set(styles))


def count_matrix(tidy, rows: str, columns: str, row_order, column_order) -> pd.DataFrame:
    counts = tidy.groupby([rows, columns]).size().unstack(fill_value=0)
    return counts.reindex(index=list(row_order), columns=list(column_order), fill_value=0).astype(int)


def long_form(matrix: pd.DataFrame, rows: str, columns: str, keys: pd.DataFrame) -> pd.DataFrame:
    """The matrix as tidy rows (non-zero counts), with the row keys (kloe code, date) joined."""
    long = matrix.stack().rename("actions").reset_index()
    long.columns = [rows, columns, "actions"]
    long = long[long["actions"] > 0]
    return long.merge(keys, on=rows, how="left").reset_index(drop=True)


def effective_target(frame: pd.DataFrame) -> pd.Series:
    """``effective_target_date``, or the revised target falling back to the original."""
    target = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for column in ("effective_target_date", "revised_target_date", "target_date"):
        if column in frame:
            target = target.fillna(pd.to_datetime(frame[column], errors="coerce"))
    return target


def as_of_date(value, frame) -> pd.Timestamp | None:
    """The as-of date given, else ``frame.attrs["as_of"]``, else None."""
    if value is None and isinstance(frame, pd.DataFrame):
        value = frame.attrs.get("as_of")
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ReportlibError(f"as_of is not a date: {value!r}") from error
    return None if pd.isna(stamp) else stamp.normalize()


def status_label(code: str) -> str:
    return STATUS_STYLE.get(code, {}).get("label") or _human(code)


def timeliness_label(code: str) -> str:
    return TIMELINESS_STYLE.get(code, {}).get("label") or _human(code)


def _human(code: str) -> str:
    return str(code).replace("_", " ").capitalize()


# --- words ----------------------------------------------------------------------------


def month_year(stamp) -> str:
    return "" if pd.isna(stamp) else f"{_MONTHS[stamp.month - 1]} {stamp.year}"


def dated_title(title: str, as_of) -> str:
    return f"{title}, as of {short_date(as_of)}" if as_of is not None else title


def as_of_phrase(as_of) -> str:
    return f" as of {short_date(as_of)}" if as_of is not None else ""


def counted(count, noun: str) -> str:
    count = int(count)
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def has_or_have(count) -> str:
    return "has" if int(count) == 1 else "have"


def is_or_are(count) -> str:
    return "is" if int(count) == 1 else "are"


def breakdown(counts: pd.Series) -> str:
    """ "3 complete, 4 in progress, 1 needs review" (non-zero counts, in house order)."""
    return ", ".join(f"{int(n)} {status_label(code).lower()}" for code, n in counts.items() if n)


def percent(part: int, total: int) -> str:
    """Rounded half up, but never "100%" unless all, nor "0%" unless none."""
    value = math.floor(100 * part / total + 0.5)
    if part < total:
        value = min(value, 99)
    if part > 0:
        value = max(value, 1)
    return f"{value}%"


