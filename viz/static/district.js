/* District page: everything a district's government and its own units carry, by role. */
"use strict";
(() => {
  const { h, enc } = DG;
  DG.header("district");
  const main = document.getElementById("main");
  const name = DG.pathArg();
  document.title = `${name} · 责任图谱`;

  const VIEWS = [
    ["all", "全部", () => true],
    ["lead", "牵头", (t) => t.role === "lead" && !t.via],
    ["support", "配合", (t) => t.role === "support" && !t.via],
    ["via", "经由单位组", (t) => Boolean(t.via)],
  ];

  async function load() {
    let items;
    let docs;
    try {
      [items, docs] = await Promise.all([DG.allItems(DG.ledger.withFilters(`/districts/${enc(name)}/tasks`)),
        DG.documents()]);
    } catch (e) {
      DG.showError(main, e, `区“${name}”`);
      return;
    }
    const box = h("div", { id: "district-tasks" });
    const tabs = h("div", { class: "tabs", role: "tablist" }, VIEWS.map(([key, label, keep]) => {
      const n = items.filter(keep).length;
      return h("button", { type: "button", id: `tab-${key}`, role: "tab", dataset: { count: String(n) },
        onclick: () => show(key) }, label, h("span", { class: "count" }, n));
    }));

    function show(key) {
      const [, , keep] = VIEWS.find(([k]) => k === key);
      for (const [k] of VIEWS) document.getElementById(`tab-${k}`).classList.toggle("active", k === key);
      const shown = items.filter(keep);
      DG.fill(box, shown.length ? DG.taskList(shown, { docs, collapse: true })
        : h("p", { class: "muted" }, "没有这一类任务。"));
    }

    const units = [...new Set(items.flatMap((t) => [...(t.leads || []), ...(t.supports || [])])
      .filter((u) => u.startsWith(name)))];
    const grouped = VIEWS.slice(1).map(([, label, keep]) => [label, items.filter(keep)]);
    const rest = items.filter((t) => !VIEWS.slice(1).some(([, , keep]) => keep(t)));
    if (rest.length) grouped.push(["其他", rest]);
    DG.fill(main,
      h("h1", {}, name),
      DG.ledger.printView(`任务 ${items.length} 项`, grouped),
      h("div", { class: "card screen-only" },
        h("div", { class: "meta" },
          h("span", {}, "任务 ", h("b", { id: "total" }, items.length), " 项"),
          h("span", {}, "涉及文件 ", h("b", {}, new Set(items.map((t) => t.doc_id)).size), " 份"),
          h("a", { href: DG.links.agency(`${name}人民政府`) }, `查看${name}人民政府`)),
        units.length ? h("div", { class: "small muted" }, "本区单位：", ...DG.joinLinks(units)) : null),
      h("div", { class: "toolbar" }, DG.ledger.filters(DG.ledger.dueYears(items)),
        DG.ledger.button(`/districts/${enc(name)}/ledger`),
        h("button", { type: "button", id: "print", onclick: () => window.print() }, "打印")),
      h("div", { class: "screen-only" }, tabs, box));
    show("all");
    DG.mark("dg-district");
  }

  load();
})();
