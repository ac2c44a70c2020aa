"""How long audit_model takes beyond building the model, on networks of 90 to 1,000 layers.

Builds each network once (``weights=None``, nothing downloaded), then times
``audit_model`` alone, best and median of a few runs, and prints the machine's load.
The target (issue #27): under a second for a model of 200 layers.

    python benchmarks/bench_audit.py
"""

from __future__ import annotations

import os
import statistics
import time

from conv1x1_viz import audit_model, load_keras
from conv1x1_viz.models import vision_transformer_model

RUNS = 5


def main() -> None:
    keras = load_keras(seed=0)
    apps = keras.applications
    networks = {
        "MobileNet": lambda: apps.MobileNet(weights=None),
        "ResNet50": lambda: apps.ResNet50(weights=None),
        "EfficientNetB0": lambda: apps.EfficientNetB0(weights=None),
        "ConvNeXtTiny": lambda: apps.ConvNeXtTiny(weights=None),
        "DenseNet121": lambda: apps.DenseNet121(weights=None),
        "NASNetMobile": lambda: apps.NASNetMobile(weights=None),
        "ViT-B/16": vision_transformer_model,
    }
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    print(f"{'network':15} {'layers':>6} {'build s':>8} {'audit ms: best':>15} {'median':>7}")
    for name, build in networks.items():
        start = time.perf_counter()
        model = build()
        built = time.perf_counter() - start
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            audit_model(model)
            times.append(1000 * (time.perf_counter() - start))
        print(f"{name:15} {len(model.layers):>6} {built:>8.1f} {min(times):>15.0f} "
              f"{statistics.median(times):>7.0f}")  # fmt: skip
        keras.backend.clear_session()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
