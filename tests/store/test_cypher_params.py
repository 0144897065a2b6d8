"""Parameters reach the engine exactly: hostile strings, nested rows and odd map keys written and read back
unchanged (FalkorDB gets them as a `CYPHER …` header built by graph/cypher_params.py)."""

from __future__ import annotations

import pytest

from graph.cypher_params import literal

HOSTILE = [
    'say "hi"', "it's", "back\\slash", "\\", '"', '\\"', "\\n is not a newline", "\\u0001 is not a control",
    "line\nbreak", "cr\rlf\r\n", "tab\there", "\b\f", "\x01\x02\x1f\x0b\x7f", "\u2028\u2029", "😀 👨‍👩‍👧 emoji",
    "全角“引号”与（括号）", "`backtick`", '{"id":"x"}', ',"props":1', '"k"\x01:', "", " ", "长" * 70_000,
    "".join(chr(c) for c in range(1, 32)),
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_string_is_stored_as_given(store, text):
    rows = [{"id": "t-1", "props": {"text": text, "list": [text, 1, True], "n": 1.5e-7}}]
    store.write([("UNWIND $rows AS r MERGE (t:Task {id: r.id}) SET t += r.props", {"rows": rows})])
    (got,) = store.read("MATCH (t:Task {id: 't-1'}) RETURN t.text AS text, t.list AS list, t.n AS n")
    assert got == {"text": text, "list": [text, 1, True], "n": 1.5e-7}


def test_rows_with_every_hostile_string_read_back_unchanged(store):
    rows = [{"id": f"t-{n}", "text": text, "path": [text, text[:3]], "pos": n, "flag": n % 2 == 0}
            for n, text in enumerate(HOSTILE)]
    (got,) = store.read("UNWIND $rows AS r RETURN collect(r) AS rows", {"rows": rows})
    assert got["rows"] == rows


@pytest.mark.parametrize("value", [
    {"单位": "市卫健委", "id": "x"}, {"not-an-identifier": 1}, {'a"id': 2}, {'a,"id': 3}, {"from": 1, "type": 2},
    [{"outer": {"中": '"k":'}}], {"1": "digit key"},
], ids=["chinese", "hyphen", "quote", "comma-quote", "reserved", "nested", "digit"])
def test_maps_with_any_key_read_back_unchanged(store, value):
    (got,) = store.read("RETURN $v AS v", {"v": value})
    assert got["v"] == value


def test_a_literal_keeps_identifier_keys_plain_and_control_characters_raw():
    assert literal({"id": "a\x01b", "rows": [1, None, True]}) == '{`id`:"a\x01b",`rows`:[1,null,true]}'
    assert literal('x\\u0001') == '"x\\\\u0001"'  # a backslash before "u0001" stays an escaped backslash
