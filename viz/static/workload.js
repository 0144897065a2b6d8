/* Workload: every unit's lead / support / overdue counts in one sortable table, exportable. The server sorts
 * and filters (GET /workload?q=&sort=&order=), so the exported table is the one on the screen. */
"use strict";
(() => {
  const { h, enc } = DG;
  DG.header("workload");
  const main = document.getElementById("main");
  const COLUMNS = [
    ["name", "单位", "text"], ["type", "类型", "text"], ["jurisdiction", "辖区", "text"],
    ["lead", "牵头", "n"], ["support", "配合", "n"], ["total", "合计", "n"], ["overdue", "逾期", "n"],
  ];
  const state = { key: "total", desc: true, q: "", seq: 0, bar: null };

  const label = (r, key) => (key === "type" ? DG.AGENCY_TYPES[r.type] || r.type || "" : r[key]);
  const params = () => ({ q: state.q, sort: state.key, order: state.desc ? "desc" : "asc" });
  const query = () => Object.entries(params()).filter(([, v]) => v).map(([k, v]) => `${k}=${enc(v)}`).join("&");

  async function load() {
    let rows;
    try {
      rows = await DG.allItems(DG.ledger.withFilters(`/workload?${query()}`));
    } catch (e) {
      DG.showError(main, e, "工作量");
      return;
    }
    let timer = null;
    const filter = h("input", { id: "f-unit", type: "search", placeholder: "筛选单位名称", oninput: (e) => {
      clearTimeout(timer);
      timer = setTimeout(() => { state.q = e.target.value.trim(); refresh(); }, 150);
    } });
    const head = h("tr", {}, COLUMNS.map(([key, text, kind]) => h("th", { class: kind === "n" ? "n sortable" : "sortable",
      dataset: { key }, role: "columnheader", tabindex: "0", onclick: () => sortBy(key) }, text, h("span", { class: "arrow" }))));
    state.bar = DG.ledger.button("/workload", params, { label: "导出工作量表", sheetChoice: false });
    DG.fill(main,
      h("h1", {}, "各单位任务量"),
      h("p", { class: "muted", id: "workload-summary" }, `共 ${rows.length} 个单位。点击表头排序。`),
      h("div", { class: "toolbar" }, h("div", { class: "filters" }, h("label", {}, "单位 ", filter)), state.bar),
      h("table", { id: "workload", class: "sortable-table" }, h("thead", {}, head), h("tbody", {})));
    render(rows);
    DG.mark("dg-workload");
  }

  function sortBy(key) {
    state.desc = state.key === key ? !state.desc : COLUMNS.find(([k]) => k === key)[2] === "n";
    state.key = key;
    refresh();
  }

  async function refresh() {
    const mine = ++state.seq;
    state.bar.refresh();
    let rows;
    try {
      rows = await DG.allItems(DG.ledger.withFilters(`/workload?${query()}`));
    } catch (e) {
      return;
    }
    if (mine === state.seq) render(rows);
  }

  function render(rows) {
    for (const th of document.querySelectorAll("#workload th")) {
      const on = th.dataset.key === state.key;
      th.setAttribute("aria-sort", on ? (state.desc ? "descending" : "ascending") : "none");
      th.querySelector(".arrow").textContent = on ? (state.desc ? " ▼" : " ▲") : "";
    }
    const table = document.getElementById("workload");
    DG.fill(table.querySelector("tbody"), rows.map((r) => h("tr", { dataset: { name: r.name } },
      COLUMNS.map(([key, , k]) => h("td", { class: k === "n" ? "n" : null },
        key === "name" ? DG.agencyLink(r.name) : (label(r, key) ?? "—"))))));
    table.dataset.shown = query();  // what the rows are: tests and scripts wait on it
  }

  load();
})();
