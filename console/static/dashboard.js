// The live dashboard: polls /console/api/dashboard every second and redraws the tables.
// Text goes in with textContent only; the sound is made in the page (no file, no network).
(function () {
  "use strict";
  var boot = JSON.parse(document.getElementById("initial").textContent);
  var names = boot.names;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var seenAlerts = null;

  function pct(v) { return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%"; }
  function secs(v) { return v === null || v === undefined ? "–" : Math.round(v) + " s"; }
  function name(id) { return names[id] || id.replace(/[_-]/g, " "); }

  function cell(row, value, opts) {
    var td = document.createElement(opts && opts.head ? "th" : "td");
    if (opts && opts.head) td.scope = "row";
    td.textContent = value;
    if (opts && opts.note) {
      var note = document.createElement("span");
      note.className = "formula";
      note.textContent = opts.note;
      td.appendChild(note);
    }
    if (opts && opts.breach) td.className = "breach";
    row.appendChild(td);
  }

  function fill(id, rows) {
    var body = document.querySelector("#" + id + " tbody");
    body.replaceChildren.apply(body, rows);
    if (!rows.length) {
      var tr = document.createElement("tr");
      var td = document.createElement("td");
      td.colSpan = 12; td.textContent = "None today.";
      tr.appendChild(td); body.appendChild(tr);
    }
  }

  function queueRow(id, q, d, advisers, label) {
    var tr = document.createElement("tr");
    cell(tr, label || name(id), { head: true, note: "threshold " + d.threshold_seconds + " s" });
    if (q.waiting !== undefined) {
      cell(tr, q.waiting);
      cell(tr, secs(q.longest_wait_seconds));
      var a = advisers || {};
      cell(tr, [a.Available || 0, a.Busy || 0, a["Wrap-up"] || 0, a.Away || 0].join(" / "));
    }
    cell(tr, q.offered);
    cell(tr, q.answered);
    if (q.answered_within_threshold !== undefined && q.waiting !== undefined) {
      cell(tr, q.answered_within_threshold);
    }
    cell(tr, q.abandoned + " (" + q.short_abandoned + ")");
    cell(tr, pct(q.service_level), { note: d.service_level_formula + "; target " + pct(d.service_level_target),
      breach: q.service_level !== null && q.service_level < d.service_level_target });
    cell(tr, pct(q.abandonment_rate), { note: "target below " + pct(d.abandonment_rate_target),
      breach: q.abandonment_rate !== null && q.abandonment_rate >= d.abandonment_rate_target });
    cell(tr, secs(q.average_speed_of_answer_seconds));
    return tr;
  }

  function render(data) {
    document.getElementById("as-of").textContent = new Date(data.as_of).toLocaleTimeString("en-GB");
    var perQueue = (data.advisers && data.advisers.queues) || {};
    fill("queues", Object.keys(data.queues).map(function (id) {
      return queueRow(id, data.queues[id], data.definitions[id], perQueue[id]);
    }));
    var channelRows = [];
    Object.keys(data.channels).forEach(function (channel) {
      Object.keys(data.channels[channel]).forEach(function (id) {
        var tr = queueRow(id, data.channels[channel][id], data.definitions[id], null, name(id));
        var th = document.createElement("th"); th.scope = "row"; th.textContent = channel;
        tr.insertBefore(th, tr.firstChild);
        channelRows.push(tr);
      });
    });
    fill("channels", channelRows);
    fill("callbacks", Object.keys(data.callbacks).map(function (owner) {
      var c = data.callbacks[owner], tr = document.createElement("tr");
      cell(tr, name(owner), { head: true }); cell(tr, c.pending); cell(tr, c.due_within_hour);
      cell(tr, c.overdue, { breach: c.overdue > 0 });
      return tr;
    }));
    fill("written", Object.keys(data.written || {}).map(function (id) {
      var w = data.written[id], tr = document.createElement("tr");
      cell(tr, w.name, { head: true }); cell(tr, w.open); cell(tr, w.overdue, { breach: w.overdue > 0 });
      return tr;
    }));
    fill("transfers", Object.keys(data.transfers).map(function (id) {
      var t = data.transfers[id], tr = document.createElement("tr");
      cell(tr, name(id), { head: true }); cell(tr, t.warm); cell(tr, t.failed_warm); cell(tr, t.cold);
      return tr;
    }));
    fill("assistant", Object.keys(data.assistant).map(function (channel) {
      var a = data.assistant[channel], tr = document.createElement("tr");
      cell(tr, channel, { head: true }); cell(tr, a.started);
      cell(tr, a.contained + " (" + pct(a.containment) + ")");
      cell(tr, a.keypad_fallbacks); cell(tr, a.assistant_errors);
      return tr;
    }));
    renderClosures(data.closures);
    renderAlerts(data.alerts);
  }

  function renderClosures(closures) {
    var list = document.getElementById("closures");
    list.replaceChildren();
    if (!closures.length) { var li = document.createElement("li"); li.textContent = "Nothing is closed."; list.appendChild(li); }
    closures.forEach(function (c) {
      var li = document.createElement("li");
      li.textContent = name(c.entity) + ": " + c.message + " (by " + c.set_by +
        (c.until ? ", until " + new Date(c.until).toLocaleString("en-GB") : ", until reopened") + ") ";
      var form = document.createElement("form");
      form.method = "post"; form.className = "inline";
      form.action = "/console/closures/" + encodeURIComponent(c.entity) + "/reopen";
      var token = document.createElement("input");
      token.type = "hidden"; token.name = "csrf_token"; token.value = csrf;
      var button = document.createElement("button");
      button.type = "submit"; button.className = "secondary"; button.textContent = "Reopen " + name(c.entity);
      form.appendChild(token); form.appendChild(button); li.appendChild(form);
      list.appendChild(li);
    });
  }

  function alertText(a) {
    if (a.figure === "callbacks_overdue") return name(a.owner) + ": " + a.value + " callbacks overdue";
    if (a.figure === "safeguarding_unstaffed") return name(a.queue) + ": " + a.value +
      " waiting and no adviser on the safeguarding queue: take them now";
    if (a.figure === "rights_funder_overdue") return a.value + " data request" + (a.value === 1 ? "" : "s") +
      " not yet reported to the funder within 5 working days";
    if (a.figure === "rights_answer_overdue") return a.value + " data request" + (a.value === 1 ? "" : "s") +
      " past the 40-day answer date";
    if (a.figure === "confirmations_overdue") return a.value + " written confirmation" + (a.value === 1 ? "" : "s") +
      " of information past the 5 working days: check the sender and the mail server";
    if (a.figure === "longest_wait") return name(a.queue) + ": the longest wait is " +
      Math.round(a.value) + " s, over the " + a.target + " s threshold";
    var what = a.figure === "service_level" ? "service level " + pct(a.value) + " is below " + pct(a.target)
      : "abandonment rate " + pct(a.value) + " is at or above " + pct(a.target);
    return name(a.queue) + ": " + what;
  }

  function renderAlerts(alerts) {
    var box = document.getElementById("alerts");
    var texts = alerts.map(alertText);
    var key = texts.join("|");
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.replaceChildren();
    if (!texts.length) { var p = document.createElement("p"); p.textContent = "No target is breached."; box.appendChild(p); }
    texts.forEach(function (t) { var p = document.createElement("p"); p.className = "alert"; p.textContent = t; box.appendChild(p); });
    var fresh = texts.filter(function (t) { return seenAlerts && seenAlerts.indexOf(t) < 0; });
    seenAlerts = texts;
    if (fresh.length && document.getElementById("sound").checked) beep();
  }

  function beep() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var ctx = new Context(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.1;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.3);
    } catch (e) { /* no audio here: the alert is on the page anyway */ }
  }

  var sound = document.getElementById("sound");
  sound.checked = localStorage.getItem("dashboard-sound") === "on";
  sound.addEventListener("change", function () { localStorage.setItem("dashboard-sound", sound.checked ? "on" : "off"); });

  function poll() {
    fetch("/console/api/dashboard", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { render(data); document.body.dataset.updated = data.as_of; })
      .catch(function () { /* keep the last figures; the next poll tries again */ })
      .then(function () { setTimeout(poll, 1000); });
  }
  render(boot.data);
  poll();
}());
