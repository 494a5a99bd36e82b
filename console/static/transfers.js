// The incoming warm transfer panel on a contractor adviser's worklist: the screen pop of each
// call ringing at their contractor, how long it has rung, and Accept / Decline. Plain
// JavaScript; every text is set as text, never as HTML; the server decides who wins.
(function () {
  "use strict";
  var panel = document.getElementById("incoming");
  if (!panel) { return; }
  var list = document.getElementById("incoming-list");
  var status = document.getElementById("incoming-status");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var shown = {}, loadedAt = 0, ringLimit = 0;
  var decided = {};  // calls this adviser has accepted or declined: no longer alerting

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function words(s) { return String(s || "").replace(/_/g, " "); }
  function label(s) { var w = words(s); return w.charAt(0).toUpperCase() + w.slice(1); }
  function summary(t) { return String(t.summary || "").replace(/\.$/, ""); }
  function seconds(n) { return n === 1 ? "1 second" : n + " seconds"; }

  function row(dl, term, value) {
    if (value === undefined || value === null || value === "" ||
        (Array.isArray(value) && !value.length)) { return; }
    dl.appendChild(el("dt", term));
    dl.appendChild(el("dd", Array.isArray(value) ? value.map(words).join(", ") : words(value)));
  }

  function card(t) {
    var box = el("article", null, "transfer");
    box.setAttribute("data-call", t.call);
    box.setAttribute("aria-label", "Warm transfer from the National Careers Service");
    box.appendChild(el("p", "A customer from the National Careers Service. " + summary(t) + ".", "summary"));
    var ringing = el("p", "", "ringing");
    ringing.setAttribute("data-since", String(Date.now() - t.ringing_seconds * 1000));
    box.appendChild(ringing);
    var dl = el("dl", null, "facts");
    row(dl, "Triage", t.destination);
    row(dl, "Rules", t.reasons);
    row(dl, "Priority groups", t.priority_groups);
    row(dl, "Face to face", t.offer_face_to_face ? "offer a face-to-face meeting" : "");
    row(dl, "Number dialled", t.dialled);
    Object.keys(t.facts || {}).forEach(function (k) { row(dl, label(k), String(t.facts[k])); });
    box.appendChild(dl);
    if (t.transcript && t.transcript.length) {
      box.appendChild(el("h3", "What the customer has said"));
      var said = el("ol", null, "transcript");
      t.transcript.forEach(function (line) { said.appendChild(el("li", line.from + ": " + line.text)); });
      box.appendChild(said);
    }
    var actions = el("div", null, "actions");
    var accept = el("button", "Accept the call (Alt+A)", "accept");
    var decline = el("button", "Decline (they get a callback) (Alt+N)", "decline");
    accept.setAttribute("aria-keyshortcuts", "Alt+A");
    decline.setAttribute("aria-keyshortcuts", "Alt+N");
    accept.type = decline.type = "button";
    accept.addEventListener("click", function () { decide(t.call, "accept", [accept, decline]); });
    decline.addEventListener("click", function () { decide(t.call, "decline", [accept, decline]); });
    actions.appendChild(accept);
    actions.appendChild(decline);
    box.appendChild(actions);
    return box;
  }

  function tick() {
    list.querySelectorAll(".ringing").forEach(function (p) {
      var rung = Math.max(0, Math.round((Date.now() - Number(p.getAttribute("data-since"))) / 1000));
      p.textContent = "Ringing for " + seconds(rung) + (ringLimit ? " (up to " + seconds(ringLimit) + ")" : "");
    });
  }

  function render(body) {
    ringLimit = body.ring_limit_seconds || 0;
    var now = {};
    body.transfers.forEach(function (t) {
      now[t.call] = true;
      if (!shown[t.call]) { list.appendChild(card(t)); }
    });
    Object.keys(shown).forEach(function (call) {
      if (!now[call]) {
        var gone = list.querySelector('[data-call="' + call + '"]');
        if (gone) { gone.remove(); }
      }
    });
    var wasEmpty = !Object.keys(shown).length;
    shown = now;
    panel.hidden = !body.transfers.length;
    if (wasEmpty && body.transfers.length) { status.textContent = "Incoming warm transfer. " + summary(body.transfers[0]) + ". Accept with Alt+A, decline with Alt+N."; }
    // Ring, notify and flash the title until each is taken or withdrawn (alerts.js).
    if (window.ConsoleAlerts) {
      window.ConsoleAlerts.sync(body.transfers.filter(function (t) { return !decided[t.call]; })
        .map(function (t) { return { key: t.call, kind: "warm transfer", label: summary(t) }; }));
    }
    tick();
  }

  // Alt+A / Alt+N press the oldest transfer's own Accept or Decline button.
  function press(what) {
    return function (call) {
      var box = list.querySelector('[data-call="' + call + '"]');
      var button = box && box.querySelector("button." + what);
      if (button && !button.disabled) { button.click(); }
    };
  }
  if (window.ConsoleAlerts) {
    window.ConsoleAlerts.on("accept", press("accept"));
    window.ConsoleAlerts.on("decline", press("decline"));
  }

  function load() {
    loadedAt = Date.now();
    fetch(panel.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) { render(body); } });
  }

  function decide(call, what, buttons) {
    buttons.forEach(function (b) { b.disabled = true; });
    decided[call] = true;
    fetch(panel.getAttribute("data-base") + encodeURIComponent(call) + "/" + what, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf }
    }).then(function (r) {
      return r.json().then(function (body) {
        status.textContent = body.message || body.error || "";
        if (!r.ok) { delete decided[call]; buttons.forEach(function (b) { b.disabled = false; }); }
        load();
      });
    });
  }

  // On the worklist and callback pages worklist.js already follows the contractor's stream and
  // passes its "transfer" events on; on any other page this script follows it itself.
  var me = document.currentScript;
  if (document.querySelector('script[src*="worklist.js"][data-events]')) {
    document.addEventListener("transfer-change", load);
  } else if (window.EventSource && me && me.getAttribute("data-events")) {
    new EventSource(me.getAttribute("data-events")).addEventListener("transfer", load);
  }
  load();
  setInterval(tick, 1000);
  // A missed event never leaves a stale panel for long.
  setInterval(function () { if (Date.now() - loadedAt > 10000) { load(); } }, 5000);
}());
