/* Agency page: profile, tasks under 牵头 / 配合 tabs, ego graph with filters.
 * Lists come a page at a time from the server, which also applies the 文件 and 完成时限 filters: the
 * busiest unit holds 15,000 tasks, far more than a page should fetch to show its first hundred. */
"use strict";
(() => {
  const { h, api, enc } = DG;
  DG.header("agency");
  const main = document.getElementById("main");
  const name = DG.pathArg();
  const PAGE = Number(new URLSearchParams(location.search).get("per_page")) || 100;
  const ROLES = ["lead", "support"];
  document.title = `${name} · 责任图谱`;

  // lists["lead|direct"] = {items, total}: what has been fetched of one list under the current filters
  const state = { role: "lead", doc: "", graphRole: "", agencyType: "", lists: {}, pending: {}, gen: 0, taskInfo: new Map(),
    full: null, docs: new Map(), docCounts: new Map() };
  const deadlineFiltered = () => Boolean(DG.ledger.filterParams().toString().replace(/(^|&)today=[^&]*/, ""));

  function listUrl(role, via, offset, limit) {
    return DG.ledger.withFilters(`/agencies/${enc(name)}/tasks`,
      { role, via, document: state.doc, offset: String(offset), limit: String(limit) });
  }

  /** The next page of one list (the first if none is loaded); a filter change meanwhile discards it.
   *  A second call while one is on its way waits for that one instead of fetching the same page again. */
  function fetchMore(role, via) {
    const key = `${role}|${via}`;
    const gen = state.gen;
    if (state.pending[key]) return state.pending[key];
    const have = state.lists[key];
    const p = api(listUrl(role, via, have ? have.items.length : 0, PAGE)).then((body) => {
      if (gen !== state.gen) return null;
      const list = state.lists[key] || { items: [], total: 0 };
      list.items = list.items.concat(body.items || []);
      list.total = body.total ?? list.items.length;
      state.lists[key] = list;
      return list;
    }).finally(() => { if (state.pending[key] === p) delete state.pending[key]; });
    state.pending[key] = p;
    return p;
  }

  /** First pages of a tab's two lists (its own tasks, those through a group), unless loaded already. */
  function loadTab(role) {
    return Promise.all(["direct", "group"].map((via) => (state.lists[`${role}|${via}`] ? null : fetchMore(role, via))));
  }

  async function load() {
    // every request starts at once: the API resolves aliases itself
    const profileP = api(`/agencies/${enc(name)}`);
    const tabP = loadTab(state.role).catch(() => null);
    const graphP = api(`/graph/agency/${enc(name)}?depth=2`).catch((e) => e);
    let profile;
    try {
      profile = await profileP;
    } catch (e) {
      DG.showError(main, e, `单位“${name}”`);
      return;
    }
    await tabP;
    render(profile);
    DG.mark("dg-list");
    loadGraph(profile, graphP);
    // the unit's documents (the 文件 filter, the lists' headings): asked for after the first lists, which they
    // would only slow down (the busiest unit's thousand documents are twice the size of a list page)
    DG.allItems(`/agencies/${enc(name)}/documents`).catch(() => []).then((docs) => {
      state.docs = new Map(docs.map((d) => [d.doc_id, { id: d.doc_id, source: d.source, title: d.title }]));
      state.docCounts = new Map(docs.map((d) => [d.doc_id, d]));
      const select = document.getElementById("f-doc");
      select.append(...docs.map((d) => h("option", { value: d.doc_id }, DG.docName(state.docs, d.doc_id, d.source))));
      select.dataset.loaded = "1";
      renderLists();
    });
    // the other tab next, so switching to it (and printing) needs no wait
    loadTab(state.role === "lead" ? "support" : "lead").then(() => { renderCounts(); renderPrint(); }).catch(() => null);
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

    const docSelect = h("select", { id: "f-doc", onchange: (e) => selectDoc(e.target.value) },
      h("option", { value: "" }, "全部文件"));

    const tabs = h("div", { class: "tabs", role: "tablist" },
      ROLES.map((role) => h("button", { id: `tab-${role}`, role: "tab", type: "button",
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
        h("button", { type: "button", id: "print", onclick: printAll }, "打印")),
      h("div", { class: "toolbar" }, DG.ledger.filters(p.due_years || []), state.ledgerBar),
      h("p", { id: "filtered-note", class: "small muted" }),
      h("div", { id: "print-box" }),
      h("div", { class: "layout screen-only" },
        h("section", {}, tabs, lists),
        h("section", { class: "graph-col" }, graphBox, h("div", { class: "legend", id: "legend" }),
          h("p", { class: "small muted" }, "单击节点打开详情，双击节点展开其关联单位和任务。"))));
    renderLists();
  }

  async function selectDoc(doc) {
    state.doc = doc;
    state.gen += 1;
    state.lists = {};
    state.pending = {};
    state.full = null;
    state.ledgerBar.refresh();
    applyGraphFilters();
    renderLists();
    const gen = state.gen;
    await loadTab(state.role).catch(() => null);
    if (gen !== state.gen) return;
    renderLists();
    await loadTab(state.role === "lead" ? "support" : "lead").catch(() => null);
    if (gen === state.gen) { renderCounts(); renderPrint(); }
  }

  async function selectTab(role) {
    state.role = role;
    for (const r of ROLES) document.getElementById(`tab-${r}`).classList.toggle("active", r === role);
    const gen = state.gen;
    if (!state.lists[`${role}|direct`] || !state.lists[`${role}|group`]) {
      DG.fill(document.getElementById("task-lists"), h("p", { class: "muted" }, "正在加载…"));
      await loadTab(role).catch(() => null);
    }
    if (gen === state.gen && state.role === role) renderLists();
  }

  /** A tab's count: its own tasks under the filters (the server's total; the profile's before that arrives). */
  function directCount(role) {
    const list = state.lists[`${role}|direct`];
    if (list) return list.total;
    if (deadlineFiltered()) return null;
    if (!state.doc) return (state.profile.counts || {})[role] ?? 0;
    const d = state.docCounts.get(state.doc);
    return d ? d[role] || 0 : null;
  }

  function renderCounts() {
    for (const role of ROLES) {
      const n = directCount(role);
      const btn = document.getElementById(`tab-${role}`);
      btn.querySelector(".count").textContent = n ?? "…";
      if (n !== null) btn.dataset.count = String(n);
    }
    const note = document.getElementById("filtered-note");
    const [lead, support] = ROLES.map(directCount);
    if (note && deadlineFiltered() && lead !== null && support !== null) {
      note.textContent = `按完成时限筛选后：牵头 ${lead} 项，配合 ${support} 项（未筛选时 ${
        state.profile.counts.lead} / ${state.profile.counts.support} 项）`;
    }
  }

  function moreButton(role, via) {
    const list = state.lists[`${role}|${via}`];
    if (!list || list.items.length >= list.total) return null;
    return h("button", { type: "button", class: "more", id: `more-${role}-${via}`, onclick: async (e) => {
      e.target.disabled = true;
      await fetchMore(role, via).catch(() => null);
      renderLists();
    } }, `显示更多（已显示 ${list.items.length} 项，共 ${list.total} 项）`);
  }

  function renderLists() {
    const box = document.getElementById("task-lists");
    if (!box) return;
    renderCounts();
    renderPrint();
    const direct = state.lists[`${state.role}|direct`];
    const via = state.lists[`${state.role}|group`];
    if (!direct) {
      DG.fill(box, h("p", { class: "muted" }, "正在加载…"));
      return;
    }
    DG.fill(box,
      h("div", { id: `list-${state.role}`, dataset: { count: String(direct.total), shown: String(direct.items.length) } },
        direct.items.length ? DG.taskList(direct.items, { showVia: false, docs: state.docs })
          : h("p", { class: "muted" }, `没有${DG.ROLES[state.role]}的任务。`),
        moreButton(state.role, "direct")),
      via && via.total ? h("div", { id: `list-${state.role}-via` },
        h("h2", {}, `经由所属单位组承担的任务（${via.total} 项）`), DG.taskList(via.items, { docs: state.docs }),
        moreButton(state.role, "group")) : null);
  }

  const complete = (key) => state.lists[key] && state.lists[key].items.length >= state.lists[key].total;

  /** Paper gets both roles in full, whichever tab is open: from the loaded lists when they are whole,
   *  else from the full lists the 打印 button fetches first. */
  function renderPrint() {
    const box = document.getElementById("print-box");
    if (!box) return;
    let lead;
    let support;
    let whole = true;
    if (state.full) ({ lead, support } = state.full);
    else {
      whole = ROLES.every((r) => complete(`${r}|direct`) && complete(`${r}|group`));
      const pick = (r) => ["direct", "group"].flatMap((v) => (state.lists[`${r}|${v}`] || { items: [] }).items)
        .sort(DG.ledger.documentOrder);
      lead = pick("lead");
      support = pick("support");
    }
    const p = state.profile;
    // a task listed under 牵头 or 配合 is not listed again for also reaching the unit through a group
    const direct = new Set(lead.concat(support).filter((t) => !t.via).map((t) => t.id));
    const via = [...new Map(lead.concat(support).filter((t) => t.via && !direct.has(t.id)).map((t) => [t.id, t])).values()]
      .sort(DG.ledger.documentOrder);
    const c = p.counts || {};
    const meta = [`类型：${DG.AGENCY_TYPES[p.type] || p.type || "—"}`, `辖区：${p.jurisdiction || "—"}`,
      `牵头 ${c.lead ?? 0} 项`, `配合 ${c.support ?? 0} 项`, c.via_group ? `经由单位组 ${c.via_group} 项` : ""].filter(Boolean).join("　");
    const view = DG.ledger.printView(meta, [
      ["牵头", lead.filter((t) => !t.via)],
      ["配合", support.filter((t) => !t.via)],
      ...(via.length ? [["经由所属单位组承担", via]] : []),
    ]);
    view.dataset.complete = whole ? "1" : "0";
    if (!whole) view.prepend(h("p", {}, "（只打印了已加载的任务；用页面上的“打印”按钮可打印全部任务。）"));
    DG.fill(box, view);
  }

  /** 打印: every task of both roles under the filters, then the browser's print dialog. */
  async function printAll(e) {
    const button = e && e.target;
    if (!state.full && !ROLES.every((r) => complete(`${r}|direct`) && complete(`${r}|group`))) {
      if (button) { button.disabled = true; button.textContent = "正在准备打印…"; }
      const gen = state.gen;
      try {
        const [lead, support] = await Promise.all(ROLES.map((role) =>
          DG.allItems(DG.ledger.withFilters(`/agencies/${enc(name)}/tasks`, { role, document: state.doc }))));
        if (gen === state.gen) state.full = { lead, support };
      } finally {
        if (button) { button.disabled = false; button.textContent = "打印"; }
      }
    }
    renderPrint();
    window.print();
  }

  let g = null;
  async function loadGraph(p, graphP) {
    const box = document.getElementById("graph");
    const data = await graphP;
    DG.mark("dg-graph-data");
    await DG.visReady;  // vis-network comes after this script
    if (data instanceof Error) {
      DG.fill(box, h("p", { class: "error" }, "无法加载关系图。"));
      return;
    }
    // the unit's own graph says each task's document and the unit's role in it (expansions later do not)
    for (const n of data.nodes) if (n.type === "Task" && n.role) state.taskInfo.set(n.id, { doc: n.doc_id, role: n.role });
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
