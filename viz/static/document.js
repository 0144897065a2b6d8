/* One document's tasks by section, with deadlines, filters, the ledger and a print view. */
"use strict";
(() => {
  const { h, api, enc } = DG;
  DG.header("document");
  const main = document.getElementById("main");
  const id = DG.pathArg();

  async function load() {
    let docs;
    let body;
    try {
      [docs, body] = await Promise.all([DG.documents(),
        api(DG.ledger.withFilters(`/tasks?source=${enc(id)}&limit=1000`))]);
    } catch (e) {
      DG.showError(main, e, "该文件");
      return;
    }
    const doc = docs.get(id);
    if (!doc) {
      DG.showError(main, new DG.ApiError(404, { suggestions: [] }), `文件“${id}”`);
      return;
    }
    const items = await everyTask(body);
    const title = doc.title || doc.source || id;
    document.title = `${DG.shorten(title, 30)} · 责任图谱`;
    const bySection = DG.groupBy(items, (t) => (t.section && t.section[0]) || "（无章节）");
    DG.fill(main,
      h("p", { class: "small muted" }, doc.source || ""),
      h("h1", {}, title),
      h("div", { class: "card screen-only" }, h("div", { class: "meta" },
        h("span", {}, "任务 ", h("b", { id: "total" }, body.total ?? items.length), " 项"),
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

  /** The first page's items and every further page (1000 a request). */
  async function everyTask(first) {
    const items = [...(first.items || [])];
    while (items.length < first.total) {
      const more = await api(DG.ledger.withFilters(`/tasks?source=${enc(id)}&limit=1000&offset=${items.length}`));
      if (!(more.items || []).length) break;
      items.push(...more.items);
    }
    return items;
  }

  load();
})();
