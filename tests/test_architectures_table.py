"""The layer table's fixed-width text."""

import re

from conv1x1_viz.architectures import LayerRow, LayerTable

# --------------------------------------------------------------------------- the table text


def test_table_text_is_fixed_width_with_separators():
    table = LayerTable(
        "demo",
        (
            LayerRow("input", "InputLayer", (4, 4, 512), 0, 0),
            LayerRow("conv", "Conv2D", (4, 4, 64), 32_832, 524_288),
            LayerRow("bn", "BatchNormalization", (4, 4, 64), 256, 0, 128),
            LayerRow("gap", "GlobalAveragePooling2D", (64,), 0, 0),
        ),
    )
    expected = """\
demo
------------------------------------------------------------
Layer  Kind                    Output shape  Params     MACs
------------------------------------------------------------
input  InputLayer              (4, 4, 512)        0        0
conv   Conv2D                  (4, 4, 64)    32,832  524,288
bn     BatchNormalization      (4, 4, 64)       256        0
gap    GlobalAveragePooling2D  (64,)              0        0
------------------------------------------------------------
Total                                        33,088  524,288
of which non-trainable (batch-norm moving mean and variance): 128"""
    assert repr(table) == expected
    assert str(table) == expected
    assert not hasattr(table, "_repr_html_")
    assert len(table) == 4


def test_table_without_macs_leaves_the_column_out():
    table = LayerTable("t", (LayerRow("input", "InputLayer", (2, 2, 3), 0, None),))
    assert table.total_macs is None
    assert "MACs" not in repr(table)
    assert re.search(r"^Total\s+0$", repr(table), flags=re.MULTILINE)
