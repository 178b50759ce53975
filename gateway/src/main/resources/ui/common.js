// Shared helpers of the runstream web UI: fetching the gateway's JSON API and formatting.
"use strict";

const rs = {
  // Secure mode: the gateway answers 401 without a credential. The UI then asks for an API key or
  // JWT once per browser tab, keeps it in sessionStorage, sends it as "Authorization: Bearer" with
  // fetch() and as access_token on EventSource URLs (EventSource cannot set headers). A link with
  // #token=... or ?token=... fills it in. Without secure mode none of this shows.
  tokenKey: "runstream.token",

  token() {
    return sessionStorage.getItem(rs.tokenKey);
  },

  // Takes a token from #token=... or ?token=... into sessionStorage and out of the address bar.
  adoptTokenFromUrl() {
    const url = new URL(window.location);
    const fromHash = new URLSearchParams(url.hash.slice(1)).get("token");
    const fromQuery = url.searchParams.get("token");
    const token = fromHash || fromQuery;
    if (!token) return;
    sessionStorage.setItem(rs.tokenKey, token);
    url.searchParams.delete("token");
    if (fromHash) url.hash = "";
    history.replaceState(null, "", url);
  },

  // A URL with the token as access_token, for EventSource.
  withToken(path) {
    const token = rs.token();
    if (!token) return path;
    return path + (path.includes("?") ? "&" : "?") + "access_token=" + encodeURIComponent(token);
  },

  // Shows the token prompt (once, however many requests were refused) and resolves when a token
  // has been entered.
  promptToken(rejected) {
    if (rs.pendingPrompt) return rs.pendingPrompt;
    const input = rs.el("input", { id: "auth-token", type: "password", autocomplete: "off", placeholder: "API key or JWT" });
    const submit = rs.el("button", { id: "auth-submit", type: "submit", text: "Sign in" });
    const form = rs.el("form", { id: "auth-form", class: "panel auth" },
      rs.el("h2", { text: "Sign in" }),
      rs.el("div", { class: "sub", text: "This gateway requires an API key or token for its tenant." }),
      rejected ? rs.el("div", { id: "auth-error", class: "alert error", text: "That token was not accepted." }) : null,
      input, " ", submit);
    const overlay = rs.el("div", { id: "auth", class: "auth-overlay" }, form);
    document.body.append(overlay);
    input.focus();
    rs.pendingPrompt = new Promise((resolve) => {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        sessionStorage.setItem(rs.tokenKey, token);
        overlay.remove();
        rs.pendingPrompt = null;
        resolve(token);
      });
    });
    return rs.pendingPrompt;
  },

  // fetch() with the token; on 401 asks for one and tries again.
  async fetchAuthorized(path, init) {
    for (;;) {
      const token = rs.token();
      const headers = Object.assign({ Accept: "application/json" }, (init && init.headers) || {});
      if (token) headers.Authorization = "Bearer " + token;
      const response = await fetch(path, Object.assign({}, init || {}, { headers }));
      if (response.status !== 401) return response;
      if (token && rs.token() === token) sessionStorage.removeItem(rs.tokenKey);
      await rs.promptToken(Boolean(token));
    }
  },

  // Makes sure the API accepts this tab's token (prompting if needed); true if a prompt was shown.
  async ensureAccess() {
    const before = rs.token();
    const response = await rs.fetchAuthorized("/v1/workflows?limit=1");
    return response.ok && rs.token() !== before;
  },

  // POSTs a JSON body; resolves with { status, body } whatever the status (401 prompts first).
  async postJson(path, payload) {
    const response = await rs.fetchAuthorized(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload || {}),
    });
    const body = await response.json().catch(() => ({}));
    return { status: response.status, body };
  },

  async getJson(path) {
    const response = await rs.fetchAuthorized(path);
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

rs.adoptTokenFromUrl();
