"""audit_model on keras.applications models (weights=None: nothing is downloaded).

Each application is built once per session. Every row is checked against Keras itself:
its parameters against ``layer.count_params()``, its MACs against the number of kernel
weights times the output positions Keras reports (each weight of a convolution or dense
layer is used once per output position), and its place against ``model.layers``.
"""

import math

import pytest

from conv1x1_viz import audit_model

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
