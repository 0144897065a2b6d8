"""Spot a document that copies one already loaded (another encoding, Traditional characters, damaged lines).

A document is reduced to a bottom-k sketch: the k smallest stable 63-bit hashes of its character
3-shingles, taken over Chinese characters and digits only of the normalised Simplified text
(`ParsedDocument.text`). Two sketches estimate the Jaccard similarity of the shingle sets; above
THRESHOLD the newer document is a copy. Signatures are small (≤ 256 ints) and are stored on the
Document node by the pipeline.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import math
import re
from collections import Counter
from itertools import chain

K = 256
SHINGLE = 3
THRESHOLD = 0.5
_KEEP = re.compile(r"[\u4e00-\u9fff0-9]")
_MASK = (1 << 63) - 1


def shingles(text: str) -> set[str]:
    """Character 3-shingles of the Chinese characters and digits of `text`."""
    chars = "".join(_KEEP.findall(text))
    return {chars[i : i + SHINGLE] for i in range(len(chars) - SHINGLE + 1)}


@functools.lru_cache(maxsize=1 << 18)  # shingles repeat across a city's documents
def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big") & _MASK


def signature(text: str) -> list[int]:
    """Bottom-k sketch of `text` (already normalised and Simplified): sorted, at most K ints."""
    return heapq.nsmallest(K, {_hash(s) for s in shingles(text)})


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two sketches."""
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    union_k = sorted(sa | sb)[: min(K, len(sa | sb))]
    both = sum(1 for h in union_k if h in sa and h in sb)
    return both / len(union_k)


def find_duplicate(sig: list[int], candidates: dict[str, list[int]]) -> tuple[str, float] | None:
    """The most similar candidate (doc_id, similarity) at or above THRESHOLD, else None."""
    best: tuple[str, float] | None = None
    for doc_id, other in candidates.items():
        if not other:
            continue
        score = similarity(sig, list(other))
        if score >= THRESHOLD and (best is None or score > best[1]):
            best = (doc_id, score)
    return best


class SignatureIndex:
    """The signatures of documents loaded so far, indexed by hash.

    A copy (similarity ≥ THRESHOLD) shares at least THRESHOLD × len(signature) hashes with its original,
    so a lookup compares only the documents that share that many. Those are found through the signature's
    rarer hashes only: a document sharing t of its m hashes holds at least t - s of them once the s commonest
    are left out, so only the postings of the others are counted (the commonest, a template's shingles, make
    up most of the index's postings), and the few documents that count enough are checked exactly.
    On equal similarity the document indexed first wins.
    """

    def __init__(self) -> None:
        self._signatures: dict[str, list[int]] = {}
        self._sets: dict[str, frozenset[int]] = {}
        self._by_hash: dict[int, set[str]] = {}
        self._order: dict[str, int] = {}  # doc id -> when it was added (ties go to the earlier)
        self._added = 0

    def add(self, doc_id: str, sig: list[int]) -> None:
        self.discard(doc_id)
        self._signatures[doc_id] = sig
        self._sets[doc_id] = frozenset(sig)
        self._order[doc_id] = self._added
        self._added += 1
        for h in sig:
            self._by_hash.setdefault(h, set()).add(doc_id)

    def discard(self, doc_id: str) -> None:
        self._sets.pop(doc_id, None)
        self._order.pop(doc_id, None)
        for h in self._signatures.pop(doc_id, []):
            ids = self._by_hash.get(h)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del self._by_hash[h]

    def find(self, sig: list[int], *, exclude: set[str] = frozenset()) -> tuple[str, float] | None:
        if not sig or not self._signatures:
            return None
        floor = THRESHOLD * len(sig)
        need = max(1, math.ceil(floor))  # shared hashes a candidate needs (a count ≥ floor)
        postings = [ids for ids in map(self._by_hash.get, sig) if ids]  # a candidate's shared hashes are here
        if len(postings) < need:
            return None
        postings.sort(key=len)
        skip = (need - 1) * 3 // 4  # the commonest hashes, not counted: a candidate holds need - skip of the others
        counts = Counter(chain.from_iterable(postings[: len(postings) - skip]))
        least = need - skip
        mine, sets = frozenset(sig), self._sets
        found = [d for d, n in counts.items() if n >= least and d not in exclude and len(mine & sets[d]) >= floor]
        found.sort(key=self._order.__getitem__)
        return find_duplicate(sig, {d: self._signatures[d] for d in found})
