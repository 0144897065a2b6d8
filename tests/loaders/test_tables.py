"""Tables flattened in the ways the genre's web and PDF copies show, read back as tasks with their units."""

from loaders.parse import parse_bytes


def _units(text: str, jurisdiction: str = "某县") -> list[tuple[str, list[str], list[str]]]:
    tasks = parse_bytes(text.encode(), "x.txt", jurisdiction=jurisdiction).tasks
    return [(t.number, [a.name for a in t.leads], [a.name for a in t.supports]) for t in tasks]


def test_one_cell_per_line_with_header_words_wrapped():
    """ "责任" / "领导", "牵头" / "单位": a header word wrapped over two lines is one header cell."""
    text = (
        "某县重点工作计划\n序号\n\n重点工作\n\n责任\n\n领导\n\n牵头\n\n单位\n\n配合\n\n单位\n\n年度目标\n\n"
        "1\n\n新建城区幼儿园\n\n王某某\n\n县教育局\n\n县住建局、县财政局\n\n完成主体工程\n\n"
        "2\n\n改造农村公路\n\n李某\n\n县交通运输局\n\n县财政局\n\n完成30公里\n"
    )
    assert _units(text) == [
        ("1", ["某县教育局"], ["某县住建局", "某县财政局"]),
        ("2", ["某县交通运输局"], ["某县财政局"]),
    ]
