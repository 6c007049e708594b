"""Names for the uniqueness tests: pairs that must count as one name, and invisible names."""

import pytest

FULLWIDTH_LUNCH = "\uff2c\uff55\uff4e\uff43\uff48"

# (a name that exists, a name that must be refused as the same one)
SAME_NAMES = [
    pytest.param("Ärger", "ärger", id="umlaut-case"),
    pytest.param("\u03a3", "\u03c3", id="greek-sigma"),
    pytest.param("\u00e9", "e\u0301", id="nfc-nfd"),
    pytest.param("Lunch", "Lun\u200bch", id="zero-width-space"),
    pytest.param("Lunch", FULLWIDTH_LUNCH, id="fullwidth"),
    pytest.param("Lunch", "Lunch\u00a0", id="trailing-nbsp"),
    pytest.param("Coffee break", "Coffee\u00a0break", id="nbsp-inside"),
    pytest.param("Coffee break", "coffee   BREAK", id="spaces-and-case"),
]

# Nothing visible: blank on every surface, never a conflict.
INVISIBLE_NAMES = [
    pytest.param("\u200b", id="zero-width-space"),
    pytest.param("\u200b\u00a0\u200d", id="zwsp-nbsp-zwj"),
    pytest.param("\u2063\ufeff", id="invisible-separator-bom"),
]
