"""The deadline filters every task list and ledger takes: 到期 (due within N days), 逾期 (overdue), year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BeforeValidator

from api.errors import BadRequest


@dataclass(frozen=True)
class DueFilter:
    due_within: int | None = None
    overdue: bool = False
    year: int | None = None
    today: date | None = None

    def params(self) -> dict[str, Any]:
        """`due_from`/`due_to` (ISO dates, inclusive) for the catalogue's task lists; None = unbounded.

        Overdue: due before today. Due within N days: today ≤ due ≤ today + N. Year: due in that year.
        Together they narrow each other; a task with no due date (长期坚持, 每季度) matches none of them."""
        today = self.today or date.today()
        lo: date | None = None
        hi: date | None = None
        try:
            if self.overdue:
                hi = today - timedelta(days=1)
            if self.due_within is not None:
                lo, hi = today, _min(hi, today + timedelta(days=self.due_within))
            if self.year is not None:
                lo, hi = _max(lo, date(self.year, 1, 1)), _min(hi, date(self.year, 12, 31))
        except (OverflowError, ValueError):
            raise BadRequest(f"日期超出范围：today={today.isoformat()}，due_within={self.due_within}") from None
        return {"due_from": lo.isoformat() if lo else None, "due_to": hi.isoformat() if hi else None}

    @property
    def active(self) -> bool:
        return self.overdue or self.due_within is not None or self.year is not None


def _min(a: date | None, b: date) -> date:
    return b if a is None else min(a, b)


def _max(a: date | None, b: date) -> date:
    return b if a is None else max(a, b)


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD, as the schema says (pydantic alone would also take `0` as 1970-01-01)."""
    if isinstance(value, str) and not (len(value) == 10 and value[4] == value[7] == "-"):
        raise ValueError("日期应写成 YYYY-MM-DD")
    return value


def get_due_filter(
    due_within: Annotated[int | None, Query(ge=0, le=36500, description="到期：截止日期在今天起 N 天内")] = None,
    overdue: Annotated[bool, Query(description="逾期：截止日期早于今天")] = False,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="截止日期所在年份")] = None,
    today: Annotated[date | None, BeforeValidator(_iso_date),
                     Query(description="“今天”（YYYY-MM-DD），缺省为服务器当天日期")] = None,
) -> DueFilter:
    return DueFilter(due_within=due_within, overdue=overdue, year=year, today=today)


DueDep = Annotated[DueFilter, Depends(get_due_filter)]
