// Shared helpers of the runstream web UI: fetching the gateway's JSON API and formatting.
"use strict";

const rs = {
  async getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.message || "HTTP " + response.status);
      error.status = response.status;
      error.code = body.error;
      throw error;
    }
    return body;
  },

  el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  },

  badge(text) {
    return rs.el("span", { class: "badge " + text, text });
  },

  tokens(n) {
    return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US");
  },

  // Costs are exact decimal strings; show them with up to 6 decimals, never through float sums.
  cost(text) {
    if (text === null || text === undefined || text === "") return "–";
    const n = Number(text);
    if (n === 0) return "$0";
    return "$" + (n < 0.01 ? n.toFixed(6) : n.toFixed(4)).replace(/0+$/, "").replace(/\.$/, "");
  },

  duration(ms) {
    if (ms === null || ms === undefined || isNaN(ms)) return "–";
    if (ms < 1000) return Math.round(ms) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    return Math.floor(ms / 60000) + " m " + Math.round((ms % 60000) / 1000) + " s";
  },

  time(iso) {
    if (!iso) return "–";
    const d = new Date(iso);
    return d.toLocaleString(undefined, { hour12: false });
  },

  shortId(id) {
    return id && id.length > 14 ? id.slice(0, 8) + "…" + id.slice(-4) : id;
  },

  param(name) {
    return new URLSearchParams(window.location.search).get(name);
  },
};
