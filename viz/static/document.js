/* One document's tasks by section, with deadlines, filters, the ledger and a print view. */
"use strict";
(() => {
  const { h, enc } = DG;
  DG.header("document");
  const main = document.getElementById("main");
  const id = DG.pathArg();

  async function load() {
    let docs;
    let items;
    try {
      [docs, items] = await Promise.all([DG.documents(), DG.allItems(DG.ledger.withFilters(`/tasks?source=${enc(id)}`))]);
    } catch (e) {
      DG.showError(main, e, "该文件");
      return;
    }
    const doc = docs.get(id);
    if (!doc) {
      DG.showError(main, new DG.ApiError(404, { suggestions: [] }), `文件“${id}”`);
      return;
    }
    const title = doc.title || doc.source || id;
    document.title = `${DG.shorten(title, 30)} · 责任图谱`;
    const bySection = DG.groupBy(items, (t) => (t.section && t.section[0]) || "（无章节）");
    DG.fill(main,
      h("p", { class: "small muted" }, doc.source || ""),
      h("h1", {}, title),
      h("div", { class: "card screen-only" }, h("div", { class: "meta" },
        h("span", {}, "任务 ", h("b", { id: "total" }, items.length), " 项"),
        doc.jurisdiction ? h("span", {}, "发文地区：", doc.jurisdiction) : null,
        h("span", {}, "章节 ", h("b", {}, bySection.size), " 个"))),
      DG.ledger.printView(`${doc.source || ""}　任务 ${items.length} 项`, [...bySection]),
      h("div", { class: "toolbar" }, DG.ledger.filters(DG.ledger.dueYears(items)),
        DG.ledger.button(`/documents/${enc(id)}/ledger`),
        h("button", { type: "button", id: "print", onclick: () => window.print() }, "打印")),
      h("div", { id: "document-tasks", class: "screen-only" },
        items.length ? DG.taskList(items, { docs }) : h("p", { class: "muted" }, "没有符合条件的任务。")));
    DG.mark("dg-document");
  }

  load();
})();
