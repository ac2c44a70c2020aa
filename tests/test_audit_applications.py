"""audit_model on keras.applications models (weights=None: nothing is downloaded).

Each application is built once per session. Every row is checked against Keras itself:
its parameters against ``layer.count_params()``, its MACs against the number of kernel
weights times the output positions Keras reports (each weight of a convolution or dense
layer is used once per output position), and its place against ``model.layers``.
"""

import math

import pytest

from conv1x1_viz import audit_model
from conv1x1_viz.audit.published import PUBLISHED
from conv1x1_viz.audit.rows import RULES

#: name: (builder, keyword arguments, the paper's count of multiply-adds, if any)
APPLICATIONS = {
    "MobileNet": ("MobileNet", {"input_shape": (224, 224, 3), "alpha": 1.0}, 569e6),
    "MobileNetV2": ("MobileNetV2", {}, None),
    "ResNet50": ("ResNet50", {}, 3.8e9),
    "EfficientNetB0": ("EfficientNetB0", {}, 0.39e9),
    "DenseNet121": ("DenseNet121", {}, None),
    "InceptionV3": ("InceptionV3", {}, None),
}


@pytest.fixture(scope="module")
def built(keras):
    cache = {}

    def build(name):
        if name not in cache:
            builder, kwargs, _ = APPLICATIONS[name]
            model = getattr(keras.applications, builder)(weights=None, **kwargs)
            cache[name] = model, audit_model(model)
        return cache[name]

    return build


def layer_at(model, path):
    """Follow a row's path through the nested models to its layer."""
    outer, *names = path.split("/")
    assert outer == model.name
    layer = model
    for name in names:
        layer = layer.get_layer(name)
    return layer


def kernel_weights(layer):
    return sum(math.prod(w.shape) for w in layer.weights if "bias" not in w.path)


@pytest.mark.parametrize("name", list(APPLICATIONS))
def test_every_row_agrees_with_keras(built, name):
    model, audit = built(name)
    assert audit.total_params == model.count_params()
    assert [r.path.split("/")[-1] for r in audit.rows] == [
        layer.name for layer in model.layers if layer.weights
    ]
    for row in audit.rows:
        layer = layer_at(model, row.path)
        assert row.params == layer.count_params(), row.path
        assert row.layer_class == type(layer).__name__
        assert row.output_shape == tuple(layer.output.shape[1:]), row.path
        if row.counted:
            positions = math.prod(row.output_shape[:-1])
            assert row.macs == positions * kernel_weights(layer), row.path
        else:
            assert row.macs == 0
    ones = [
        layer
        for layer in model.layers
        if type(layer).__name__ == "Conv2D" and layer.kernel_size == (1, 1)
    ]
    assert audit.count_1x1 == len(ones) > 0
    assert audit.macs_1x1 == sum(row.macs for row in audit.rows if row.kind == "1×1 conv")


@pytest.mark.parametrize("name", [n for n, (_, _, paper) in APPLICATIONS.items() if paper])
def test_total_macs_near_the_papers(built, name):
    _, audit = built(name)
    paper = APPLICATIONS[name][2]
    assert abs(audit.total_macs - paper) / paper < 0.02


def test_mobilenet_pointwise_share_is_the_papers_without_the_classifier(built):
    _, audit = built("MobileNet")
    # Keras writes the classifier as a 1×1 convolution; the paper counts it apart (FC).
    (classifier,) = (r for r in audit.rows if r.path.endswith("/conv_preds"))
    assert classifier.kind == "1×1 conv" and classifier.macs == 1024 * 1000
    assert round(100 * (audit.macs_1x1 - classifier.macs) / audit.total_macs, 2) == 94.86
    assert audit.total_macs == sum(r.macs for r in audit.rows)


def test_a_base_network_inside_a_sequential(keras, built):
    full_model, full = built("MobileNetV2")
    base = keras.applications.MobileNetV2(include_top=False, weights=None)
    model = keras.Sequential(
        [
            keras.Input((224, 224, 3)),
            base,
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(1000, name="classifier"),
        ],
        name="transfer",
    )
    audit = audit_model(model)
    assert audit.total_params == model.count_params() == full_model.count_params()
    assert audit.rows[0].path == f"transfer/{base.name}/Conv1"
    # The base has no fixed size; inside the Sequential it is counted at 224×224.
    assert [r.macs for r in audit.rows] == [r.macs for r in full.rows]
    assert [r.kind for r in audit.rows] == [r.kind for r in full.rows]
    with pytest.raises(ValueError, match="model has an input of unknown size"):
        audit_model(base)
    assert audit_model(base, input_shape=(224, 224, 3)).total_macs == full.total_macs - 1280 * 1000


