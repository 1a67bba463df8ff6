"""The line classifier: probability that each line of a page belongs to the article body."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from newsfacts.clean.line_features import line_features, stage2_features

MODELS_ENV = "NEWSFACTS_LINE_MODELS"  # a folder with other model files, for experiments


@cache
def load_models():  # type: ignore[no-untyped-def]
    """Both LightGBM stages from the package's models/ folder (no download), or $MODELS_ENV."""
    import lightgbm as lgb

    override = os.environ.get(MODELS_ENV)
    folder = Path(override) if override else resources.files("newsfacts.models")
    return tuple(
        lgb.Booster(model_str=folder.joinpath(f"line_classifier_{name}.txt").read_text("utf-8"))
        for name in ("stage1", "stage2")
    )


def content_probabilities(lines: list[str], statistics: np.ndarray | None = None) -> np.ndarray:
    """P(body) for each line (blank lines included, as 0).

    `statistics`: the `page_statistics` of `lines`, one row per line (blank lines' rows are
    not read), when the caller has them; else they are computed here.
    """
    keep = [i for i, line in enumerate(lines) if line.strip()]
    out = np.zeros(len(lines))
    if not keep:
        return out
    stage1, stage2 = load_models()
    kept_lines = [lines[i] for i in keep]
    features = line_features(kept_lines, None if statistics is None else statistics[keep])
    p1 = stage1.predict(features, num_threads=1)
    out[keep] = stage2.predict(stage2_features(features, p1, kept_lines), num_threads=1)
    return out
