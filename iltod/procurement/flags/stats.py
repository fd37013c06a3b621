"""Quartiles, fences and rounding exactly as Cardinal computes them.

Cardinal uses the Rust crate statrs: ``quantile`` is Hyndman and Fan's method 8 (the one
``numpy.quantile(..., method="median_unbiased")`` names), written as statrs writes it so that every
bit agrees: ``h = (n + 1/3)·τ + 1/3``, the order statistics around ``h`` and a plain linear
interpolation. Fences use a fused multiply-add (Rust's ``mul_add``), computed here with exact
fractions and rounded once. The ``Meta`` block rounds half away from zero to 4 decimals.
"""

import math
from fractions import Fraction

import numpy as np

THIRD = 1.0 / 3.0


def quantile(values, tau: float) -> float:
    """statrs' ``Data::quantile``: NaN for no values."""
    data = np.asarray(values, dtype=np.float64)
    n = data.size
    if tau < 0.0 or tau > 1.0 or n == 0:
        return math.nan
    h = (n + THIRD) * tau + THIRD
    hf = int(h)
    if hf <= 0 or tau == 0.0:
        return float(data.min())
    if hf >= n or tau == 1.0:
        return float(data.max())
    part = np.partition(data, (hf - 1, hf))
    a, b = float(part[hf - 1]), float(part[hf])
    return a + (h - hf) * (b - a)


def quartiles(values) -> tuple[float, float]:
    """(Q1, Q3), as statrs' lower_quartile and upper_quartile."""
    data = np.asarray(values, dtype=np.float64)
    return quantile(data, 0.25), quantile(data, 0.75)


def mul_add(x: float, y: float, z: float) -> float:
    """``x * y + z`` rounded once, as Rust's ``f64::mul_add``."""
    if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(z)):
        return x * y + z
    return float(Fraction(x) * Fraction(y) + Fraction(z))


def lower_fence(q1: float, q3: float) -> float:
    """Q1 − 1.5·IQR."""
    return mul_add(q3 - q1, -1.5, q1)


def upper_fence(q1: float, q3: float) -> float:
    """Q3 + 1.5·IQR."""
    return mul_add(q3 - q1, 1.5, q3)


def round4(value: float) -> float | None:
    """``(v * 10000).round() / 10000`` with Rust's rounding (half away from zero); NaN is null in JSON."""
    if value is None or math.isnan(value):
        return None
    if math.isinf(value):
        return None
    scaled = value * 10_000.0
    whole = math.trunc(scaled)
    if abs(scaled - whole) >= 0.5:
        whole += 1 if scaled > 0 else -1
    return float(whole) / 10_000.0
