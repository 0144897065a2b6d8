/* Graph explorer: filter by document, section, agency type; physics on/off; PNG; "显示更多" paging. */
"use strict";
(() => {
  const { h, api, enc } = DG;
  DG.header("explore");
  const main = document.getElementById("main");
  const params = new URLSearchParams(location.search);
  const state = {
    document: params.get("document") || "",
    section: params.get("section") || "",
    agency_type: params.get("agency_type") || "",
    limit: Number(params.get("limit")) || 300,
    offset: 0,
    total: 0,
  };

  const docSelect = h("select", { id: "f-document" }, h("option", { value: "" }, "全部文件"));
  const sectionInput = h("input", { id: "f-section", type: "search", list: "sections", placeholder: "章节关键词", value: state.section });
  const sectionList = h("datalist", { id: "sections" });
  const typeSelect = h("select", { id: "f-agency-type" }, h("option", { value: "" }, "全部单位类型"),
    Object.entries(DG.AGENCY_TYPES).map(([k, v]) => h("option", { value: k }, v)));
  const limitSelect = h("select", { id: "f-limit" }, [100, 300, 1000, 5000].map((n) =>
    h("option", { value: n, selected: n === state.limit }, `每次 ${n} 项任务`)));
  const physics = h("input", { id: "f-physics", type: "checkbox", checked: params.get("physics") === "1" });
  const withIndicators = h("input", { id: "f-indicators", type: "checkbox", checked: params.get("indicators") === "1" });
  const aggregate = h("input", { id: "f-aggregate", type: "checkbox", checked: params.get("aggregate") === "1" });
  const status = h("span", { id: "status", class: "muted" }, "");
  const more = h("button", { id: "more", type: "button", class: "hidden", onclick: () => fetchPage(true) }, "显示更多");
  const graphBox = h("div", { class: "graph tall", id: "graph" });

  DG.fill(main,
    h("h1", {}, "图谱浏览"),
    h("form", { class: "filters", onsubmit: (e) => { e.preventDefault(); apply(); } },
      h("label", {}, "文件 ", docSelect),
      h("label", {}, "章节 ", sectionInput, sectionList),
      h("label", {}, "单位类型 ", typeSelect),
      limitSelect,
      h("button", { type: "submit" }, "显示"),
      h("label", {}, withIndicators, " 显示指标"),
      h("label", { title: "每个单位合为一个节点，连线表示共同承担的任务" }, aggregate, " 按单位聚合"),
      h("label", { title: "布局完成后仍持续模拟节点间的作用力" }, physics, " 物理引擎"),
      h("button", { type: "button", id: "save-png", onclick: () => DG.savePng(graphBox, "责任图谱") }, "保存为 PNG"),
      more, status),
    graphBox,
    h("div", { class: "legend", id: "legend" }),
    h("p", { class: "small muted" }, "单击节点打开详情，双击节点展开其关联节点；拖动画布平移，滚轮缩放。"));

  withIndicators.addEventListener("change", () => apply());
  aggregate.addEventListener("change", () => { userChose = true; switchView(); });
  physics.addEventListener("change", () => { if (g) g.network.setOptions({ physics: { enabled: physics.checked } }); });

  async function loadOptions() {
    try {
      const o = await api("/graph/explore/options");
      for (const d of o.documents || []) {
        docSelect.append(h("option", { value: d.id, selected: d.id === state.document },
          d.title ? `${DG.shorten(d.title, 28)}（${d.source}）` : d.source));
      }
      sectionList.replaceChildren(...(o.sections || []).map((s) => h("option", { value: s.title || s })));
      const present = new Set(o.agency_types || Object.keys(DG.AGENCY_TYPES));
      for (const opt of [...typeSelect.options]) if (opt.value && !present.has(opt.value)) opt.remove();
    } catch (e) { /* filters still work by typing */ }
    typeSelect.value = state.agency_type;
  }

  function apply() {
    state.document = docSelect.value;
    state.section = sectionInput.value.trim();
    state.agency_type = typeSelect.value;
    state.limit = Number(limitSelect.value);
    const q = new URLSearchParams();
    for (const k of ["document", "section", "agency_type"]) if (state[k]) q.set(k, state[k]);
    q.set("limit", state.limit);
    if (withIndicators.checked) q.set("indicators", "1");
    if (aggregate.checked) q.set("aggregate", "1");
    history.replaceState(null, "", `/ui/explore?${q}`);
    fetchPage(false);
  }

  // Above 1,500 nodes the server answers the first page by unit (view=auto); the other view is fetched
  // when the user asks for it, page by page, and kept until the filters change.
  let userChose = params.has("aggregate");
  let g = null;
  const newView = () => ({ pages: 0, nodes: new Map(), links: new Map() });
  const views = { units: newView(), tasks: newView() };
  const viewName = () => (aggregate.checked ? "units" : "tasks");
  let prefetched = Promise.resolve();
  let generation = 0;  // moves on when the filters change: an older prefetch is dropped

  /** Add one page to a view: units' task counts and shared-task weights add up over pages. */
  function merge(view, data) {
    for (const n of data.nodes) {
      const had = view.nodes.get(n.id);
      view.nodes.set(n.id, had && n.count ? { ...n, count: had.count + n.count } : n);
    }
    for (const l of data.links) {
      const key = `${l.source}\u0000${l.target}\u0000${l.type}`;
      const had = view.links.get(key);
      view.links.set(key, had && l.weight ? { ...l, weight: had.weight + l.weight } : l);
    }
    view.pages += 1;
  }

  function shown(name) {
    const view = views[name];
    const nodes = [...view.nodes.values()];
    const links = [...view.links.values()];
    if (name !== "units") return { nodes, links };
    return {
      nodes: nodes.map((n) => ({ ...n, label: `${n.name}（${n.count}）` })),
      links: links.map((l) => ({ ...l, title: `共同承担 ${l.weight} 项任务` })),
    };
  }

  function draw() {
    if (g) g.network.destroy();
    graphBox.replaceChildren();
    g = DG.graph(graphBox, shown(viewName()), { live: () => physics.checked });
    window.DG_EXPLORE = g;
    g.network.once("afterDrawing", () => DG.mark("dg-explore"));
    report();
  }

  function report() {
    DG.legend(document.getElementById("legend"), new Set(g.nodes.get().map((n) => n.raw.type)),
      aggregate.checked ? ["SHARED"] : ["LEADS", "SUPPORTS"]);
    const count = Math.min(state.total, state.offset + state.limit);
    const view = aggregate.checked ? `按单位聚合为 ${g.nodes.length} 个单位` : `${g.nodes.length} 个节点`;
    status.textContent = `已显示 ${count} / ${state.total} 项任务，${view}`;
    more.classList.toggle("hidden", count >= state.total);
  }

  function fetchView(view, offset) {
    const q = new URLSearchParams({ limit: state.limit, offset, indicators: withIndicators.checked, view });
    for (const k of ["document", "section", "agency_type"]) if (state[k]) q.set(k, state[k]);
    return api(`/graph/explore?${q}`);
  }

  /** Fetch what the chosen view lacks of the pages shown so far, then draw it. */
  async function switchView() {
    const name = viewName();
    await prefetched;
    const view = views[name];
    const pages = state.offset / state.limit + 1;
    if (view.pages < pages) {
      status.textContent = "正在加载…";
      aggregate.disabled = true;
      try {
        while (view.pages < pages) merge(view, await fetchView(name, view.pages * state.limit));
      } catch (e) {
        status.textContent = "";
        DG.showError(graphBox, e, "符合条件的图谱");
        return;
      } finally {
        aggregate.disabled = false;
      }
    }
    await DG.visReady;
    draw();
  }

  async function fetchPage(append) {
    state.offset = append ? state.offset + state.limit : 0;
    if (!append) { views.units = newView(); views.tasks = newView(); generation += 1; }
    status.textContent = "正在加载…";
    more.classList.add("hidden");
    let data;
    try {
      data = await fetchView(append || userChose ? viewName() : "auto", state.offset);
    } catch (e) {
      status.textContent = "";
      DG.showError(graphBox, e, "符合条件的图谱");
      return;
    }
    DG.mark("dg-explore-data");
    await DG.visReady;  // vis-network comes after this script
    state.total = data.total_tasks ?? data.total ?? 0;
    aggregate.checked = data.view === "units";
    merge(views[viewName()], data);
    if (append && g && !aggregate.checked) {
      g.add(data);
      g.relayout();
      report();
    } else {
      draw();
    }
    // once the units are drawn, the first page of tasks is fetched too, so that switching to them is quick
    if (!append && aggregate.checked) {
      const gen = generation;
      prefetched = fetchView("tasks", 0)
        .then((d) => { if (gen === generation && !views.tasks.pages) merge(views.tasks, d); })
        .catch(() => {});
    }
  }

  // the options (every document's name: half a megabyte at 100×) need not hold up the graph
  fetchPage(false).finally(loadOptions);
})();
