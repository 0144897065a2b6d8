"""Write a synthetic corpus in the samples' grammar, N times their size, for the benchmarks.

Three kinds of document, as in the samples: a city task list with inline attributions (003), a district
plan whose paragraphs end in "(牵头单位:…,责任单位:…)" (004), and a gazette with a tab-separated 附件1 table and
附件2 district lists (000). Clauses and unit names are drawn from the samples, so the loaders see real
vocabulary in new combinations; every document differs enough not to be taken for a copy of another.

    python -m bench.generate --scale 100          # writes bench/corpus/100x/
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
CORPUS = Path(__file__).resolve().parent / "corpus"

CITY_UNITS = [
    "市发改委",
    "市教育局",
    "市科技局",
    "市经信局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人社局",
    "市自然资源规划局",
    "市生态环境局",
    "市房管局",
    "市城建局",
    "市城管执法委",
    "市交通运输局",
    "市水务局",
    "市农业农村局",
    "市商务局",
    "市文旅局",
    "市卫健委",
    "市退役军人局",
    "市市场监管局",
    "市体育局",
    "市医保局",
    "市园林林业局",
    "市地方金融局",
    "市政府国资委",
    "团市委",
    "市妇联",
    "市残联",
    "市总工会",
    "武汉城发集团",
    "武汉城建集团",
    "武汉地铁集团",
    "市城投公司",
]
CITY_GROUPS = ["各区人民政府", "各新城区人民政府", "各中心城区人民政府"]
DISTRICT_UNITS = [
    "区发改局",
    "区教育局",
    "区科经局",
    "区建设局",
    "区商务局",
    "区房管局",
    "区金融局",
    "区人资局",
    "区卫健局",
    "区民政局",
    "区城管局",
    "区水务湖泊局",
]
DISTRICTS = [
    "江岸区",
    "江汉区",
    "硚口区",
    "汉阳区",
    "武昌区",
    "青山区",
    "洪山区",
    "东西湖区",
    "蔡甸区",
    "江夏区",
    "黄陂区",
    "新洲区",
]
CATEGORIES = [
    "一、幼有所育",
    "二、学有所教",
    "三、劳有所得",
    "四、病有所医",
    "五、老有所养",
    "六、住有所居",
    "七、弱有所扶",
]
CN_NUM = "一二三四五六七八九十"


def clause_bank() -> list[str]:
    """Clauses of the samples' task sentences, without numbers and attributions."""
    bank: set[str] = set()
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="ignore")
        if "區" in text:  # the Traditional copy: its clauses would only repeat 001's
            continue
        for line in text.splitlines():
            body = re.sub(r"[（(][^()（）]*单位[^()（）]*[)）]", "", line)
            for clause in re.split(r"[,，。;；]", body):
                clause = re.sub(r"^\s*\d+[.、．]", "", clause).strip()
                if 6 <= len(clause) <= 40 and "\t" not in clause and not re.search(r"[A-Za-z]", clause):
                    bank.add(clause)
    return sorted(bank)


def sentence(rng: random.Random, bank: list[str]) -> str:
    return ",".join(rng.sample(bank, rng.randint(1, 3))) + "。"


def units(rng: random.Random, pool: list[str], low: int, high: int) -> list[str]:
    return rng.sample(pool, rng.randint(low, high))


def city_task_list(rng: random.Random, bank: list[str], year: int, serial: int) -> str:
    lines = [f"武汉市人民政府{year}年《政府工作报告》目标任务责任分解方案（第{serial}批）", ""]
    number = 1
    for chapter in range(1, 11):
        lines.append(f"({CN_NUM[chapter - 1]}){rng.choice(bank)}")
        for _ in range(rng.randint(1, 3)):
            lines.append(f"——{rng.choice(bank)}")
            for _ in range(rng.randint(4, 12)):
                lead, *support = units(rng, CITY_UNITS, 1, 5)
                if rng.random() < 0.3:
                    support.append(rng.choice(CITY_GROUPS))
                if rng.random() < 0.35:
                    attribution = f"(责任单位:{lead})"
                elif support:
                    attribution = f"(牵头单位:{lead};责任单位:{'、'.join(support)})"
                else:
                    attribution = f"(牵头单位:{lead})"
                lines.append(f"{number}.{sentence(rng, bank)}{attribution}")
                number += 1
    return "\n".join(lines) + "\n"


