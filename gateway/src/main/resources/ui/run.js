// The run view: text streams in live from the SSE endpoint (EventSource resumes with
// Last-Event-ID by itself after a network blip), with a timeline of steps and tool calls,
// errors, and usage and cost once agent_finish arrives (then from the materialized record).
// Attempt-aware: the text is kept in one span per run of a step's deltas; when a step_start with
// a higher attempt retries a step, the spans of its earlier attempts are removed, deltas of an
// already superseded attempt are ignored, and the timeline marks the step as retried.
"use strict";

(function () {
  const id = rs.param("id");
  const $ = (sel) => document.getElementById(sel);
  if (!id) {
    $("error").textContent = "No run given: open /run.html?id=<workflow id>.";
    $("error").classList.remove("hidden");
    return;
  }
  $("run-id").textContent = id;
  document.title = "Run " + rs.shortId(id) + " · runstream";

  const state = {
    started: null, finished: null, events: 0, steps: new Map(), tools: new Map(),
    stepUsage: { input: 0, output: 0, total: 0, cost: 0 }, ended: false, sawEvent: false,
    cancelRequested: false,
  };
  const text = $("run-text");
  const timeline = $("timeline");
  // Own steps' text: step key -> { attempt, spans: [span elements holding its text] }.
  const stepText = new Map();

  function textOf(key) {
    let entry = stepText.get(key);
    if (!entry) {
      entry = { attempt: 1, spans: [], finished: false };
      stepText.set(key, entry);
    }
    return entry;
  }

  // Own steps that had begun before a joined snapshot: the page does not know which part of the
  // snapshot's text is theirs.
  const joinedSteps = new Set();
  // Own events up to this sequence are already in the text (taken from the materialized run).
  let textThrough = -1;
  // While the text is taken again from the materialized run, events wait here in order.
  let resync = null;
  let current = null;

  // A retry of an own step: the text of its earlier attempts goes.
  function supersede(key, attempt) {
    if (joinedSteps.has(key) && current) {
      // Part of its text came in the snapshot: take the whole text again from the materialized
      // run once it has applied this retry (the topology drops superseded text exactly).
      startResync(current.sequence);
      return;
    }
    const entry = textOf(key);
    for (const span of entry.spans) span.remove();
    entry.spans = [];
    entry.attempt = attempt;
    // Text of other steps that the removed spans separated joins up again in order: nothing to do,
    // the spans are siblings in one <pre>.
  }

  function startResync(sequence) {
    if (resync) return;
    resync = { queue: [] };
    (async () => {
      const deadline = Date.now() + 15000;
      let run = null;
      while (Date.now() < deadline) {
        try {
          run = await rs.getJson("/v1/workflows/" + encodeURIComponent(id));
        } catch (e) {
          run = null;
        }
        if (run && run.last_sequence >= sequence) break;
        run = null;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      if (run) {
        text.textContent = run.text || "";
        stepText.clear();
        joinedSteps.clear();
        textThrough = run.last_sequence;
      }
      const queued = resync.queue;
      resync = null;
      for (const event of queued) dispatch(event);
    })();
  }

  function appendText(key, attempt, content) {
    const entry = textOf(key);
    if (attempt < entry.attempt) return; // a superseded attempt's late delta
    if (attempt > entry.attempt && !entry.finished) supersede(key, attempt);
    const last = text.lastElementChild;
    let span = entry.spans.length ? entry.spans[entry.spans.length - 1] : null;
    if (!span || span !== last) {
      span = rs.el("span", { "data-step": key, "data-attempt": String(attempt) });
      text.append(span);
      entry.spans.push(span);
    }
    span.append(document.createTextNode(content));
  }

  function setStatus(status) {
    const cell = $("run-status");
    cell.replaceChildren();
    if (status === "RUNNING") cell.append(rs.el("span", { class: "dot" }));
    cell.append(rs.badge(status));
    text.classList.toggle("streaming", status === "RUNNING");
    const button = $("cancel-run");
    button.classList.toggle("hidden", status !== "RUNNING" || state.cancelRequested);
  }

  // Cancel is a command to the worker, never a side effect of closing this tab: the gateway
  // publishes it to the control topic, the worker stops and the run ends with a cancelled event.
  async function requestCancel() {
    const button = $("cancel-run");
    button.disabled = true;
    button.textContent = "Cancelling…";
    try {
      const answer = await rs.postJson("/v1/workflows/" + encodeURIComponent(id) + "/cancel",
        { reason: "cancelled from the web UI" });
      if (answer.status === 202) {
        state.cancelRequested = true;
        $("info").textContent = "Cancel requested; waiting for the worker to stop the run…";
        $("info").classList.remove("hidden");
        button.classList.add("hidden");
      } else {
        $("info").textContent = "Cancel refused: " + (answer.body.message || "HTTP " + answer.status);
        $("info").classList.remove("hidden");
        button.disabled = false;
        button.textContent = "Cancel run";
        if (answer.status === 409) button.classList.add("hidden");
      }
    } catch (e) {
      $("info").textContent = "Cancel failed: " + e.message;
      $("info").classList.remove("hidden");
      button.disabled = false;
      button.textContent = "Cancel run";
    }
  }
  $("cancel-run").addEventListener("click", requestCancel);

  function showUsage(usage, source) {
    if (!usage) return;
    $("usage-input-tokens").textContent = rs.tokens(usage.input_tokens);
    $("usage-output-tokens").textContent = rs.tokens(usage.output_tokens);
    $("usage-total-tokens").textContent = rs.tokens(usage.total_tokens);
    $("usage-cost").textContent = rs.cost(usage.cost_usd);
    $("usage-source").textContent = source;
  }

  function renderDuration() {
    if (!state.started) return;
    const end = state.finished || Date.now();
    $("run-duration").textContent = rs.duration(end - state.started);
  }

  // One row per step (and per tool call); bars are placed on the run's time axis.
  function renderTimeline() {
    const rows = [];
    const t0 = state.started || Date.now();
    const t1 = Math.max(state.finished || Date.now(), t0 + 1);
    for (const step of state.steps.values()) {
      const start = step.startedAt - t0;
      // A step left open by a failed or cancelled run stops where the run ended.
      const stoppedAt = step.finishedAt || state.finished;
      const end = (stoppedAt || Date.now()) - t0;
      const bar = rs.el("i", { class: (step.type || "") + (stoppedAt ? "" : " open") });
      bar.style.left = (100 * start / (t1 - t0)).toFixed(2) + "%";
      bar.style.width = Math.max(0.8, 100 * (end - start) / (t1 - t0)).toFixed(2) + "%";
      const what = rs.el("div", { class: "what" }, rs.badge(step.type || "OTHER"), " ",
        rs.el("span", { class: "mono", text: step.key }));
      if (step.attempt > 1) {
        what.append(" ", rs.el("span", { class: "retry", title: "retried: the text of the earlier attempts was dropped",
          text: "↻ attempt " + step.attempt }));
      }
      if (step.toolName) what.append(" ", rs.el("span", { class: "tool", text: step.toolName }));
      if (step.model) what.append(" ", rs.el("span", { class: "sub", text: step.model }));
      const li = rs.el("li", { class: step.child ? "child" : "", "data-step": step.key,
        "data-attempt": String(step.attempt || 1) }, what,
        rs.el("div", { class: "bar" }, bar),
        rs.el("div", { class: "dur", text: step.finishedAt ? rs.duration(step.durationMs) : state.finished ? "stopped" : "running" }));
      if (step.child) li.title = "sub-agent " + step.agent;
      rows.push(li);
      for (const call of step.calls) {
        rows.push(rs.el("li", { class: "child" },
          rs.el("div", { class: "what tool", text: "→ " + call.tool_name + "(" + call.arguments + ")" }),
          rs.el("div", {}), rs.el("div", { class: "dur", text: "tool call" })));
      }
    }
    if (state.error) {
      rows.push(rs.el("li", { class: "error" },
        rs.el("div", { class: "what", text: (state.error.cancellation || state.error.error_type === "cancelled" ? "■ " : "✗ ") + state.error.error_type }),
        rs.el("div", { text: state.error.message }), rs.el("div", {})));
    }
    timeline.replaceChildren(...rows);
    $("timeline-empty").classList.toggle("hidden", rows.length > 0);
    $("run-steps").textContent = state.steps.size;
    $("run-tools").textContent = state.tools.size;
    renderDuration();
  }

  function stepOf(event, key) {
    const k = (event.workflow_id === id ? "" : event.agent_id + "/") + key;
    return state.steps.get(k);
  }

  function dispatch(event) {
    if (resync) {
      resync.queue.push(event);
      return;
    }
    current = event;
    apply(event);
    current = null;
  }

  function apply(event) {
    state.events++;
    $("run-events").textContent = state.events;
    // Own events already in a text taken from the materialized run change the timeline only.
    const own = event.workflow_id === id;
    const textOwn = own && !(event.sequence <= textThrough);
    const d = event.data || {};
    const at = Date.parse(event.timestamp);
    switch (event.event_type) {
      case "agent_start":
        if (own) {
          state.started = at;
          $("run-agent").textContent = event.agent_id;
          $("run-started").textContent = "started " + rs.time(event.timestamp);
          if (event.parent_workflow_id) {
            $("run-parent").replaceChildren(" · sub-agent of ",
              rs.el("a", { href: "/run.html?id=" + encodeURIComponent(event.parent_workflow_id), class: "mono", text: rs.shortId(event.parent_workflow_id) }));
          }
          setStatus("RUNNING");
        }
        break;
      case "step_start": {
        const key = (own ? "" : event.agent_id + "/") + d.step_key;
        const attempt = event.attempt || 1;
        const known = state.steps.get(key);
        if (known) {
          // A retry: the step keeps its row and start, with the new attempt.
          if (attempt > (known.attempt || 1) && !known.finishedAt) {
            known.attempt = attempt;
            if (textOwn) supersede(d.step_key, attempt);
          }
          break;
        }
        if (own) textOf(d.step_key).attempt = attempt;
        state.steps.set(key, { attempt, key, type: d.step_type, startedAt: at, calls: [], child: !own, agent: event.agent_id,
          toolName: d.tool_call_id && state.tools.get(d.tool_call_id) ? state.tools.get(d.tool_call_id).tool_name : null });
        break;
      }
      case "text_delta":
        if (textOwn) appendText(d.step_key, event.attempt || 1, d.content);
        break;
      case "tool_call": {
        state.tools.set(d.call_id, d);
        const step = stepOf(event, d.step_key);
        if (step) step.calls.push(d);
        break;
      }
      case "step_finish": {
        const step = stepOf(event, d.step_key);
        if (textOwn) {
          const entry = textOf(d.step_key);
          // A newer attempt's finish whose step_start was missed still supersedes the older text.
          if ((event.attempt || 1) > entry.attempt && !entry.finished) supersede(d.step_key, event.attempt);
          entry.finished = true;
        }
        if (step && (event.attempt || 1) > (step.attempt || 1)) step.attempt = event.attempt;
        if (step) {
          step.finishedAt = at;
          step.durationMs = d.duration_ms;
          step.model = d.model;
        }
        if (own && d.usage) {
          state.stepUsage.input += d.usage.input_tokens;
          state.stepUsage.output += d.usage.output_tokens;
          state.stepUsage.total += d.usage.total_tokens;
          state.stepUsage.cost += Number(d.usage.cost_usd);
          showUsage({ input_tokens: state.stepUsage.input, output_tokens: state.stepUsage.output,
            total_tokens: state.stepUsage.total, cost_usd: String(state.stepUsage.cost) }, "so far, from step usage");
        }
        break;
      }
      case "agent_finish":
        if (own) {
          state.finished = at;
          setStatus("FINISHED");
          showUsage(d.usage, "reported by agent_finish");
          if (d.output) {
            $("run-result").textContent = d.output;
            $("result-panel").classList.remove("hidden");
          }
        }
        break;
      case "error":
        if (own) {
          state.finished = at;
          state.error = d;
          if (d.cancellation) {
            setStatus("CANCELLED");
            const c = d.cancellation;
            const byBudget = c.source === "topology" && (c.reason || "").startsWith("budget_exceeded");
            $("info").textContent = (byBudget ? "The run was stopped by a budget" : "The run was cancelled") +
              (c.requested_by && !byBudget ? " by " + c.requested_by : "") + (c.reason ? ": " + c.reason : "") + ".";
            $("info").classList.remove("hidden");
          } else {
            setStatus("FAILED");
            $("error").textContent = "The run failed: " + d.error_type + ": " + d.message;
            $("error").classList.remove("hidden");
          }
        }
        break;
    }
    renderTimeline();
    if (own && (event.event_type === "agent_finish" || event.event_type === "error")) {
      finish();
    }
  }

  // The materialized record is authoritative for usage and cost (exact decimal sums).
  // A step of the materialized record, as the timeline keeps it.
  function stepOf(s) {
    return { key: s.step_key, type: s.step_type, attempt: s.attempts || 1, startedAt: Date.parse(s.started_at),
      finishedAt: s.finished_at ? Date.parse(s.finished_at) : null, durationMs: s.duration_ms, model: s.model, calls: [] };
  }

  async function loadRecord(showEverything) {
    try {
      const run = await rs.getJson("/v1/workflows/" + encodeURIComponent(id));
      if (run.status !== "RUNNING") showUsage(run.usage, "materialized run record");
      if (run.budget_exceeded) showBudget(run.budget_exceeded);
      if (showEverything) {
        setStatus(run.status);
        $("run-agent").textContent = run.agent_id || "Run";
        $("run-started").textContent = "started " + rs.time(run.started_at);
        text.textContent = run.text || "";
        if (run.output) {
          $("run-result").textContent = run.output;
          $("result-panel").classList.remove("hidden");
        }
        state.started = run.started_at ? Date.parse(run.started_at) : null;
        state.finished = run.finished_at ? Date.parse(run.finished_at) : null;
        for (const s of run.steps || []) state.steps.set(s.step_key, stepOf(s));
        for (const t of run.tool_results || []) state.tools.set(t.call_id, t);
        if (run.error) state.error = run.error;
        renderTimeline();
      }
      return run;
    } catch (e) {
      return null;
    }
  }

  // The run crossed a PER_RUN budget: the topology asked its worker to stop it.
  function showBudget(b) {
    const limit = [b.max_tokens != null ? b.max_tokens + " tokens" : null,
      b.max_cost_usd != null ? "$" + Number(b.max_cost_usd) : null].filter(Boolean).join(" / ");
    const line = $("budget");
    line.textContent = "Budget exceeded: " + b.scope + " " + b.key + " (" + b.period + ") allows " + limit +
      "; the run had used " + b.observed_tokens + " tokens, $" + Number(b.observed_cost_usd) +
      " at event " + b.sequence + ".";
    line.classList.remove("hidden");
  }

  let source;
  function finish() {
    state.ended = true;
    if (source) source.close();
    setTimeout(() => loadRecord(false), 500);
  }

  const base = "/v1/workflows/" + encodeURIComponent(id) + "/events?children=true&from=";
  let url = base + "beginning";

  // A run that is already running is joined midway: one "snapshot" event with the text so far,
  // then the live events after it (no replay from the start, however long the run is). The
  // timeline is drawn from the materialized record; the text comes from the snapshot only.
  async function chooseStart() {
    let run = null;
    try {
      run = await rs.getJson("/v1/workflows/" + encodeURIComponent(id));
    } catch (e) {
      run = null;
    }
    if (!run || run.status !== "RUNNING" || !(run.last_sequence > 0)) return;
    url = base + "snapshot";
    $("run-agent").textContent = run.agent_id || "Run";
    if (run.started_at) {
      state.started = Date.parse(run.started_at);
      $("run-started").textContent = "started " + rs.time(run.started_at);
    }
    for (const s of run.steps || []) {
      state.steps.set(s.step_key, stepOf(s));
      if (!s.finished_at) {
        joinedSteps.add(s.step_key);
        textOf(s.step_key).attempt = s.attempts || 1;
      }
    }
    for (const t of run.tool_results || []) state.tools.set(t.call_id, t);
    renderTimeline();
  }

  function applySnapshot(snapshot) {
    text.textContent = snapshot.text || "";
    state.events = snapshot.last_sequence + 1;
    $("run-events").textContent = state.events;
    setStatus(snapshot.status);
    text.dataset.snapshotSequence = String(snapshot.last_sequence);
  }

  // In secure mode the EventSource carries the token as access_token; a refused connection (which
  // EventSource cannot tell from others) is checked with fetch(), which prompts for a token.
  function connect() {
    $("sse-url").textContent = url;
    source = new EventSource(rs.withToken(url));
    source.addEventListener("snapshot", (message) => {
      state.sawEvent = true;
      $("info").classList.add("hidden");
      applySnapshot(JSON.parse(message.data));
    });
    for (const type of ["agent_start", "step_start", "text_delta", "tool_call", "step_finish", "agent_finish", "error"]) {
      source.addEventListener(type, (message) => {
        // "error" is also the name of EventSource's own connection errors; those carry no data.
        if (!message.data) return;
        state.sawEvent = true;
        if (!state.cancelRequested) $("info").classList.add("hidden");
        dispatch(JSON.parse(message.data));
      });
    }
    source.addEventListener("stream_error", (message) => {
      const problem = JSON.parse(message.data);
      $("info").textContent = "Stream interrupted (" + problem.message + "); reconnecting…";
      $("info").classList.remove("hidden");
    });
    source.onerror = async () => {
      if (state.ended) return;
      if (source.readyState === EventSource.CLOSED && !state.sawEvent) {
        if (await rs.ensureAccess()) {
          connect(); // refused for want of a token: now there is one
          return;
        }
        // Refused (unknown run, events aged out): show the materialized record if there is one.
        const run = await loadRecord(true);
        if (!run) {
          $("error").textContent = "No run " + id + " was found.";
          $("error").classList.remove("hidden");
          text.classList.remove("streaming");
        }
      } else if (source.readyState === EventSource.CONNECTING) {
        $("info").textContent = "Connection lost; resuming after event " + (state.events - 1) + "…";
        $("info").classList.remove("hidden");
      }
    };
  }
  chooseStart().then(connect);
  setInterval(() => { if (!state.ended) renderDuration(); }, 500);
})();
