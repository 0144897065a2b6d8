"""JSON responses that keep Chinese characters as they are (no \\uXXXX escapes)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse as _JSONResponse


class JSONResponse(_JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str).encode(
            "utf-8"
        )
