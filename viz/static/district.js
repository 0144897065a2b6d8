/* District page: everything a district's government and its own units carry. */
"use strict";
(() => {
  const { h, api, enc } = DG;
  DG.header("district");
  const main = document.getElementById("main");
  const name = DG.pathArg();
  document.title = `${name} · 责任图谱`;

  async function load() {
    let body;
    try {
      body = await api(`/districts/${enc(name)}/tasks?limit=1000`);
    } catch (e) {
      DG.showError(main, e, `区“${name}”`);
      return;
    }
    const items = body.items || [];
    const lead = items.filter((t) => t.role === "lead").length;
    const support = items.filter((t) => t.role === "support").length;
    const via = items.filter((t) => t.via).length;
    main.replaceChildren(
      h("h1", {}, name),
      h("div", { class: "card meta" },
        h("span", {}, "任务 ", h("b", { id: "total" }, body.total ?? items.length), " 项"),
        h("span", {}, "其中牵头 ", h("b", {}, lead), " 项，配合 ", h("b", {}, support), " 项"),
        h("span", {}, "经由单位组（如各区人民政府） ", h("b", {}, via), " 项"),
        h("a", { href: DG.links.agency(`${name}人民政府`) }, `查看${name}人民政府`)),
      items.length ? DG.taskList(items) : h("p", { class: "muted" }, "没有找到该区的任务。"));
    DG.mark("dg-district");
  }

  load();
})();
