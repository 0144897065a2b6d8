/* Roll-up view: a city target with the district targets beneath it and their sum. */
"use strict";
(() => {
  const { h, api, enc, links } = DG;
  DG.header("rollup");
  const main = document.getElementById("main");
  const id = DG.pathArg();
  const CMP = { ">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=" };
  const target = (i) => (i.target == null ? (i.set_by_city ? "完成市下达目标" : "—")
    : `${CMP[i.comparator] || ""}${i.target}`);

  /** The sum beside the city target, and how far apart they are. */
  function compare(sum, ind) {
    const city = `城市目标：${target(ind)}${ind.unit || ""}`;
    if (ind.target == null) return city;
    const gap = Math.round((sum - ind.target) * 1000) / 1000;
    if (gap === 0) return `${city}，各区合计与之相等`;
    return `${city}，各区合计${gap > 0 ? "多" : "少"} ${Math.abs(gap)}${ind.unit || ""}`;
  }

  async function load() {
    let r;
    try {
      r = await api(`/indicators/${enc(id)}/rollup`);
    } catch (e) {
      DG.showError(main, e, "该指标");
      return;
    }
    const ind = r.indicator || {};
    document.title = `${ind.name || "指标"} · 指标汇总 · 责任图谱`;
    const children = r.children || [];
    const taskOf = (c) => c.task || {};
    DG.fill(main,
      h("p", { class: "small muted" }, "指标汇总"),
      h("h1", {}, ind.name || ind.text || "指标"),
      h("div", { class: "card" }, h("dl", { class: "kv" },
        h("dt", {}, "目标"), h("dd", { id: "city-target" }, target(ind), " ", ind.unit || "", ind.year ? `（${ind.year}年）` : ""),
        h("dt", {}, "性质"), h("dd", {}, ind.type || "—"),
        h("dt", {}, "原文"), h("dd", {}, ind.text || "—"),
        ind.task_id ? [h("dt", {}, "所属任务"), h("dd", {}, h("a", { href: links.task(ind.task_id) }, "查看任务"))] : null)),
      h("h2", {}, `下级指标（${children.length} 项）`),
      children.length
        ? h("table", { id: "children" },
          h("thead", {}, h("tr", {}, h("th", {}, "辖区"), h("th", {}, "指标"), h("th", { class: "n" }, "目标"),
            h("th", {}, "单位"), h("th", {}, "所属任务"), h("th", {}, "对应依据"))),
          h("tbody", {}, children.map((c) => {
            const ci = c.indicator || {};
            const t = taskOf(c);
            return h("tr", {},
              h("td", {}, t.jurisdiction ? h("a", { href: links.district(t.jurisdiction) }, t.jurisdiction) : "—"),
              h("td", { title: ci.text || "" }, ci.name || ci.text || ""),
              h("td", { class: "n" }, target(ci)), h("td", {}, ci.unit || ""),
              h("td", {}, t.id ? h("a", { href: links.task(t.id) }, DG.shorten(`${t.number ? t.number + "．" : ""}${t.title ? `【${t.title}】` : ""}${t.text || ""}`, 40)) : "—"),
              h("td", { class: "small muted" }, DG.method(c.method),
                c.confidence != null ? `（可信度 ${Math.round(c.confidence * 100)}%）` : ""));
          }),
          h("tr", { class: "sum" }, h("td", {}, "合计"), h("td", {}, ""),
            h("td", { class: "n", id: "sum" }, r.sum == null ? "—" : r.sum), h("td", {}, r.unit || ""),
            h("td", { class: "muted small", colspan: 2 }, r.sum == null ? "单位不一致或缺少数值，无法合计" : compare(r.sum, ind)))))
        : h("p", { class: "muted" }, "没有下级指标汇总至此目标。"));
    DG.mark("dg-rollup");
  }

  load();
})();
