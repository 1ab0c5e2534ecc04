"""Free text -> Use of Resources KLOEs."""
import pytest

from reportlib.model import kloe


@pytest.mark.parametrize("text, code", [
    ("KLOE 1.1 - Financial planning", "1.1"),
    ("KLOE 2.1 commissioning and procurement", "2.1"),
    ("Resources KLOE 3.3 workforce", "3.3"),
    ("KLOE 2.2 data quality and use of information", "2.2"),
    ("Managing natural resources", "3.1"),
    ("Workforce management", "3.3"),
    ("2.4 Risk management and internal control", "2.4"),
    ("KLOE 1.2 - Understanding costs", "1.2"),
    ("Strategic asset management", "3.2"),
    ("Financial reporting", "1.3"),
])
def test_resolves_numbered_and_unnumbered_forms(text, code):
    found = kloe.resolve(text)
    assert found is not None and found.code == code
    assert found.theme == int(code[0])


@pytest.mark.parametrize("text", ["KLOE 4.1 something", "KLOE 1.9", "", None, "Customer service"])
def test_outside_the_framework_is_not_resolved(text):
    assert kloe.resolve(text) is None


def test_theme_headings_and_labels():
    assert kloe.theme_of("Theme 2 - Governing the Business") == 2
    assert kloe.theme_of("Theme 3 - Managing Resources") == 3
    assert kloe.label("2.1") == "2.1 Commissioning and procurement"
    assert kloe.label(None) == "No KLOE"


def test_a_heading_whose_number_and_words_name_different_kloes_is_a_warning(tmp_path):
    from workbooks import item, tracker_folder

    import reportlib

    folder = tracker_folder(tmp_path, [["KLOE 2.1 - Data quality"], item(1)])
    [warning] = [f for f in reportlib.load_plans(folder).warnings if f.code == "kloe_mismatch"]
    assert "gives the KLOE number 2.1 (Commissioning and procurement), but its words name 2.2" in warning.message
    assert (warning.location.sheet, warning.location.row) == ("Tracker", 5)
    assert kloe.disagreement("KLOE 1.1 - Financial planning") is None