#: Every model keras.applications builds (a test checks that none is missing), and the
#: input size of those that need one: the MobileNetV3 builders make (None, None, 3).
ALL_APPLICATIONS = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "InceptionResNetV2",
    "InceptionV3",
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Large",
    "MobileNetV3Small",
    "NASNetLarge",
    "NASNetMobile",
    "ResNet101",
    "ResNet101V2",
    "ResNet152",
    "ResNet152V2",
    "ResNet50",
    "ResNet50V2",
    "VGG16",
    "VGG19",
    "Xception",
]
SIZED = {"MobileNetV3Large": (224, 224, 3), "MobileNetV3Small": (224, 224, 3)}
#: Over 40 M parameters, and DenseNet201: 2 to 10 s and up to 1.4 GB each to build.
HEAVY = {
    "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge", "DenseNet201", "EfficientNetB6",
    "EfficientNetB7", "EfficientNetV2L", "EfficientNetV2M", "InceptionResNetV2",
    "NASNetLarge", "ResNet101", "ResNet101V2", "ResNet152", "ResNet152V2",
    "VGG16", "VGG19",
}  # fmt: skip


def _marked(names):
    return [pytest.param(n, marks=pytest.mark.heavy) if n in HEAVY else n for n in names]


@pytest.mark.parametrize("name", _marked(ALL_APPLICATIONS))
def test_every_application_audits_with_keras_totals(keras, name):
    builder = getattr(keras.applications, name)
    # Built without drawing its initial weights (Keras defers them in a StatelessScope), in
    # about half the time: the audit reads only configs and shapes. The models of
    # APPLICATIONS, above, are built as a learner builds them.
    with keras.StatelessScope():
        model = builder(weights=None, input_shape=SIZED.get(name))
    audit = audit_model(model)
    assert audit.total_params == model.count_params()
    assert audit.total_macs > 0 and 0 <= audit.share_1x1_macs < 1
    assert (audit.share_1x1_macs == 0) == name.startswith("VGG")  # VGG has no 1×1 layer
    for row in audit.rows:  # nested models' layers (ConvNeXt's stem) included
        assert row.params == layer_at(model, row.path).count_params(), row.path
        # a rule whose parameters were not Keras' would leave its layer uncounted
        assert row.kind != "other" or row.layer_class not in RULES, row.path
    # Only normalisation and scaling layers are left uncounted in these networks.
    assert {r.layer_class for r in audit.not_counted} <= {
        "BatchNormalization", "LayerNormalization", "LayerScale", "Normalization",
    }  # fmt: skip
    published = PUBLISHED.get(name)
    if published:  # the paper's figure, on the very model the paper's size gives
        assert published.builder == name and set(published.arguments) <= {"input_shape"}
        if "input_shape" in published.arguments:  # else Keras' own size, as built here
            assert model.input_shape[1:] == published.arguments["input_shape"]
        assert abs(audit.total_macs - published.macs) / published.macs < 0.02, published.source
    if name in SIZED:  # built without a size: a clear error, then the size to count at
        bare = builder(weights=None)
        with pytest.raises(ValueError, match="model has an input of unknown size"):
            audit_model(bare)
        assert audit_model(bare, input_shape=SIZED[name]).total_macs == audit.total_macs
    keras.backend.clear_session()  # and a garbage collection (free_memory=True)


def test_every_application_is_listed(keras):
    builders = [n for n in dir(keras.applications) if n[0].isupper()]
    assert sorted(b for b in builders if callable(getattr(keras.applications, b))) == sorted(
        ALL_APPLICATIONS
    )


def test_at_least_eight_published_figures_and_eight_run_in_ci():
    assert len(PUBLISHED) >= 8
    assert len(set(PUBLISHED) - HEAVY) >= 8
