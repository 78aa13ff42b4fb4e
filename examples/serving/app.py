"""Inference service for the pets-5 classifier and the churn scorer.

    uvicorn app:app --host 0.0.0.0 --port 8080
"""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import cv2
import numpy as np
import onnxruntime as ort
import pandas as pd
from fastapi import FastAPI, File, HTTPException, UploadFile
from pydantic import BaseModel

MODEL_PATH = os.environ.get("MODEL_PATH", os.path.join(os.path.dirname(__file__), "..", "models", "classifier.onnx"))

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.5, 0.5, 0.5], dtype=np.float32)

session = ort.InferenceSession(MODEL_PATH, providers=["CPUExecutionProvider"])
LABELS = json.loads(session.get_modelmeta().custom_metadata_map.get("labels", "[]"))

app = FastAPI(title="pets-5 classifier")


def preprocess(path: str) -> np.ndarray:
    img = cv2.imread(path)  # HxWx3 uint8
    if img is None:
        raise HTTPException(status_code=400, detail="not an image")
    img = cv2.resize(img, (64, 64), interpolation=cv2.INTER_NEAREST)
    x = img.astype(np.float32) / 255.0
    x = (x - MEAN) / STD
    return x.transpose(2, 0, 1)[np.newaxis, ...]  # 1x3x64x64


@app.post("/predict")
async def predict(file: UploadFile = File(...)) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=os.path.splitext(file.filename or "")[1]) as tmp:
        tmp.write(await file.read())
        tmp.flush()
        x = preprocess(tmp.name)
    (logits,) = session.run(["logits"], {"image": x})
    probs = np.exp(logits[0] - logits[0].max())
    probs /= probs.sum()
    best = int(probs.argmax())
    return {"label": LABELS[best], "score": float(probs[best]), "scores": dict(zip(LABELS, map(float, probs)))}


# ---------------------------------------------------------------------------------------------------------------------
# Churn scoring (tabular)
# ---------------------------------------------------------------------------------------------------------------------

FEATURE_ORDER = [
    "income",
    "age",
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
FILL_VALUES = {"age": 0, "income": 0.0, "clicks": 0, "country": "US"}
KNOWN_COUNTRIES = ["US", "DE", "GB", "FR", "IN"]
KNOWN_DEVICES = ["mobile", "desktop", "tablet"]
# Logistic-regression churn model: one weight per feature (in FEATURE_ORDER), then the intercept.
CHURN_COEF = np.array(
    [-0.021, -0.35, -0.18, -0.9, 0.0012, 0.1, -0.05, 0.02, 0.04, 0.3, 0.15, -0.1, 0.05, 3.2],
    dtype=np.float32,
)


class Customer(BaseModel):
    age: float | None = None
    income: float | None = None
    country: str | None = None
    device: str
    clicks: int | None = None
    is_returning: bool
    signup_date: str


def features(rows: list[Customer]) -> np.ndarray:
    df = pd.DataFrame([r.model_dump() for r in rows]).fillna(FILL_VALUES)
    df["income"] = np.log1p(df["income"].astype("float64"))
    df["is_returning"] = df["is_returning"].astype("float32")
    df["days_since_signup"] = (pd.Timestamp.now() - pd.to_datetime(df["signup_date"])).dt.days.clip(lower=0)
    for c in KNOWN_COUNTRIES:
        df[f"country_{c}"] = (df["country"] == c).astype("float32")
    for d in KNOWN_DEVICES:
        df[f"device_{d}"] = (df["device"] == d).astype("float32")
    return df[FEATURE_ORDER].to_numpy(dtype="float32")


@app.post("/churn")
async def churn(rows: list[Customer]) -> dict[str, Any]:
    x = features(rows)
    z = x @ CHURN_COEF[:-1] + CHURN_COEF[-1]
    return {"churn_probability": (1 / (1 + np.exp(-z))).tolist()}
