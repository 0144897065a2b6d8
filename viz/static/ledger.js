/* The 台账 pieces every list page shares: deadline filters (到期 / 逾期 / 年份) kept in the page's URL,
 * the "导出台账" button that links to the API's ledger with the same filters, and the print view
 * (both roles, full texts, deadlines) that only paper shows. */
"use strict";
DG.ledger = (() => {
  const { h, enc } = DG;
  const FILTER_KEYS = ["due_within", "overdue", "year", "today"];
  const WITHIN = [7, 30, 90, 180, 365];

  /** The deadline filters in this page's URL, as API query parameters. */
  function filterParams() {
    const here = new URLSearchParams(location.search);
    const out = new URLSearchParams();
    for (const k of FILTER_KEYS) if (here.get(k)) out.set(k, here.get(k));
    return out;
  }

  /** `path` with the current deadline filters (and `extra`) appended. */
  function withFilters(path, extra = {}) {
    const p = filterParams();
    for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined && v !== "") p.set(k, v);
    const qs = p.toString();
    return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
  }

  /** "YYYY-MM-DD" of the page's `today` parameter, else the browser's date. */
  function today() {
    const t = new URLSearchParams(location.search).get("today");
    if (t) return t;
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  /** The filter bar; changing it reloads the page with the filters in its URL. */
  function filters(years = []) {
    const here = new URLSearchParams(location.search);
    const go = () => {
      const next = new URLSearchParams(location.search);
      const set = (k, v) => (v ? next.set(k, v) : next.delete(k));
      set("due_within", within.value);
      set("overdue", overdue.checked ? "true" : "");
      set("year", year.value);
      location.search = next.toString();
    };
    const within = h("select", { id: "f-due", onchange: go }, h("option", { value: "" }, "不限"),
      WITHIN.map((n) => h("option", { value: String(n), selected: here.get("due_within") === String(n) }, `${n} 天内到期`)));
    const overdue = h("input", { id: "f-overdue", type: "checkbox", checked: here.get("overdue") === "true", onchange: go });
    const shownYears = [...new Set([...years.map(String), here.get("year")].filter(Boolean))].sort();
    const year = h("select", { id: "f-year", onchange: go }, h("option", { value: "" }, "全部年份"),
      shownYears.map((y) => h("option", { value: y, selected: here.get("year") === y }, `${y}年`)));
    const active = FILTER_KEYS.slice(0, 3).some((k) => here.get(k));
    return h("div", { class: "filters deadline-filters" },
      h("label", {}, "到期 ", within),
      h("label", {}, overdue, " 只看逾期"),
      h("label", {}, "年份 ", year),
      active ? h("a", { href: clearedUrl(), id: "f-clear" }, "清除筛选") : null);
  }

  /** This page without its 到期 / 逾期 / 年份 filters (a search keeps its words, a test its `today`). */
  function clearedUrl() {
    const next = new URLSearchParams(location.search);
    for (const k of FILTER_KEYS.slice(0, 3)) next.delete(k);
    const qs = next.toString();
    return qs ? `${location.pathname}?${qs}` : location.pathname;
  }

  /** Years of the tasks' due dates, for the year filter. */
  function dueYears(items) {
    return [...new Set(items.map((t) => (t.due || "").slice(0, 4)).filter((y) => /^\d{4}$/.test(y)))];
  }

  /** "导出台账": Excel or CSV, one sheet or one per document, with the page's filters. `extra` (an object, or a
   *  function giving one) adds the page's own filters; call the bar's `refresh()` when they change. */
  function button(path, extra = {}, { label = "导出台账", sheetChoice = true } = {}) {
    const sheets = h("select", { id: "ledger-sheets", "aria-label": "工作表", class: sheetChoice ? null : "hidden" },
      h("option", { value: "all" }, "一个工作表"), h("option", { value: "document" }, "每个文件一个工作表"));
    const format = h("select", { id: "ledger-format", "aria-label": "格式" },
      h("option", { value: "xlsx" }, "Excel"), h("option", { value: "csv" }, "CSV"));
    const link = h("a", { id: "ledger", class: "button", download: "" }, label);
    const update = () => {
      sheets.disabled = format.value === "csv";
      const sheet = sheetChoice && format.value !== "csv" ? sheets.value : "";
      const more = typeof extra === "function" ? extra() : extra;
      link.href = withFilters(`${path}.${format.value}`, { ...more, sheets: sheet });
    };
    sheets.addEventListener("change", update);
    format.addEventListener("change", update);
    update();
    const bar = h("div", { class: "ledger-bar" }, link, format, sheets);
    bar.refresh = update;
    return bar;
  }

  /** The task lists' order (the catalogue's ORDER BY source, line_start, number, id), to merge two lists. */
  function documentOrder(a, b) {
    for (const k of ["source", "line_start", "number", "id"]) {
      const x = a[k] ?? "";
      const y = b[k] ?? "";
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }

  /** The block only paper shows: every group of tasks in full, with units and deadlines. */
  /** The page's own <h1> stays on paper; this block follows it. */
  function printView(meta, groups) {
    return h("section", { class: "print-only", id: "print-view" },
      meta ? h("p", {}, meta) : null,
      groups.map(([heading, items]) => h("div", { class: "print-group" },
        h("h2", {}, `${heading}（${items.length} 项）`),
        items.length ? h("ul", { class: "print-tasks" }, items.map((t) => h("li", { dataset: { taskId: t.id } },
          h("div", { class: "full-text" }, `${t.number ? t.number + "．" : ""}${t.title ? `【${t.title}】` : ""}${t.text || ""}`),
          h("div", { class: "print-meta" },
            `牵头单位：${(t.leads || []).join("、") || "—"}`, "　",
            `配合单位：${(t.supports || []).join("、") || "—"}`, t.via ? `（经由${t.via}）` : "", "　",
            `完成时限：${t.deadline || "—"}${t.due ? `（截止 ${t.due}）` : ""}`),
          h("div", { class: "print-meta" }, "出处：", [t.source, (t.section || []).join(" › ")].filter(Boolean).join(" "))))
        ) : h("p", {}, "无。"))),
      h("p", { class: "small" }, `打印日期：${today()}`));
  }

  return { filterParams, withFilters, today, filters, dueYears, button, printView, documentOrder, enc };
})();
