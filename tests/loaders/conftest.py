"""Samples parsed once per test session (parsing is pure: no store needed)."""

from pathlib import Path

import pytest

from loaders.parse import parse_file

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def sample_path(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def parsed():
    cache = {}

    def get(prefix: str):
        if prefix not in cache:
            cache[prefix] = parse_file(sample_path(prefix))
        return cache[prefix]

    return get
