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
  aggregate.addEventListener("change", () => { userChose = true; draw(); });
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

  const AUTO_AGGREGATE = 1500;  // nodes: above this the first view is aggregated by unit
  let userChose = params.has("aggregate");
  let g = null;
  const loaded = { nodes: new Map(), links: [] };

  /** One node per agency (size = its tasks here), one edge per pair of agencies sharing tasks. */
  function byAgency(data) {
    const units = new Map();
    for (const l of data.links) {
      if (l.type !== "LEADS" && l.type !== "SUPPORTS") continue;
      if (!units.has(l.target)) units.set(l.target, new Set());
      units.get(l.target).add(l.source);
    }
    const count = new Map();
    const pairs = new Map();
    for (const set of units.values()) {
      const ids = [...set].sort();
      ids.forEach((a, i) => {
        count.set(a, (count.get(a) || 0) + 1);
        for (const b of ids.slice(i + 1)) pairs.set(`${a}\u0000${b}`, (pairs.get(`${a}\u0000${b}`) || 0) + 1);
      });
    }
    const nodes = data.nodes.filter((n) => n.type === "Agency" && count.has(n.id))
      .map((n) => ({ ...n, label: `${n.label}（${count.get(n.id)}）`, count: count.get(n.id) }));
    const links = [...pairs].map(([key, n]) => {
      const [source, target] = key.split("\u0000");
      return { source, target, type: "SHARED", weight: n, title: `共同承担 ${n} 项任务` };
    });
    return { nodes, links };
  }

  function draw() {
    const data = { nodes: [...loaded.nodes.values()], links: loaded.links };
    if (!userChose) aggregate.checked = data.nodes.length > AUTO_AGGREGATE;
    if (g) g.network.destroy();
    graphBox.replaceChildren();
    g = DG.graph(graphBox, aggregate.checked ? byAgency(data) : data, { live: () => physics.checked });
    window.DG_EXPLORE = g;
    g.network.once("afterDrawing", () => DG.mark("dg-explore"));
    report();
  }

  function report() {
    DG.legend(document.getElementById("legend"), new Set(g.nodes.get().map((n) => n.raw.type)),
      aggregate.checked ? ["SHARED"] : ["LEADS", "SUPPORTS"]);
    const shown = Math.min(state.total, state.offset + state.limit);
    const view = aggregate.checked ? `按单位聚合为 ${g.nodes.length} 个单位` : `${g.nodes.length} 个节点`;
    status.textContent = `已显示 ${shown} / ${state.total} 项任务，${view}`;
    more.classList.toggle("hidden", shown >= state.total);
  }

  async function fetchPage(append) {
    state.offset = append ? state.offset + state.limit : 0;
    const q = new URLSearchParams({ limit: state.limit, offset: state.offset, indicators: withIndicators.checked });
    for (const k of ["document", "section", "agency_type"]) if (state[k]) q.set(k, state[k]);
    status.textContent = "正在加载…";
    more.classList.add("hidden");
    let data;
    try {
      data = await api(`/graph/explore?${q}`);
    } catch (e) {
      status.textContent = "";
      DG.showError(graphBox, e, "符合条件的图谱");
      return;
    }
    DG.mark("dg-explore-data");
    state.total = data.total_tasks ?? data.total ?? 0;
    if (!append) { loaded.nodes.clear(); loaded.links = []; }
    for (const n of data.nodes) loaded.nodes.set(n.id, n);
    loaded.links.push(...data.links);
    if (append && g && !aggregate.checked) {
      g.add(data);
      g.relayout();
      report();
    } else {
      draw();
    }
  }

  loadOptions().then(() => fetchPage(false));
})();
