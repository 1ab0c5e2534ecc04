"""A chart is laid out more than once as it is built (to fit its legend, to place the counts on
its bars): each text on it is measured once, not again at each layout."""
from __future__ import annotations

from matplotlib.backends.backend_agg import RendererAgg

from reportlib.present import chartkit


def test_a_chart_laid_out_again_measures_no_text_again(monkeypatch):
    fig = chartkit.new_figure(3)
    ax = fig.add_subplot()
    ax.barh(["1.1 Planning for financial health", "2.2 Use of information"], [4, 7], label="Complete")
    ax.set_xlabel("Number of actions")
    chartkit.figure_title(fig, "Action status by KLOE, as of 31 Jul 2010")
    measured = []
    original = RendererAgg.get_text_width_height_descent

    def counting(self, text, prop, ismath):
        measured.append(text)
        return original(self, text, prop, ismath)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counting)
    chartkit.lay_out(fig)
    first = len(measured)
    chartkit.lay_out(fig)
    chartkit.top_legend(fig, ax)
    assert first > 0
    assert measured[first:] == [t for t in measured[first:] if t not in measured[:first]]  # nothing twice
