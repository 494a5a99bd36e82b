// The adviser's phone on the desk: one interface, two adapters. phone_sdk.js drives Twilio's Voice
// JavaScript SDK (production); phone_dev.js plays the Twilio emulator's client: device through
// the app (development and tests). Each adapter reports ready, error, incoming calls and what
// ends them; this file draws the panel. A phone that cannot connect says so, with the reason the
// adapter gave (the SDK's own message and code): it never fails silently. Text is set as text.
(function () {
  "use strict";
  var panel = document.getElementById("phone");
  if (!panel || !panel.dataset.identity) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var words = JSON.parse(panel.dataset.words || "{}");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var call = null;        // the call shown: {id, accept, reject, hangup, mute, digits, say?}
  var connected = false;  // the call was answered here
  var muted = false;

  function setState(text) { if ($("phone-state").textContent !== text) { $("phone-state").textContent = text; } }

  function showError(reason) {
    var box = $("phone-error");
    var text = words.not_connected + ": " + reason;
    if (box.textContent !== text) { box.textContent = text; }
    box.hidden = false;
    panel.dataset.state = "not-connected";
    setState(text);
  }

  function ready() {
    $("phone-error").hidden = true;
    panel.dataset.state = "connected";
    if (!call) { setState(words.connected); }
  }

  // The summary the desk has for the call offered (queue, time waited, triage, concern): the
  // words the whisper will say, before answering.
  function summarise() {
    var get = function (url) {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; });
    };
    return get("/console/api/desk").then(function (state) {
      var offered = state && state.contacts.filter(function (c) {
        return c.channel === "call" && (state.offered || []).indexOf(c.member) >= 0;
      })[0];
      if (!offered) { return ""; }
      return get("/console/api/contacts/" + encodeURIComponent(offered.member)).then(function (pop) {
        if (!pop) { return ""; }
        var parts = [(pop.queue || offered.queue || "").replace(/_/g, " ") + " queue"];
        var waited = pop.waited_seconds;
        if (waited != null) { parts.push("waited " + (waited < 60 ? Math.round(waited) + " s" : Math.round(waited / 60) + " min")); }
        parts.push("triage: " + (pop.destination || "not decided yet").replace(/_/g, " "));
        if (pop.priority_groups && pop.priority_groups.length) { parts.push(pop.priority_groups.join(", ").replace(/_/g, " ")); }
        if (pop.concern) { parts.push("safeguarding concern"); }
        return parts.join(", ");
      });
    }).catch(function () { return ""; });
  }

  function incoming(c) {
    if (call) { c.reject(); return; }  // one call at a time, as the SDK's allowIncomingWhileBusy=false
    call = c; connected = false; muted = false;
    $("phone-summary").textContent = c.from ? "from " + c.from : "";
    $("phone-incoming").hidden = false;
    $("phone-call").hidden = true;
    panel.dataset.state = "ringing";
    setState(words.incoming);
    summarise().then(function (text) {
      if (call === c && text) {
        $("phone-summary").textContent = text;
        setState(words.incoming + ": " + text);
      }
    });
  }

  function ended() {
    call = null; connected = false; muted = false;
    $("phone-incoming").hidden = true;
    $("phone-call").hidden = true;
    $("phone-mute").setAttribute("aria-pressed", "false");
    panel.dataset.state = panel.dataset.state === "not-connected" ? "not-connected" : "connected";
    setState(words.ended);
  }

  function heard(text) {
    var log = $("phone-heard");
    if (!log) { return; }
    var p = document.createElement("p");
    var who = document.createElement("span");
    who.className = "who";
    var spoken = /^\(they say\) /.test(text);
    who.textContent = spoken ? "Caller: " : "You hear: ";
    p.append(who, document.createTextNode(spoken ? text.replace(/^\(they say\) /, "") : text));
    log.append(p);
    log.scrollTop = log.scrollHeight;
  }

  function failed(error) { showError(error && error.message ? error.message : String(error)); }

  $("phone-accept").addEventListener("click", function () {
    if (!call) { return; }
    Promise.resolve(call.accept()).then(function () {
      connected = true;
      $("phone-incoming").hidden = true;
      $("phone-call").hidden = false;
      panel.dataset.state = "on-call";
      $("phone-call-state").textContent = words.after_accept;
      setState(words.on_call);
      $("phone-hangup").focus();
    }, failed);
  });
  $("phone-decline").addEventListener("click", function () {
    if (call) { Promise.resolve(call.reject()).then(ended, failed); }
  });
  $("phone-hangup").addEventListener("click", function () {
    if (call && connected) { Promise.resolve(call.hangup()).then(ended, failed); }
  });
  $("phone-mute").addEventListener("click", function () {
    if (!call || !connected) { return; }
    muted = !muted;
    call.mute(muted);
    $("phone-mute").setAttribute("aria-pressed", String(muted));
    $("phone-call-state").textContent = muted ? words.muted : words.on_call;
  });
  $("phone-keypad").addEventListener("click", function (e) {
    var key = e.target.closest("button[data-digit]");
    if (key && call && connected) { Promise.resolve(call.digits(key.dataset.digit)).catch(failed); }
  });
  var sayForm = $("phone-say-form");
  if (sayForm) {
    sayForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = $("phone-say").value.trim();
      if (!text || !call || !connected || !call.say) { return; }
      if (muted) { $("phone-call-state").textContent = words.muted; return; }
      Promise.resolve(call.say(text)).then(function () { $("phone-say").value = ""; }, failed);
    });
  }

  var make = (window.DeskPhoneAdapters || {})[panel.dataset.adapter];
  if (!make) { showError(words.no_software); return; }
  var options = {
    identity: panel.dataset.identity, tokenUrl: panel.dataset.tokenUrl,
    callsUrl: panel.dataset.callsUrl, silence: panel.dataset.silence,
    pollMs: Number(panel.dataset.pollMs) || 500, csrf: csrf, words: words,
    sdkPresent: panel.dataset.sdkPresent === "1"
  };
  make(options, {
    ready: ready, error: showError, incoming: incoming, ended: function (c) { if (!c || c === call) { ended(); } },
    heard: heard, devices: function () { var d = $("phone-devices"); if (d) { d.hidden = false; } }
  });
}());
