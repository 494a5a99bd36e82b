// The Transfer menu on a live call at the adviser's desk: warm or cold transfer to a prime
// contractor, a callback after research, hold and mute. Plain JavaScript; texts are set as
// text, never HTML; the server decides what may be done (routing rules, hours, who wins).
// desk.js marks the pop with the call shown (data-member, data-channel); this follows it.
(function () {
  "use strict";
  var box = document.getElementById("call-transfer");
  var pop = document.getElementById("pop");
  if (!box || !pop) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var base = box.getAttribute("data-base");
  var member = null, held = false, muted = false, following = null, chosen = {};

  function status(text) { $("call-transfer-status").textContent = text || ""; }

  function send(method, path, body, call) {
    return fetch(base + encodeURIComponent(call || member) + "/" + path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        return { ok: r.ok, data: data };
      });
    });
  }

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value; o.textContent = text;
    return o;
  }

  function load() {
    return send("GET", "transfer-options").then(function (got) {
      if (!got.ok) { return null; }
      var list = $("transfer-contractor"), keep = list.value;
      list.replaceChildren();
      got.data.contractors.forEach(function (c) {
        var words = c.name + (c.own ? " (the customer's area)" : "") +
          (c.warm ? "" : " (closed: cold transfer only)");
        list.appendChild(option(c.id, words));
      });
      if (keep) { list.value = keep; }
      var people = $("transfer-colleague"), was = people.value;
      people.replaceChildren();
      if (!got.data.colleagues.length) { people.appendChild(option("", "Nobody is Available now")); }
      got.data.colleagues.forEach(function (c) { people.appendChild(option(String(c.id), c.name)); });
      if (was) { people.value = was; }
      $("colleague-transfer").disabled = !got.data.colleagues.length;
      var hours = $("research-hours");
      if (!hours.options.length) {
        for (var h = got.data.research_hours; h >= 1; h -= 1) {
          hours.appendChild(option(String(h), h === 1 ? "1 hour" : h + " hours"));
        }
      }
      $("transfer-hours").textContent = "A warm transfer is possible only while the prime " +
        "contractor is open; otherwise they call the customer back by their next working day.";
      $("warm-steps").hidden = !(got.data.action === "warm_transfer" && got.data.step === "talking");
      return got.data;
    });
  }

  // While a warm transfer rings, follow it: answered (talk, then leave) or not (cold instead).
  function follow() {
    clearInterval(following);
    following = setInterval(function () {
      if (!member) { clearInterval(following); return; }
      load().then(function (data) {
        if (!data) { clearInterval(following); return; }
        if (data.step === "talking") {
          clearInterval(following);
          status("The prime contractor has answered and heard the summary. Introduce the customer, then leave them together.");
          $("warm-complete").focus();
        } else if (data.action !== "warm_transfer") {
          clearInterval(following);
          status("The prime contractor did not answer. The customer is back with you: you can book a cold transfer.");
        }
      });
    }, 1500);
  }

  function act(path, body, after) {
    var on = member;  // the call may end (and the pop close) before the answer arrives
    if (!on) { return; }
    send("POST", path, body, on).then(function (got) {
      status(got.ok ? got.data.message : got.data.error || "Something went wrong.");
      if (got.ok && got.data.outcome) { chosen[on] = got.data.outcome; preselect(); }
      if (got.ok && after) { after(got.data); }
      if (!got.ok && got.data.offer_cold) { $("cold-transfer").focus(); }
    });
  }

  function toggle(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  $("call-transfer-toggle").addEventListener("click", function () {
    var menu = $("call-transfer-menu"), open = menu.hidden;
    menu.hidden = !open;
    this.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { load().then(function () { $("transfer-contractor").focus(); }); }
  });
  $("warm-transfer").addEventListener("click", function () {
    act("warm-transfer", { contractor: $("transfer-contractor").value }, follow);
  });
  $("cold-transfer").addEventListener("click", function () {
    act("cold-transfer", { contractor: $("transfer-contractor").value });
  });
  $("warm-complete").addEventListener("click", function () {
    act("warm-transfer/complete", {}, function () { $("warm-steps").hidden = true; });
  });
  $("warm-cancel").addEventListener("click", function () {
    act("warm-transfer/cancel", {}, function () { $("warm-steps").hidden = true; });
  });
  $("queue-transfer").addEventListener("click", function () {
    act("queue-transfer", { queue: $("transfer-call-queue").value });
  });
  $("colleague-transfer").addEventListener("click", function () {
    var chosen = Number($("transfer-colleague").value);
    if (chosen) { act("colleague-transfer", { colleague: chosen }); }
  });
  $("research-callback").addEventListener("click", function () {
    act("research-callback", { hours: Number($("research-hours").value) });
  });
  $("call-hold").addEventListener("click", function () {
    var button = this;
    act("hold", { on: !held }, function (d) { held = d.hold; toggle(button, held); });
  });
  $("call-mute").addEventListener("click", function () {
    var button = this;
    act("mute", { on: !muted }, function (d) { muted = d.muted; toggle(button, muted); });
  });

  function shown() {
    var now = !pop.hidden && pop.dataset.channel === "call" ? pop.dataset.member : null;
    if (now === member) { return; }
    member = now; held = muted = false;
    toggle($("call-hold"), false); toggle($("call-mute"), false);
    $("call-transfer-menu").hidden = true;
    $("call-transfer-toggle").setAttribute("aria-expanded", "false");
    $("warm-steps").hidden = true;
    // What was said about the call that ended stays (read beside the wrap-up) until the next.
    if (member) { status(""); }
    box.hidden = !member;
  }
  new MutationObserver(shown).observe(pop, { attributes: true,
    attributeFilter: ["hidden", "data-member", "data-channel"] });
  shown();

  // The wrap-up of a contact a transfer or callback was made for starts at the outcome it set
  // (the adviser may still choose another); the server keeps it too (GET /console/api/desk).
  var asked = {};
  function preselect() {
    var contact = $("wrap-contact"), outcome = $("outcome");
    if (!contact || !outcome || outcome.value || !contact.value) { return; }
    var code = chosen[contact.value];
    if (code) { outcome.value = code; return; }
    if (asked[contact.value]) { return; }
    // Set before this page was loaded: the desk's state says (once per contact).
    asked[contact.value] = true;
    fetch("/console/api/desk", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        (state ? state.wrap_ups : []).forEach(function (w) { if (w.outcome) { chosen[w.member] = w.outcome; } });
        if (chosen[contact.value] && !outcome.value) { outcome.value = chosen[contact.value]; }
      });
  }
  var wrap = $("wrap");
  if (wrap) {
    new MutationObserver(preselect).observe(wrap, { attributes: true, subtree: true, childList: true });
    $("wrap-contact").addEventListener("change", preselect);
  }
}());
