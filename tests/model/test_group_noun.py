"""How a plan's group label reads in a sentence (``model.plans.group_noun``): reports say
"3 audit reports" or "2 VfM criteria", never "criterions" or "prioritys"."""
import pytest

from reportlib.model.plans import group_noun


@pytest.mark.parametrize("label, plural", [
    ("Audit report", "audit reports"),
    ("KLOE", "KLOEs"),
    ("VfM criterion", "VfM criteria"),
    ("Priority area", "priority areas"),
    ("Audit category", "audit categories"),
    ("Service directorate", "service directorates"),
    ("Business process", "business processes"),
    ("ICT audit", "ICT audits"),
    ("Key day", "key days"),
    ("Audit reports", "audit reports"),
])
def test_a_group_label_has_its_plural(label, plural):
    assert group_noun(label, plural=True) == plural


def test_singular_and_capital_are_as_written():
    assert group_noun("Audit report") == "audit report"
    assert group_noun("VfM criterion", capital=True) == "VfM criterion"
    assert group_noun("audit category", plural=True, capital=True) == "Audit categories"
