from decimal import Decimal

import numpy as np

from analys.rapporter.format import format_kr, format_procent, format_tal


def test_numpy_and_python_numbers_format_alike():
    assert format_tal(np.int64(1030000)) == format_tal(1030000) == "1 030 000"
    assert format_procent(np.float64(0.0794)) == format_procent(0.0794) == "7,94 %"
    assert format_kr(np.int64(400000)) == "400 000 kr"
    assert format_tal(Decimal("2.5"), 1) == "2,5"
    assert format_tal(-5) == "−5"
    assert format_tal(0.125, 2) == "0,13"  # halva uppåt
