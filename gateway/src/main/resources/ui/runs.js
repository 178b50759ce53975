// The runs list: GET /v1/workflows, newest first, refreshed every 2 s.
"use strict";

(function () {
  const body = document.querySelector("#runs tbody");
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  status.value = rs.param("status") || "";

  function row(run) {
    const started = run.started_at ? Date.parse(run.started_at) : null;
    const finished = run.finished_at ? Date.parse(run.finished_at) : null;
    const duration = started ? (finished || Date.now()) - started : null;
    const usage = run.usage || {};
    const statusCell = rs.el("td", {});
    if (run.status === "RUNNING") statusCell.append(rs.el("span", { class: "dot" }));
    statusCell.append(rs.badge(run.status));
    const link = rs.el("a", { href: "/run.html?id=" + encodeURIComponent(run.workflow_id), class: "mono", title: run.workflow_id, text: rs.shortId(run.workflow_id) });
    return rs.el("tr", { "data-workflow-id": run.workflow_id },
      statusCell,
      rs.el("td", {}, link, run.parent_workflow_id ? rs.el("span", { class: "sub", text: "  sub-agent" }) : null),
      rs.el("td", { text: run.agent_id || "–" }),
      rs.el("td", { text: run.tenant_id || "–" }),
      rs.el("td", { text: rs.time(run.started_at) }),
      rs.el("td", { class: "num", text: rs.duration(duration) }),
      rs.el("td", { class: "num", text: run.total_steps || 0 }),
      rs.el("td", { class: "num", text: rs.tokens(usage.total_tokens) }),
      rs.el("td", { class: "num", text: rs.cost(usage.cost_usd) }));
  }

  async function refresh() {
    try {
      const query = "/v1/workflows?limit=500" + (status.value ? "&status=" + status.value : "");
      const page = await rs.getJson(query);
      const runs = (page.workflows || []).slice().sort((a, b) =>
        (b.started_at || "").localeCompare(a.started_at || ""));
      body.replaceChildren(...runs.map(row));
      document.getElementById("empty").classList.toggle("hidden", runs.length > 0);
      document.getElementById("count").textContent = runs.length + " runs";
      error.classList.add("hidden");
    } catch (e) {
      error.textContent = "Cannot list runs: " + e.message;
      error.classList.remove("hidden");
    }
  }

  status.addEventListener("change", () => {
    const url = new URL(window.location);
    if (status.value) url.searchParams.set("status", status.value); else url.searchParams.delete("status");
    history.replaceState(null, "", url);
    refresh();
  });
  refresh();
  setInterval(refresh, 2000);
})();
