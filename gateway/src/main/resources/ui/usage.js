// The usage page: GET /v1/usage by agent, model or tenant; stacked SVG bars of tokens and cost
// per hourly window, and totals. Costs are summed as decimal strings scaled to integers (1e-12
// dollars), so the totals are exact.
"use strict";

(function () {
  const PALETTE = ["#3b5bdb", "#9c36b5", "#2b8a3e", "#e8590c", "#1098ad", "#c2255c", "#5c940d", "#f08c00", "#495057", "#7048e8"];
  const SVG = "http://www.w3.org/2000/svg";
  const dimension = document.getElementById("dimension");
  const range = document.getElementById("range");
  const error = document.getElementById("error");
  dimension.value = rs.param("dimension") || "AGENT";

  // Decimal string -> BigInt of 1e-12 dollars, and back.
  function micros(text) {
    const [whole, frac = ""] = String(text || "0").split(".");
    return BigInt(whole + (frac + "000000000000").slice(0, 12));
  }
  function dollars(big) {
    const s = big.toString().padStart(13, "0");
    return s.slice(0, -12) + "." + s.slice(-12);
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    children.forEach((c) => node.append(c));
    return node;
  }

  // Stacked bars: windows on x, one colored segment per key.
  function chart(container, windows, keys, value, format) {
    const W = 1100, H = 260, L = 70, R = 10, T = 10, B = 28;
    const totals = windows.map((w) => keys.reduce((sum, k) => sum + (value(w.byKey.get(k)) || 0), 0));
    const max = Math.max(1e-12, ...totals);
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
    const axis = svg("g", { class: "axis" });
    for (let i = 0; i <= 4; i++) {
      const y = T + (H - T - B) * (1 - i / 4);
      axis.append(svg("line", { x1: L, x2: W - R, y1: y, y2: y }));
      const label = svg("text", { x: L - 8, y: y + 4, "text-anchor": "end" });
      label.textContent = format(max * i / 4);
      axis.append(label);
    }
    root.append(axis);
    const slot = (W - L - R) / Math.max(1, windows.length);
    const barWidth = Math.max(2, Math.min(36, slot * 0.7));
    windows.forEach((w, i) => {
      const x = L + slot * i + (slot - barWidth) / 2;
      let y = H - B;
      keys.forEach((k, j) => {
        const v = value(w.byKey.get(k)) || 0;
        if (v <= 0) return;
        const h = (H - T - B) * v / max;
        y -= h;
        const rect = svg("rect", { x, y, width: barWidth, height: Math.max(h, 0.5), fill: PALETTE[j % PALETTE.length], rx: 2 });
        const tip = svg("title");
        tip.textContent = `${k} · ${new Date(w.start).toLocaleString()} · ${format(v)}`;
        rect.append(tip);
        root.append(rect);
      });
      if (windows.length <= 24 || i % Math.ceil(windows.length / 12) === 0) {
        const label = svg("text", { x: x + barWidth / 2, y: H - 8, "text-anchor": "middle", class: "axis" });
        label.textContent = windows.length > 30
          ? new Date(w.start).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", hour12: false })
          : new Date(w.start).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
        label.setAttribute("fill", "#6b7385");
        label.setAttribute("font-size", "11");
        root.append(label);
      }
    });
    container.replaceChildren(root);
  }

  async function refresh() {
    const to = new Date();
    const from = new Date(to.getTime() - Number(range.value) * 3600 * 1000);
    try {
      const page = await rs.getJson(`/v1/usage?dimension=${dimension.value}&from=${from.toISOString()}&to=${to.toISOString()}`);
      const aggregates = page.aggregates || [];
      const byWindow = new Map();
      const totals = new Map();
      for (const a of aggregates) {
        const start = Date.parse(a.window_start);
        if (!byWindow.has(start)) byWindow.set(start, { start, byKey: new Map() });
        byWindow.get(start).byKey.set(a.key, a);
        const t = totals.get(a.key) || { input: 0, output: 0, total: 0, steps: 0, cost: 0n };
        t.input += a.usage.input_tokens;
        t.output += a.usage.output_tokens;
        t.total += a.usage.total_tokens;
        t.steps += a.steps;
        t.cost += micros(a.usage.cost_usd);
        totals.set(a.key, t);
      }
      const keys = [...totals.keys()].sort((a, b) => totals.get(b).total - totals.get(a).total);
      // Every hour of the range gets a slot, so the time axis spans the range.
      const HOUR = 3600 * 1000;
      for (let t = Math.floor(from.getTime() / HOUR) * HOUR; t <= to.getTime(); t += HOUR) {
        if (!byWindow.has(t)) byWindow.set(t, { start: t, byKey: new Map() });
      }
      const windows = [...byWindow.values()].sort((a, b) => a.start - b.start);
      chart(document.getElementById("tokens-chart"), windows, keys, (a) => a && a.usage.total_tokens, (v) => rs.tokens(Math.round(v)));
      chart(document.getElementById("cost-chart"), windows, keys, (a) => a && Number(a.usage.cost_usd), (v) => "$" + v.toFixed(v < 1 ? 4 : 2));
      document.getElementById("legend").replaceChildren(...keys.map((k, j) =>
        rs.el("span", {}, Object.assign(rs.el("i"), { style: `background:${PALETTE[j % PALETTE.length]}` }), k)));
      document.getElementById("key-header").textContent = dimension.options[dimension.selectedIndex].text;
      document.querySelector("#totals tbody").replaceChildren(...keys.map((k) => {
        const t = totals.get(k);
        return rs.el("tr", { "data-key": k },
          rs.el("td", { text: k }),
          rs.el("td", { class: "num", text: rs.tokens(t.input) }),
          rs.el("td", { class: "num", text: rs.tokens(t.output) }),
          rs.el("td", { class: "num", text: rs.tokens(t.total) }),
          rs.el("td", { class: "num", text: rs.tokens(t.steps) }),
          rs.el("td", { class: "num", text: rs.cost(dollars(t.cost)) }));
      }));
      document.getElementById("empty").classList.toggle("hidden", keys.length > 0);
      error.classList.add("hidden");
    } catch (e) {
      error.textContent = "Cannot load usage: " + e.message;
      error.classList.remove("hidden");
    }
  }

  dimension.addEventListener("change", refresh);
  range.addEventListener("change", refresh);
  refresh();
  setInterval(refresh, 5000);
})();
