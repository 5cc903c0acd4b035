"""What an executed notebook stores beside the HTML of a section: the title only."""

import pandas as pd

from intmon_utils.report.html import Section


def test_plain_text_of_a_section_is_its_title_only():
    """Jupyter stores repr(section) as text/plain next to the HTML: it must not carry the
    data behind the section (numerators, reason codes, case counts) or server paths."""
    data = pd.DataFrame({"numerator": [2], "reason": ["secret"]})
    section = Section("Kennzahlen", "<p>.</p>", data, ["/srv/intmon/outputs/x.csv"])
    assert repr(section) == "Kennzahlen"
    assert "numerator" not in repr(section) and "/srv" not in repr(section)
    assert section._repr_html_().startswith("<h2>Kennzahlen</h2>")
