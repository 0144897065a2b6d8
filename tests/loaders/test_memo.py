from loaders.memo import BoundedMemo


def test_a_full_memo_forgets_and_makes_again():
    made: list[int] = []
    memo: BoundedMemo[int] = BoundedMemo(cap=2)

    def make(k: int):
        return lambda: made.append(k) or k * 10

    assert [memo.get(k, make(k)) for k in (1, 2, 1, 2)] == [10, 20, 10, 20]
    assert made == [1, 2]  # asked again, not made again
    assert memo.get(3, make(3)) == 30  # full: everything forgotten, then 3 kept
    assert memo.get(1, make(1)) == 10
    assert made == [1, 2, 3, 1]
