"""Open the rendered reports in headless Chromium with the network blocked: an external
auditor opening the file offline must see no failed request and no console error.

Chromium is driven over the DevTools protocol with a small client on websocket-client.
Skipped when Chromium is not installed (``.ci/run`` installs Debian's ``chromium``).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from browser import NO_CHROMIUM
from conftest import SAMPLE_STEM

pytestmark = [NO_CHROMIUM, pytest.mark.slow]


def test_the_check_catches_outside_loads_and_console_errors(browser, tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example/x.css">'
                     '</head><body><img src="chart.png"><script>console.error("broken")</script></body></html>')
    found = " | ".join(browser.open(leaky.as_uri()))
    assert "cdn.example" in found and "chart.png" in found and "console error" in found


def test_rendered_report_opens_offline_without_errors(browser, rendered_sample_pack):
    report = rendered_sample_pack.out_dir / f"{SAMPLE_STEM}.html"
    assert browser.open(report.as_uri()) == []
    shown = browser.call("Runtime.evaluate", expression="document.querySelectorAll('img').length && "
                         "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert shown["result"]["value"] is True  # the embedded chart decoded


def test_index_opens_offline_without_errors(browser, rendered_sample_pack):
    index: Path = rendered_sample_pack.reports / "index.html"
    assert browser.open(index.as_uri()) == []


def test_every_committee_pack_opens_offline_without_errors(browser, rendered_packs):
    for report in rendered_packs.htmls():
        assert browser.open(report.as_uri()) == [], report