def district_plan(rng: random.Random, bank: list[str], district: str, serial: int) -> str:
    short = district.removesuffix("区")
    lines = [
        f"{district}人民政府办公室关于印发{district}重点工作任务分工方案的通知",
        f"文  号: {short}政办〔{2020 + serial % 6}〕{serial}号",
        "",
        f"{district}重点工作任务分工方案",
        "",
        "主要指标分工",
        "",
        "(一)约束性指标",
        "",
    ]
    for n in range(1, rng.randint(4, 8)):
        lines += [
            f"{n}.{rng.choice(bank)}达到{rng.randint(10, 99)}.{rng.randint(0, 9)}%。(责任单位:{rng.choice(DISTRICT_UNITS)})",
            "",
        ]
    lines += ["二、主要任务分工", ""]
    for chapter in range(1, 7):
        lines += [f"({CN_NUM[chapter - 1]}){rng.choice(bank)}", ""]
        for n in range(1, rng.randint(4, 9)):
            paragraph = "".join(sentence(rng, bank) for _ in range(rng.randint(3, 8)))
            leads = units(rng, DISTRICT_UNITS, 1, 2)
            supports = units(rng, DISTRICT_UNITS, 1, 5)
            lines += [f"{n}.{paragraph}(牵头单位:{'、'.join(leads)},责任单位:{'、'.join(supports)})", ""]
    return "\n".join(lines) + "\n"


def gazette(rng: random.Random, bank: list[str], year: int, serial: int) -> str:
    lines = [
        "武汉市人民政府办公厅文件",
        f"武政办〔{year}〕{serial}号",
        f"市人民政府办公厅关于印发{rng.choice(bank)}工作方案的通知",
        "",
        "附件 1",
        "",
        "市直部门工作任务清单",
        "",
        "序号\t重点项目\t主要内容\t牵头单位\t责任单位",
    ]
    row = 1
    for category in rng.sample(CATEGORIES, 4):
        lines.append(category + "\t\t\t\t")
        for _ in range(rng.randint(3, 6)):
            named = units(rng, CITY_UNITS, 2, 6)
            lead = " ".join(named[: 1 + (rng.random() < 0.2)])
            support = "、".join(named[len(lead.split()) :]) + ",各区人民政府"
            lines.append(f"{row}\t{rng.choice(bank)}\t{sentence(rng, bank)}\t{lead}\t{support}")
            row += 1
    lines += ["", "附件 2", "", f"{year}年各区工作任务清单", ""]
    for district in rng.sample(DISTRICTS, 5):
        lines += [district, "", "序号\t重点项目\t主要内容"]
        for n, category in enumerate(rng.sample(CATEGORIES, 3), start=1):
            lines += [category + "\t\t", f"{n}\t{rng.choice(bank)}\t{sentence(rng, bank)}"]
        lines.append("")
    return "\n".join(lines) + "\n"


def corpus_folder(scale: float) -> Path:
    """Each scale has its own folder (bench/corpus/10x/), so scales never mix."""
    return CORPUS / f"{scale:g}x"


def fresh_corpus(scale: float) -> list[Path]:
    """The corpus of `scale`, written anew (cheap, and never a leftover of an older generator)."""
    folder = corpus_folder(scale)
    shutil.rmtree(folder, ignore_errors=True)
    return generate(folder, scale)


def generate(out: Path, scale: float, seed: int = 7) -> list[Path]:
    """Write documents until their total size reaches `scale` times the samples'."""
    rng = random.Random(seed)
    bank = clause_bank()
    target = scale * sum(p.stat().st_size for p in SAMPLES.glob("*.txt"))
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    size = serial = 0
    while size < target:
        serial += 1
        kind = serial % 3
        if kind == 0:
            text, name = city_task_list(rng, bank, 2020 + serial % 6, serial), f"city_{serial:04d}.txt"
        elif kind == 1:
            text, name = district_plan(rng, bank, rng.choice(DISTRICTS), serial), f"district_{serial:04d}.txt"
        else:
            text, name = gazette(rng, bank, 2020 + serial % 6, serial), f"gazette_{serial:04d}.txt"
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
        size += path.stat().st_size
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--out", type=Path, help="folder to write into (default: bench/corpus/<scale>x/)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    out = args.out or corpus_folder(args.scale)
    files = generate(out, args.scale, args.seed)
    total = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} documents, {total / 1e6:.1f} MB, to {out}")


if __name__ == "__main__":
    main()
