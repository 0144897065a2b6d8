/* Shared helpers for every page: DOM building, API calls, Chinese labels, graph drawing. */
"use strict";

const DG = (() => {
  const NODE_TYPES = {
    Agency: { label: "单位", color: "#2563eb", shape: "box" },
    Task: { label: "任务", color: "#f59e0b", shape: "dot" },
    Indicator: { label: "指标", color: "#16a34a", shape: "diamond" },
    Document: { label: "文件", color: "#64748b", shape: "square" },
    District: { label: "区", color: "#7c3aed", shape: "triangle" },
  };
  const EDGE_TYPES = {
    LEADS: { label: "牵头", color: "#b42318", dashes: false, width: 2 },
    SUPPORTS: { label: "配合", color: "#94a3b8", dashes: true, width: 1 },
    HAS_INDICATOR: { label: "指标", color: "#16a34a", dashes: false, width: 1 },
    ROLLS_UP_TO: { label: "汇总至", color: "#7c3aed", dashes: false, width: 2 },
    MEMBER_OF: { label: "隶属", color: "#2563eb", dashes: [2, 4], width: 1 },
    BRANCH_OF: { label: "分支", color: "#2563eb", dashes: [2, 4], width: 1 },
    IN_DISTRICT: { label: "所在区", color: "#7c3aed", dashes: [2, 4], width: 1 },
    SHARED: { label: "共同承担", color: "#94a3b8", dashes: false, width: 1 },
  };
  const AGENCY_TYPES = {
    department: "部门",
    district_government: "区人民政府",
    zone_committee: "功能区管委会",
    state_firm: "国有企业",
    party_organ: "党委机构",
    mass_organisation: "群团组织",
    leading_group: "领导小组",
    group: "单位组",
    branch: "派出机构",
    other: "其他",
  };
  const KINDS = { task: "任务", measure: "举措", district_row: "区任务", indicator: "指标" };
  const COMPARATORS = { ">=": "不低于", "<=": "不高于", "=": "等于", ">": "高于", "<": "低于" };
  const ROLES = { lead: "牵头", support: "配合" };
  const METHODS = {
    "category+title": "同类别、标题相近",
    "subject→measure": "主题对应举措",
    "row→measure": "清单条目对应举措",
    "task→2025 target": "年度任务对应2025年目标",
    "same name+unit": "指标名称与单位相同",
    "similar name+unit": "指标名称相近、单位相同",
  };
  const method = (m) => METHODS[m] || m || "";

  /** Build an element: h("a", {href: "/"}, "text", child, …). Text is never parsed as HTML. */
  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.detail || body.error)) || `请求失败（${status}）`);
      this.status = status;
      this.body = body || {};
    }
  }

  /** GET a JSON endpoint of our own API (same origin only). */
  async function api(path) {
    const resp = await fetch(path, { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await resp.json(); } catch (e) { body = null; }
    if (!resp.ok) throw new ApiError(resp.status, body);
    return body;
  }

  /** Every item of a paged list endpoint, 1000 a request. */
  async function allItems(path) {
    const sep = path.includes("?") ? "&" : "?";
    const items = [];
    for (;;) {
      const body = await api(`${path}${sep}limit=1000&offset=${items.length}`);
      items.push(...(body.items || []));
      if (!(body.items || []).length || items.length >= body.total) return items;
    }
  }

  const enc = encodeURIComponent;
  const links = {
    agency: (name) => `/ui/agency/${enc(name)}`,
    document: (id) => `/ui/document/${enc(id)}`,
    task: (id) => `/ui/task/${enc(id)}`,
    district: (name) => `/ui/district/${enc(name)}`,
    rollup: (id) => `/ui/rollup/${enc(id)}`,
  };

  /** The decoded last path segment of this page's URL (the name or id it shows). */
  function pathArg() {
    const parts = location.pathname.split("/").filter(Boolean);
    return decodeURIComponent(parts[parts.length - 1] || "");
  }

  function header(active) {
    const nav = h("nav", {},
      h("a", { href: "/ui/", class: active === "home" ? "active" : null }, "首页"),
      h("a", { href: "/ui/workload", class: active === "workload" ? "active" : null }, "工作量"),
      h("a", { href: "/ui/explore", class: active === "explore" ? "active" : null }, "图谱浏览"),
      h("a", { href: "/ui/documents", class: active === "documents" ? "active" : null }, "文件管理"));
    document.body.prepend(h("header", { class: "top" },
      h("a", { class: "brand", href: "/ui/" }, "责任图谱"), nav, active === "home" ? null : DG.search.headerForm()));
  }

  /** Replace `box`'s children, skipping null/undefined/false (replaceChildren would print them as "null"). */
  function fill(box, ...children) {
    box.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return box;
  }

  function agencyLink(name) { return h("a", { href: links.agency(name) }, name); }

  function joinLinks(names) {
    const out = [];
    (names || []).forEach((n, i) => { if (i) out.push("、"); out.push(agencyLink(n)); });
    return out.length ? out : ["—"];
  }

  function indicatorText(ind) {
    if (ind.target === null || ind.target === undefined) return ind.name || ind.text;
    const cmp = COMPARATORS[ind.comparator] || "";
    const year = ind.year ? `${ind.year}年 ` : "";
    return `${ind.name || "指标"}：${year}${cmp}${ind.target}${ind.unit || ""}`;
  }

  function indicatorChip(ind) {
    return h("a", { class: "chip", href: links.rollup(ind.id), title: ind.text || "" }, indicatorText(ind));
  }

  /** Show an API error in `box`; a 404 with suggestions becomes "您是不是要找：…". */
  function showError(box, err, what) {
    box.replaceChildren();
    const div = h("div", { class: "error" });
    if (err.status === 404) {
      div.append(h("p", {}, `未找到${what || "该条目"}。`));
      const sug = (err.body && err.body.suggestions) || [];
      if (sug.length) {
        div.append(h("p", {}, "您是不是要找：", ...joinLinks(sug)));
      }
    } else {
      div.append(h("p", {}, `加载失败：${err.message || err}`));
    }
    box.append(div);
  }

  function groupBy(items, keyFn) {
    const map = new Map();
    for (const it of items) {
      const k = keyFn(it);
      if (!map.has(k)) map.set(k, []);
      map.get(k).push(it);
    }
    return map;
  }

  let docsPromise = null;
  /** Loaded documents by id ({id, source, title, …}), fetched once per page. */
  function documents() {
    docsPromise = docsPromise || allItems("/documents")
      .then((items) => new Map(items.map((d) => [d.id, d])))
      .catch(() => new Map());
    return docsPromise;
  }

  function docName(docs, id, source) {
    const d = docs && docs.get(id);
    const title = d && d.title;
    return title ? `${shorten(title, 40)}（${(d && d.source) || source || ""}）` : (source || id || "未知文件");
  }

  function sectionLabel(t) { return (t.section && t.section.length) ? t.section.join(" › ") : "（无章节）"; }

  /** A task list grouped by document, then section, each task linking to its page.
   *  With `collapse`, each document is a <details> block and only the first one starts open. */
  function taskList(items, { showVia = true, docs = null, collapse = false } = {}) {
    const wrap = h("div", { class: "task-groups" });
    let first = true;
    for (const [, docItems] of groupBy(items, (t) => t.doc_id || t.source)) {
      const name = docName(docs, docItems[0].doc_id, docItems[0].source);
      const label = [docItems[0].doc_id ? h("a", { href: links.document(docItems[0].doc_id) }, name) : name,
        `（${docItems.length} 项）`];
      const body = [];
      for (const [sec, secItems] of groupBy(docItems, sectionLabel)) {
        body.push(h("div", { class: "section-title" }, sec));
        body.push(h("ul", { class: "tasks" }, secItems.map((t) => taskRow(t, showVia))));
      }
      wrap.append(collapse
        ? h("details", { class: "doc-group", open: first }, h("summary", {}, h("h3", {}, label)), ...body)
        : h("div", { class: "doc-group" }, h("h3", {}, label), ...body));
      first = false;
    }
    return wrap;
  }

  function taskRow(t, showVia) {
    const text = t.title ? `【${t.title}】${t.text}` : t.text;
    return h("li", { dataset: { taskId: t.id } },
      h("span", { class: "no" }, t.number || ""),
      h("a", { class: "task-link", href: links.task(t.id) }, shorten(text, 120)),
      showVia && t.via ? h("span", { class: "via" }, `经由 ${t.via}`) : null,
      h("div", { class: "units" }, "牵头：", ...joinLinks(t.leads), "　配合：", ...joinLinks(t.supports)),
      deadline(t),
      (t.indicators || []).length ? h("div", {}, t.indicators.map(indicatorChip)) : null);
  }

  /** A task's 完成时限 as printed, marked when its due date has passed. */
  function deadline(t, { label = true } = {}) {
    if (!t.deadline) return null;
    const late = t.overdue === true || (t.overdue === undefined && t.due && t.due < DG.ledger.today());
    return h(label ? "div" : "span", { class: late ? "deadline overdue" : "deadline" }, label ? "完成时限：" : "", t.deadline,
      late ? h("span", { class: "late" }, "已逾期") : null);
  }

  function shorten(s, n) {
    s = s || "";
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  function legend(box, nodeTypes, edgeTypes = ["LEADS", "SUPPORTS"]) {
    box.replaceChildren(...Object.entries(NODE_TYPES)
      .filter(([k]) => !nodeTypes || nodeTypes.has(k))
      .map(([, v]) => h("span", {}, h("span", { class: "swatch", style: `background:${v.color}` }), v.label)),
      ...edgeTypes.map((k) => h("span", {},
        h("span", { class: "swatch", style: `background:${EDGE_TYPES[k].color};height:3px` }), `${EDGE_TYPES[k].label}关系`)));
  }

  /** A task's label: its number alone in a crowded graph (the text stays in the tooltip). */
  function taskLabel(label, compact) {
    const m = /^(\S{1,8})\.\s/.exec(label || "");
    return compact && m ? m[1] : shorten(label, 14);
  }

  /** Tooltip text, with any agency-type code (e.g. "department") shown by its Chinese name. */
  function tooltip(n) {
    const text = n.title || n.label || "";
    return text.replace(/\b[a-z]+(?:_[a-z]+)*\b/g, (w) => AGENCY_TYPES[w] || w);
  }

  function visNode(n, centreId, compact) {
    const style = NODE_TYPES[n.type] || { color: "#999", shape: "dot" };
    const centre = n.id === centreId;
    let label = n.label;
    if (n.type === "Task") label = taskLabel(n.label, compact && !centre);
    else if (n.type === "Indicator" && compact) label = "";
    return {
      id: n.id,
      label,
      title: tooltip(n),
      shape: style.shape,
      color: {
        background: centre ? "#b42318" : style.color,
        border: centre ? "#7a1010" : style.color,
        highlight: { background: centre ? "#7a1010" : "#1f2933", border: "#1f2933" },
        hover: { background: centre ? "#7a1010" : "#1f2933", border: "#1f2933" },
      },
      font: { color: style.shape === "box" ? "#fff" : "#1f2933", size: centre ? 18 : 13,
        face: "Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif" },
      size: centre ? 22 : n.type === "Task" ? 9 : 12,
      ...(n.count ? { shape: "dot", size: 6 + 3 * Math.sqrt(n.count), font: { color: "#1f2933", size: 14 } } : {}),
      centre,
      raw: n,
    };
  }

  function visEdge(l) {
    const style = EDGE_TYPES[l.type] || { color: "#cbd5e1", dashes: false, width: 1 };
    return {
      id: `${l.source}|${l.target}|${l.type}`,
      from: l.source,
      to: l.target,
      color: { color: style.color, opacity: 0.8 },
      dashes: style.dashes,
      width: l.weight ? Math.min(8, 1 + Math.log2(l.weight)) : style.width,
      arrows: l.type === "ROLLS_UP_TO" ? "to" : undefined,
      title: l.title || style.label || l.type,
      type: l.type,
    };
  }

  function nodeHref(n) {
    if (n.type === "Task") return links.task(n.id);
    if (n.type === "Agency") return links.agency(n.name || n.label);
    if (n.type === "District") return links.district(n.name || n.label);
    if (n.type === "Indicator") return links.rollup(n.id);
    return null;
  }

  /** Draw a node-link graph; click opens a node's page, double-click merges its neighbours in. */
  const GOLDEN = Math.PI * (3 - Math.sqrt(5));
  const HUBS = new Set(["Agency", "Document", "District"]);
  const LARGE = 400;  // above this many nodes the first drawing uses the seeded layout as it is

  /** Starting positions, in O(nodes + links): hubs (agencies, documents, districts) on a sunflower
   *  spiral by degree, each task around the centre of its hubs, each target beside its task.
   *  `known` holds positions already on screen; new nodes are placed next to their known neighbours. */
  function seed(newNodes, links, known, slots) {
    const adj = new Map();
    for (const l of links) {
      for (const [a, b] of [[l.source, l.target], [l.target, l.source]]) {
        if (!adj.has(a)) adj.set(a, []);
        adj.get(a).push(b);
      }
    }
    const crowd = new Map();
    const around = (cx, cy, step) => {
      const key = `${Math.round(cx)},${Math.round(cy)}`;
      const k = (crowd.get(key) || 0) + 1;
      crowd.set(key, k);
      const r = step * Math.sqrt(k);
      return { x: cx + r * Math.cos(k * GOLDEN), y: cy + r * Math.sin(k * GOLDEN) };
    };
    const spiral = () => {
      const i = slots.next++;
      const r = slots.spacing * Math.sqrt(i);
      return { x: r * Math.cos(i * GOLDEN), y: r * Math.sin(i * GOLDEN) };
    };
    const rank = (n) => (HUBS.has(n.raw.type) ? 0 : n.raw.type === "Indicator" ? 2 : 1);
    const degree = (n) => (adj.get(n.id) || []).length;
    const order = [...newNodes].sort((a, b) => rank(a) - rank(b) || (b.centre - a.centre) || degree(b) - degree(a));
    for (const n of order) {
      const near = (adj.get(n.id) || []).map((m) => known.get(m)).filter(Boolean);
      let p;
      if (rank(n) === 0 && (n.centre || !near.length)) p = spiral();
      else if (near.length) {
        const cx = near.reduce((t, q) => t + q.x, 0) / near.length;
        const cy = near.reduce((t, q) => t + q.y, 0) / near.length;
        p = around(cx, cy, rank(n) === 2 ? 9 : rank(n) === 0 ? 40 : 16);
      } else p = spiral();
      n.x = p.x;
      n.y = p.y;
      known.set(n.id, p);
    }
  }

  /** Draw a node-link graph; click opens a node's page, double-click merges its neighbours in.
   *  `live()` says whether physics keeps running once the layout has settled. */
  function graph(container, data, { centreId = null, live = () => false, onChange = null } = {}) {
    const nodes = new vis.DataSet();
    const edges = new vis.DataSet();
    const large = data.nodes.length > LARGE;
    const hubs = data.nodes.filter((n) => HUBS.has(n.type)).length;
    const slots = { next: 0, spacing: hubs > 60 ? 110 : 160 };
    const known = new Map();
    const options = {
      autoResize: true,
      layout: { improvedLayout: false },
      physics: {
        enabled: !large,
        solver: "barnesHut",
        barnesHut: { gravitationalConstant: -2500, springLength: 110, springConstant: 0.03, avoidOverlap: 0.1 },
        // small graphs settle before the first drawing; larger ones are drawn seeded and settle on screen
        stabilization: { enabled: data.nodes.length <= 150, iterations: 150, updateInterval: 25 },
        minVelocity: 1.5,
      },
      interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: large, hideEdgesOnZoom: large },
      edges: { smooth: false },
    };
    let network = null;
    container.dataset.stabilized = "0";  // a graph drawn anew in the same box settles anew
    add(data);  // fill the data sets first, so the layout is settled (or seeded) before the first drawing
    network = new vis.Network(container, { nodes, edges }, options);
    // a white background so a saved PNG reads well
    network.on("beforeDrawing", (ctx) => {
      const c = ctx.canvas;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.restore();
    });
    let fitted = false;
    const settled = () => {
      for (const [id, p] of Object.entries(network.getPositions())) known.set(id, p);
      network.setOptions({ physics: { enabled: live() } });
      if (!fitted) network.fit({ animation: false });
      fitted = true;
      container.dataset.stabilized = "1";
    };
    network.on("stabilizationIterationsDone", settled);
    network.on("stabilized", () => { if (container.dataset.stabilized !== "1") settled(); });
    if (large) network.once("afterDrawing", settled);
    else network.once("afterDrawing", () => network.fit({ animation: false }));
    let clickTimer = null;
    let quietUntil = 0;  // a double click also reports its clicks: they must not open the node
    network.on("click", (p) => {
      if (!p.nodes.length || Date.now() < quietUntil) return;
      const n = nodes.get(p.nodes[0]);
      const href = n && nodeHref(n.raw);
      if (!href) return;
      clearTimeout(clickTimer);
      clickTimer = setTimeout(() => { location.href = href; }, 350);
    });
    network.on("doubleClick", async (p) => {
      clearTimeout(clickTimer);
      quietUntil = Date.now() + 600;
      if (!p.nodes.length) return;
      const n = nodes.get(p.nodes[0]).raw;
      let url = null;
      if (n.type === "Agency") url = `/graph/agency/${enc(n.name || n.label)}?depth=1`;
      else if (n.type === "Task") url = `/graph/task/${enc(n.id)}`;
      if (!url) return;
      try {
        for (const [id, q] of Object.entries(network.getPositions())) known.set(id, q);
        add(await api(url));
        relayout();
      } catch (e) { /* a node without a page of its own: nothing to expand */ }
    });

    /** Settle newly merged nodes: a short physics run on small graphs, none on large ones. */
    function relayout() {
      if (nodes.length > LARGE && !live()) return;
      container.dataset.stabilized = "0";
      network.setOptions({ physics: { enabled: true } });
      network.stabilize(40);
    }

    function add(more) {
      const compact = nodes.length + more.nodes.length > 40;
      if (network) for (const [id, q] of Object.entries(network.getPositions())) known.set(id, q);
      const fresh = more.nodes.filter((n) => !nodes.get(n.id)).map((n) => visNode(n, centreId, compact));
      seed(fresh, more.links, known, slots);
      nodes.update(fresh);
      const have = new Set(nodes.getIds());
      edges.update(more.links.filter((l) => have.has(l.source) && have.has(l.target)).map(visEdge));
      container.dataset.nodes = String(nodes.length);
      if (onChange && network) onChange();
    }

    return { network, nodes, edges, add, relayout };
  }

  /** Save the graph canvas as a PNG download. */
  function savePng(container, name) {
    const canvas = container.querySelector("canvas");
    if (!canvas) return;
    const a = h("a", { href: canvas.toDataURL("image/png"), download: `${name || "责任图谱"}.png` });
    document.body.append(a);
    a.click();
    a.remove();
  }

  /** Settles once every script of the page has run: a page loading vis-network after its own script
   *  waits for this before drawing a graph. */
  const visReady = document.readyState === "loading"
    ? new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }))
    : Promise.resolve();

  function mark(name) {
    performance.mark(name);
    window.DG_TIMING = window.DG_TIMING || {};
    window.DG_TIMING[name] = Math.round(performance.now());
  }

  return {
    NODE_TYPES, EDGE_TYPES, AGENCY_TYPES, KINDS, ROLES, h, api, allItems, ApiError, links, pathArg, header,
    fill, agencyLink, joinLinks, indicatorText, indicatorChip, showError, groupBy, taskList, taskRow, deadline, shorten,
    legend, graph, savePng, mark, nodeHref, enc, documents, docName, method, visReady,
  };
})();
