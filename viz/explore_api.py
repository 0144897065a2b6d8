"""Filtered node-link graph for the explorer page (filled in if the API does not provide it)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["ui"])
