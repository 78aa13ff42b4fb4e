"""Preprocessing used at training time.

Two pipelines live here:

* ``image_transform``: what every training and validation image goes through before it reaches the
  network exported to ``models/classifier.onnx``. The same values are written into the ONNX file's
  ``metadata_props`` (``preprocessing.*``) by ``train.py`` so that serving code can be checked against them.
* ``TabularPreprocessor``: the feature pipeline of the churn model trained on ``data/reference.csv``.
  Feature order and fill values are part of the model contract: serving must use the same ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from PIL import Image
from torchvision import transforms

# ---------------------------------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------------------------------

IMAGE_SIZE = (64, 64)
# ImageNet statistics, in RGB order.
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
LABELS = ["cat", "dog", "bird", "fish", "other"]

image_transform = transforms.Compose(
    [
        # torchvision's default interpolation for tensors and PIL images is bilinear.
        transforms.Resize((64, 64), interpolation=transforms.InterpolationMode.BILINEAR),
        transforms.ToTensor(),  # HWC uint8 [0, 255] -> CHW float32 [0, 1]
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ]
)


def load_image(path: str) -> Image.Image:
    """Opens an image with PIL and converts it to RGB (drops alpha, expands grayscale)."""
    with Image.open(path) as img:
        return img.convert("RGB")


def preprocess_image(path: str) -> np.ndarray:
    """One image as the network expects it: float32 [3, 64, 64], RGB, normalized."""
    return image_transform(load_image(path)).numpy()


# ---------------------------------------------------------------------------------------------------------------------
# Tabular features
# ---------------------------------------------------------------------------------------------------------------------

# The order of the columns of the feature matrix. The model's weights are tied to these positions.
FEATURE_ORDER = [
    "age",
    "income",
    "clicks",
    "is_returning",
    "days_since_signup",
    "country_US",
    "country_DE",
    "country_GB",
    "country_FR",
    "country_IN",
    "device_mobile",
    "device_desktop",
    "device_tablet",
]

# Missing values are replaced with the training medians (computed on data/reference.csv).
FILL_VALUES = {
    "age": 38.0,
    "income": 48500.0,
    "clicks": 3,
    "country": "US",
}

KNOWN_COUNTRIES = ["US", "DE", "GB", "FR", "IN"]
KNOWN_DEVICES = ["mobile", "desktop", "tablet"]
REFERENCE_DATE = pd.Timestamp("2024-07-01")


@dataclass
class TabularPreprocessor:
    """Turns raw rows (as in data/reference.csv) into the float32 matrix the churn model was trained on."""

    feature_order: list[str] = field(default_factory=lambda: list(FEATURE_ORDER))
    fill_values: dict[str, object] = field(default_factory=lambda: dict(FILL_VALUES))

    def transform(self, df: pd.DataFrame) -> np.ndarray:
        df = df.copy()
        df = df.fillna(self.fill_values)
        df["income"] = np.log1p(df["income"].astype("float64"))
        df["is_returning"] = df["is_returning"].astype(str).str.lower().eq("true").astype("float32")
        signup = pd.to_datetime(df["signup_date"])
        df["days_since_signup"] = (REFERENCE_DATE - signup).dt.days.clip(lower=0)
        for c in KNOWN_COUNTRIES:
            df[f"country_{c}"] = (df["country"] == c).astype("float32")
        for d in KNOWN_DEVICES:
            df[f"device_{d}"] = (df["device"] == d).astype("float32")
        return df[self.feature_order].to_numpy(dtype="float32")
