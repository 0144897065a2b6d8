/* Workload: every unit's lead / support / overdue counts in one sortable table, exportable. */
"use strict";
(() => {
  const { h } = DG;
  DG.header("workload");
  const main = document.getElementById("main");
  const COLUMNS = [
    ["name", "单位", "text"], ["type", "类型", "text"], ["jurisdiction", "辖区", "text"],
    ["lead", "牵头", "n"], ["support", "配合", "n"], ["total", "合计", "n"], ["overdue", "逾期", "n"],
  ];
  const state = { rows: [], key: "total", desc: true, q: "" };

  const label = (r, key) => (key === "type" ? DG.AGENCY_TYPES[r.type] || r.type || "" : r[key]);

  async function load() {
    try {
      state.rows = await DG.allItems(DG.ledger.withFilters("/workload"));
    } catch (e) {
      DG.showError(main, e, "工作量");
      return;
    }
    const hasOverdue = state.rows.some((r) => r.overdue !== undefined && r.overdue !== null);
    const columns = COLUMNS.filter(([k]) => k !== "overdue" || hasOverdue);
    const filter = h("input", { id: "f-unit", type: "search", placeholder: "筛选单位名称", oninput: (e) => {
      state.q = e.target.value.trim(); renderBody(columns); } });
    const head = h("tr", {}, columns.map(([key, text, kind]) => h("th", { class: kind === "n" ? "n sortable" : "sortable",
      dataset: { key }, role: "columnheader", tabindex: "0", onclick: () => sortBy(key, columns) }, text, h("span", { class: "arrow" }))));
    DG.fill(main,
      h("h1", {}, "各单位任务量"),
      h("p", { class: "muted", id: "workload-summary" }, `共 ${state.rows.length} 个单位。点击表头排序。`),
      h("div", { class: "toolbar" }, h("div", { class: "filters" }, h("label", {}, "单位 ", filter)),
        DG.ledger.button("/workload", {}, { label: "导出工作量表", sheetChoice: false })),
      h("table", { id: "workload", class: "sortable-table" }, h("thead", {}, head), h("tbody", {})));
    sortBy(state.key, columns, true);
    DG.mark("dg-workload");
  }

  function sortBy(key, columns, keep = false) {
    if (!keep) {
      state.desc = state.key === key ? !state.desc : COLUMNS.find(([k]) => k === key)[2] === "n";
      state.key = key;
    }
    for (const th of document.querySelectorAll("#workload th")) {
      const on = th.dataset.key === state.key;
      th.setAttribute("aria-sort", on ? (state.desc ? "descending" : "ascending") : "none");
      th.querySelector(".arrow").textContent = on ? (state.desc ? " ▼" : " ▲") : "";
    }
    renderBody(columns);
  }

  function renderBody(columns) {
    const kind = COLUMNS.find(([k]) => k === state.key)[2];
    const cmp = kind === "n" ? (a, b) => (a[state.key] || 0) - (b[state.key] || 0)
      : (a, b) => String(label(a, state.key) || "").localeCompare(String(label(b, state.key) || ""), "zh-CN");
    const rows = state.rows.filter((r) => !state.q || r.name.includes(state.q))
      .sort((a, b) => (state.desc ? -cmp(a, b) : cmp(a, b)) || a.name.localeCompare(b.name, "zh-CN"));
    DG.fill(document.querySelector("#workload tbody"), rows.map((r) => h("tr", { dataset: { name: r.name } },
      columns.map(([key, , k]) => h("td", { class: k === "n" ? "n" : null },
        key === "name" ? DG.agencyLink(r.name) : (label(r, key) ?? "—"))))));
  }

  load();
})();
