"""Published multiply-accumulate counts of ``keras.applications`` models, with their sources.

Each entry is what a paper's table (or text) gives for the network that Keras builds
with these arguments, counted as the audit counts: multiply-adds for one image, at the
input size the paper uses. Papers often call them "FLOPs" or "mult-adds"; all of these
count one multiply-add once. The audit reproduces them within 2 %
(``tests/test_audit_applications.py``, and notebook 08).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["PUBLISHED", "Published"]


class Published(NamedTuple):
    """A network's published count.

    Attributes
    ----------
    builder : str
        The ``keras.applications`` function.
    arguments : dict
        What it is given besides ``weights=None`` (the paper's input size).
    macs : float
        The published multiply-accumulates for one image.
    source : str
        Where it is published.
    """

    builder: str
    arguments: dict
    macs: float
    source: str


#: By the name a table shows.
PUBLISHED: dict[str, Published] = {
    "MobileNet": Published(
        "MobileNet", {"input_shape": (224, 224, 3)}, 569e6,
        "Howard et al. 2017, MobileNets, Table 8",
    ),
    "MobileNetV2": Published(
        "MobileNetV2", {}, 300e6, "Sandler et al. 2018, MobileNetV2, Table 4"
    ),
    "MobileNetV3Large": Published(
        "MobileNetV3Large", {"input_shape": (224, 224, 3)}, 219e6,
        "Howard et al. 2019, Searching for MobileNetV3, Table 3",
    ),
    "MobileNetV3Small": Published(
        "MobileNetV3Small", {"input_shape": (224, 224, 3)}, 56e6,
        "Howard et al. 2019, Searching for MobileNetV3, Table 4",
    ),
    "ResNet50": Published("ResNet50", {}, 3.8e9, "He et al. 2016, ResNet, Table 1"),
    "ResNet101": Published("ResNet101", {}, 7.6e9, "He et al. 2016, ResNet, Table 1"),
    "ResNet152": Published("ResNet152", {}, 11.3e9, "He et al. 2016, ResNet, Table 1"),
    "VGG19": Published("VGG19", {}, 19.6e9, "He et al. 2016, ResNet, Section 3.3"),
    "NASNetMobile": Published(
        "NASNetMobile", {}, 564e6, "Zoph et al. 2018, NASNet, Table 3"
    ),
    "NASNetLarge": Published("NASNetLarge", {}, 23.8e9, "Zoph et al. 2018, NASNet, Table 2"),
    "EfficientNetB0": Published(
        "EfficientNetB0", {}, 0.39e9, "Tan and Le 2019, EfficientNet, Table 2"
    ),
    "ConvNeXtTiny": Published(
        "ConvNeXtTiny", {}, 4.5e9, "Liu et al. 2022, A ConvNet for the 2020s, Table 1"
    ),
    "ConvNeXtBase": Published(
        "ConvNeXtBase", {}, 15.4e9, "Liu et al. 2022, A ConvNet for the 2020s, Table 1"
    ),
}  # fmt: skip
