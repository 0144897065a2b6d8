/* Agency page: profile, tasks under 牵头 / 配合 tabs, ego graph with filters. */
"use strict";
(() => {
  const { h, api, enc } = DG;
  DG.header("agency");
  const main = document.getElementById("main");
  const name = DG.pathArg();
  document.title = `${name} · 责任图谱`;

  const state = { role: "lead", doc: "", graphRole: "", agencyType: "", lists: {}, taskInfo: new Map() };

  async function load() {
    // every request starts at once: the API resolves aliases itself
    const profileP = api(`/agencies/${enc(name)}`);
    const listsP = Promise.all(["lead", "support"].map((role) =>
      DG.allItems(DG.ledger.withFilters(`/agencies/${enc(name)}/tasks?role=${role}`))
        .then((items) => ({ items })).catch(() => ({ items: [] }))));
    const graphP = api(`/graph/agency/${enc(name)}?depth=2`).catch((e) => e);
    let profile;
    try {
      profile = await profileP;
    } catch (e) {
      DG.showError(main, e, `单位“${name}”`);
      return;
    }
    const [lead, support] = await listsP;
    state.lists = { lead: lead.items || [], support: support.items || [] };
    state.docs = new Map((profile.documents || []).map((d) => [d.doc_id, { id: d.doc_id, source: d.source, title: d.title }]));
    for (const role of ["lead", "support"]) {
      for (const t of state.lists[role]) {
        if (!state.taskInfo.has(t.id)) state.taskInfo.set(t.id, { doc: t.doc_id, role });
      }
    }
    render(profile);
    DG.mark("dg-list");
    loadGraph(profile, graphP);
  }

  function render(p) {
    state.profile = p;
    if (p.name !== name) document.title = `${p.name} · 责任图谱`;
    const counts = p.counts || {};
    const meta = h("div", { class: "meta" },
      h("span", {}, "类型：", DG.AGENCY_TYPES[p.type] || p.type || "—"),
      h("span", {}, "辖区：", p.jurisdiction || "—"),
      h("span", {}, "牵头 ", h("b", {}, counts.lead ?? "—"), " 项"),
      h("span", {}, "配合 ", h("b", {}, counts.support ?? "—"), " 项"),
      counts.via_group ? h("span", {}, "经由单位组 ", h("b", {}, counts.via_group), " 项") : null);
    const extra = h("div", { class: "small muted" },
      (p.aliases || []).length ? h("div", {}, "别名：", p.aliases.join("、")) : null,
      (p.member_of || []).length ? h("div", {}, "所属单位组：", ...DG.joinLinks(p.member_of)) : null,
      (p.members || []).length ? h("div", {}, "成员单位：", ...DG.joinLinks(p.members)) : null);

    const docs = new Map();
    for (const t of [...state.lists.lead, ...state.lists.support]) docs.set(t.doc_id, DG.docName(state.docs, t.doc_id, t.source));
    const docSelect = h("select", { id: "f-doc", onchange: (e) => {
      state.doc = e.target.value; renderLists(); applyGraphFilters(); state.ledgerBar.refresh(); } },
      h("option", { value: "" }, "全部文件"), [...docs].map(([id, label]) => h("option", { value: id }, label)));

    const tabs = h("div", { class: "tabs", role: "tablist" },
      ["lead", "support"].map((role) => h("button", { id: `tab-${role}`, role: "tab", type: "button",
        class: role === state.role ? "active" : null, onclick: () => selectTab(role) },
        DG.ROLES[role], h("span", { class: "count" }, "…"))));
    const lists = h("div", { id: "task-lists" });

    const graphBox = h("div", { class: "graph", id: "graph" });
    const roleSelect = h("select", { id: "f-role", onchange: (e) => { state.graphRole = e.target.value; applyGraphFilters(); } },
      h("option", { value: "" }, "牵头和配合"), h("option", { value: "lead" }, "只看牵头"), h("option", { value: "support" }, "只看配合"));
    const typeSelect = h("select", { id: "f-type", onchange: (e) => { state.agencyType = e.target.value; applyGraphFilters(); } },
      h("option", { value: "" }, "全部单位类型"));

    state.ledgerBar = DG.ledger.button(`/agencies/${enc(p.name)}/ledger`, () => ({ document: state.doc }));
    DG.fill(main,
      h("h1", {}, p.name),
      h("div", { class: "card screen-only" }, meta, extra),
      h("div", { class: "filters" }, h("label", {}, "文件 ", docSelect), h("label", {}, "角色 ", roleSelect),
        h("label", {}, "单位类型 ", typeSelect),
        h("button", { type: "button", onclick: () => DG.savePng(graphBox, p.name) }, "保存为图片"),
        h("button", { type: "button", id: "print", onclick: () => window.print() }, "打印")),
      h("div", { class: "toolbar" }, DG.ledger.filters(DG.ledger.dueYears([...state.lists.lead, ...state.lists.support])),
        state.ledgerBar),
      h("p", { id: "filtered-note", class: "small muted" }),
      h("div", { id: "print-box" }),
      h("div", { class: "layout screen-only" },
        h("section", {}, tabs, lists),
        h("section", { class: "graph-col" }, graphBox, h("div", { class: "legend", id: "legend" }),
          h("p", { class: "small muted" }, "单击节点打开详情，双击节点展开其关联单位和任务。"))));
    renderLists();
  }

  function selectTab(role) {
    state.role = role;
    for (const r of ["lead", "support"]) document.getElementById(`tab-${r}`).classList.toggle("active", r === role);
    renderLists();
  }

  function renderLists() {
    for (const role of ["lead", "support"]) {
      const direct = state.lists[role].filter((t) => !t.via && (!state.doc || t.doc_id === state.doc));
      const btn = document.getElementById(`tab-${role}`);
      btn.querySelector(".count").textContent = direct.length;
      btn.dataset.count = String(direct.length);
    }
    const note = document.getElementById("filtered-note");
    if (note && DG.ledger.filterParams().toString().replace(/(^|&)today=[^&]*/, "")) {
      const shown = (role) => state.lists[role].filter((t) => !t.via && (!state.doc || t.doc_id === state.doc)).length;
      note.textContent = `按完成时限筛选后：牵头 ${shown("lead")} 项，配合 ${shown("support")} 项（未筛选时 ${
        state.profile.counts.lead} / ${state.profile.counts.support} 项）`;
    }
    const items = state.lists[state.role].filter((t) => !state.doc || t.doc_id === state.doc);
    const direct = items.filter((t) => !t.via);
    const via = items.filter((t) => t.via);
    renderPrint(state.profile);
    const box = document.getElementById("task-lists");
    DG.fill(box,
      h("div", { id: `list-${state.role}`, dataset: { count: String(direct.length) } },
        direct.length ? DG.taskList(direct, { showVia: false, docs: state.docs })
          : h("p", { class: "muted" }, `没有${DG.ROLES[state.role]}的任务。`)),
      via.length ? h("div", { id: `list-${state.role}-via` },
        h("h2", {}, `经由所属单位组承担的任务（${via.length} 项）`), DG.taskList(via, { docs: state.docs })) : null);
  }

  /** Paper gets both roles in full, whichever tab is open. */
  function renderPrint(p) {
    const keep = (t) => !state.doc || t.doc_id === state.doc;
    const lead = state.lists.lead.filter(keep);
    const support = state.lists.support.filter(keep);
    // a task listed under 牵头 or 配合 is not listed again for also reaching the unit through a group
    const direct = new Set(lead.concat(support).filter((t) => !t.via).map((t) => t.id));
    const via = [...new Map(lead.concat(support).filter((t) => t.via && !direct.has(t.id)).map((t) => [t.id, t])).values()]
      .sort(DG.ledger.documentOrder);
    const c = p.counts || {};
    const meta = [`类型：${DG.AGENCY_TYPES[p.type] || p.type || "—"}`, `辖区：${p.jurisdiction || "—"}`,
      `牵头 ${c.lead ?? 0} 项`, `配合 ${c.support ?? 0} 项`, c.via_group ? `经由单位组 ${c.via_group} 项` : ""].filter(Boolean).join("　");
    DG.fill(document.getElementById("print-box"), DG.ledger.printView(meta, [
      ["牵头", lead.filter((t) => !t.via)],
      ["配合", support.filter((t) => !t.via)],
      ...(via.length ? [["经由所属单位组承担", via]] : []),
    ]));
  }

  let g = null;
  async function loadGraph(p, graphP) {
    const box = document.getElementById("graph");
    const data = await graphP;
    DG.mark("dg-graph-data");
    if (data instanceof Error) {
      DG.fill(box, h("p", { class: "error" }, "无法加载关系图。"));
      return;
    }
    g = DG.graph(box, data, { centreId: p.id, onChange: () => { refreshTypeOptions(); applyGraphFilters(); } });
    g.network.once("afterDrawing", () => DG.mark("dg-graph"));
    window.DG_GRAPH = g;
    DG.legend(document.getElementById("legend"), new Set(data.nodes.map((n) => n.type)));
    g.centreId = p.id;
    refreshTypeOptions();
    applyGraphFilters();
  }

  const agencyType = (raw) => raw.agency_type || raw.group || "";

  function refreshTypeOptions() {
    if (!g) return;
    const select = document.getElementById("f-type");
    const present = new Set(g.nodes.get().filter((n) => n.raw.type === "Agency").map((n) => agencyType(n.raw)));
    const have = new Set([...select.options].map((o) => o.value));
    for (const t of present) {
      if (t && !have.has(t)) select.append(h("option", { value: t }, DG.AGENCY_TYPES[t] || t));
    }
  }

  function applyGraphFilters() {
    if (!g) return;
    const all = g.nodes.get();
    const edges = g.edges.get();
    const visibleTask = new Set();
    for (const n of all) {
      if (n.raw.type !== "Task") continue;
      const info = state.taskInfo.get(n.id);
      const ok = !info || ((!state.doc || info.doc === state.doc) && (!state.graphRole || info.role === state.graphRole));
      if (ok) visibleTask.add(n.id);
    }
    const touches = new Map();
    for (const e of edges) {
      for (const [a, b] of [[e.from, e.to], [e.to, e.from]]) {
        if (!touches.has(a)) touches.set(a, []);
        touches.get(a).push(b);
      }
    }
    const updates = all.map((n) => {
      let hidden = false;
      const near = touches.get(n.id) || [];
      if (n.id === g.centreId) hidden = false;
      else if (n.raw.type === "Task") hidden = !visibleTask.has(n.id);
      else if (n.raw.type === "Agency") {
        hidden = (state.agencyType && agencyType(n.raw) !== state.agencyType)
          || (near.length > 0 && !near.some((m) => visibleTask.has(m) || m === g.centreId));
      } else if (n.raw.type === "Indicator") hidden = near.length > 0 && !near.some((m) => visibleTask.has(m));
      return { id: n.id, hidden };
    });
    g.nodes.update(updates);
    document.getElementById("graph").dataset.visible = String(updates.filter((u) => !u.hidden).length);
  }

  load();
})();
