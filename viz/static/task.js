/* Task page: text, source passage with the unit attribution highlighted, units, targets, roll-ups. */
"use strict";
(() => {
  const { h, api, enc, links } = DG;
  DG.header("task");
  const main = document.getElementById("main");
  const id = DG.pathArg();

  /** Split `text` into plain strings and <mark>s around every occurrence of any needle. */
  function highlight(text, needles) {
    const ns = [...new Set(needles.filter((n) => n && n.length > 1))].sort((a, b) => b.length - a.length);
    const marks = [];
    for (const n of ns) {
      let i = text.indexOf(n);
      while (i >= 0) {
        const end = i + n.length;
        if (!marks.some(([s, e]) => i < e && end > s)) marks.push([i, end]);
        i = text.indexOf(n, end);
      }
    }
    marks.sort((a, b) => a[0] - b[0]);
    const out = [];
    let at = 0;
    for (const [s, e] of marks) {
      if (s > at) out.push(text.slice(at, s));
      out.push(h("mark", {}, text.slice(s, e)));
      at = e;
    }
    if (at < text.length) out.push(text.slice(at));
    return out;
  }

  function unitList(units) {
    if (!units || !units.length) return ["—"];
    const out = [];
    units.forEach((u, i) => {
      if (i) out.push("、");
      out.push(DG.agencyLink(u.name));
      if (u.written && u.written !== u.name) out.push(h("span", { class: "muted small" }, `（原文：${u.written}）`));
    });
    return out;
  }

  function rollList(rows, empty) {
    if (!rows || !rows.length) return h("p", { class: "muted" }, empty);
    return h("ul", { class: "tasks" }, rows.map((r) => h("li", {},
      h("span", { class: "no" }, r.number || ""),
      h("a", { href: links.task(r.id) }, DG.shorten(r.text, 100)),
      h("div", { class: "units" }, `${r.jurisdiction || ""}　${r.source || ""}　`,
        r.method ? `依据：${DG.method(r.method)}` : "", r.confidence != null ? `　可信度 ${Math.round(r.confidence * 100)}%` : ""))));
  }

  async function load() {
    let t;
    try {
      t = await api(`/tasks/${enc(id)}`);
    } catch (e) {
      DG.showError(main, e, "该任务");
      return;
    }
    document.title = `任务 ${t.number || ""} · 责任图谱`;
    const prov = t.provenance || {};
    const span = prov.span || t.text || "";
    const written = [...(t.lead_agencies || []), ...(t.support_agencies || [])].map((u) => u.written);
    const needles = t.attribution && span.includes(t.attribution) ? [t.attribution] : [t.attribution, ...written];
    const graphBox = h("div", { class: "graph", id: "graph", style: "height:380px" });

    DG.fill(main,
      h("p", { class: "small muted" }, t.title ? `${t.title}（${t.source}）` : t.source, "　", (t.section || []).join(" › ")),
      h("h1", {}, t.number ? `${t.number}．` : "", t.title ? `【${t.title}】` : "", t.text),
      h("div", { class: "layout" },
        h("section", {},
          h("div", { class: "card" }, h("dl", { class: "kv" },
            h("dt", {}, "牵头单位"), h("dd", { id: "leads" }, ...unitList(t.lead_agencies)),
            h("dt", {}, "配合单位"), h("dd", { id: "supports" }, ...unitList(t.support_agencies)),
            h("dt", {}, "辖区"), h("dd", {}, t.jurisdiction || "—"),
            h("dt", {}, "类别"), h("dd", {}, DG.KINDS[t.kind] || t.kind || "—"),
            t.deadline ? [h("dt", {}, "完成时限"), h("dd", { id: "deadline" }, DG.deadline(t, { label: false }),
              t.due ? h("span", { class: "small muted" }, t.due_start && t.due_start !== t.due
                ? `（${t.due_start} 至 ${t.due}）` : `（截止 ${t.due}）`) : null)] : null,
            h("dt", {}, "单位原文"), h("dd", {}, t.attribution || "—"))),
          h("h2", {}, "原文出处"),
          h("p", { class: "small muted" }, `${prov.source || t.source || ""}　第 ${prov.line_start ?? "?"}`,
            prov.line_end && prov.line_end !== prov.line_start ? `–${prov.line_end}` : "", " 行"),
          h("div", { class: "passage", id: "passage" }, ...highlight(span, needles)),
          h("h2", {}, "目标指标"),
          (t.indicators || []).length
            ? h("table", { id: "indicators" }, h("thead", {}, h("tr", {}, h("th", {}, "指标"), h("th", { class: "n" }, "目标"),
              h("th", {}, "单位"), h("th", {}, "年份"), h("th", {}, "性质"), h("th", {}, ""))),
              h("tbody", {}, t.indicators.map((i) => h("tr", {},
                h("td", { title: i.text || "" }, i.name || i.text),
                h("td", { class: "n" }, i.target == null ? (i.set_by_city ? "完成市下达目标" : "—")
                  : `${({ ">=": "≥", "<=": "≤", ">": ">", "<": "<" })[i.comparator] || ""}${i.target}`),
                h("td", {}, i.unit || ""), h("td", {}, i.year || ""), h("td", {}, i.type || ""),
                h("td", {}, h("a", { href: links.rollup(i.id) }, "汇总视图"))))))
            : h("p", { class: "muted" }, "没有量化指标。"),
          h("h2", {}, "汇总至（上级任务）"), rollList(t.rolls_up_to, "没有上级任务。"),
          h("h2", {}, "由下级任务汇总"), rollList(t.rolled_up_from, "没有下级任务。")),
        h("section", {}, h("h2", { style: "margin-top:0" }, "关系图"), graphBox, h("div", { class: "legend", id: "legend" }),
          h("p", { class: "small muted" }, "单击节点打开详情，双击节点展开。"))));
    DG.mark("dg-task");

    try {
      const data = await api(`/graph/task/${enc(id)}`);
      DG.graph(graphBox, data, { centreId: t.id });
      DG.legend(document.getElementById("legend"), new Set(data.nodes.map((n) => n.type)));
    } catch (e) {
      graphBox.replaceChildren(h("p", { class: "muted" }, "无法加载关系图。"));
    }
  }

  load();
})();
