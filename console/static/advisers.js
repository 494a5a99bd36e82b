// The adviser board: polls /console/api/advisers every 5 s, redraws the table and announces
// only what changed (an adviser's state, reason or contact; who signed in or out; the supervisor's
// own phone joining an adviser's call they listen to, coach or barge in on).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var body = document.querySelector("#board tbody");
  var count = document.getElementById("board-count");
  var changes = document.getElementById("board-changes");
  var last = summary(JSON.parse(document.getElementById("initial").textContent));

  function span(s) {
    if (s === null || s === undefined) { return "not known"; }
    if (s >= 3600) { return Math.floor(s / 3600) + " h " + pad(Math.floor(s % 3600 / 60)) + " min"; }
    return Math.floor(s / 60) + " min " + pad(s % 60) + " s";
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(iso) { return iso ? iso.slice(11, 19) : ""; }
  function text(tag, value) { var el = document.createElement(tag); el.textContent = value; return el; }

  function said(a) {
    var words = a.state + (a.reason_label ? " (" + a.reason_label + ")" : "");
    if (a.contact) { words += ", on a " + a.contact.channel + " from " + a.contact.queue_name; }
    if (a.monitor && a.monitor.mode && a.monitor.step === "joined") {
      words += ", you are " + a.monitor.said;
    }
    return words;
  }
  function summary(data) {
    var out = {};
    data.advisers.forEach(function (a) { out[a.id] = { name: a.name, said: said(a) }; });
    return out;
  }

  function action(a, path, label, mode) {
    var form = document.createElement("form");
    form.method = "post"; form.className = "inline";
    form.action = "/console/advisers/" + a.id + "/" + path;
    var token = document.createElement("input");
    token.type = "hidden"; token.name = "csrf_token"; token.value = csrf;
    form.appendChild(token);
    if (mode) {
      var chosen = document.createElement("input");
      chosen.type = "hidden"; chosen.name = "mode"; chosen.value = mode;
      form.appendChild(chosen);
    }
    var button = text("button", label); button.type = "submit";
    var who = text("span", " " + a.name + (path.indexOf("monitor") === 0 ? "'s call" : ""));
    who.className = "visually-hidden";
    button.appendChild(who); form.appendChild(button);
    return form;
  }

  // Listen, Coach, Barge on an adviser's phone call; while joined, the mode and Leave.
  function monitoring(cell, a) {
    var m = a.monitor;
    if (!m) { return; }
    if (m.mode) {
      cell.appendChild(text("p", "You are " + m.said +
        (m.step !== "joined" ? " (your phone is ringing)" : "") + ".")).className = "monitoring";
    } else if (m.other) {
      cell.appendChild(text("p", "Another supervisor is on this call.")).className = "monitoring";
      return;
    }
    var group = document.createElement("div");
    group.className = "monitor-actions";
    m.modes.forEach(function (choice) {
      if (choice.mode !== m.mode) { group.appendChild(action(a, "monitor", choice.label, choice.mode)); }
    });
    if (m.mode) { group.appendChild(action(a, "monitor/leave", "Leave")); }
    cell.appendChild(group);
  }

  function row(a) {
    var tr = document.createElement("tr");
    tr.dataset.id = a.id;
    var name = text("th", a.name); name.scope = "row"; tr.appendChild(name);
    tr.appendChild(text("td", a.state));
    tr.appendChild(text("td", a.reason_label));
    tr.appendChild(text("td", span(a.seconds_in_state) + (a.since ? " (since " + clock(a.since) + ")" : "")));
    var c = a.contact;
    tr.appendChild(text("td", c ? c.channel.charAt(0).toUpperCase() + c.channel.slice(1) + ", " +
      c.queue_name + ", " + span(c.seconds) + " (since " + clock(c.since) + ")" : "None"));
    tr.appendChild(text("td", String(a.handled_today)));
    var cell = document.createElement("td");
    monitoring(cell, a);
    if (a.state !== "Away") { cell.appendChild(action(a, "away", "Set Away")); }
    cell.appendChild(action(a, "sign-out", "Sign out"));
    tr.appendChild(cell);
    return tr;
  }

  function draw(data) {
    var active = document.activeElement;
    var focused = active && body.contains(active) && active.closest("form") ?
      [active.closest("tr").dataset.id, active.closest("form").getAttribute("action"),
       active.textContent] : null;
    body.replaceChildren.apply(body, data.advisers.length ? data.advisers.map(row) : [empty()]);
    count.textContent = String(data.advisers.length);
    if (focused) {  // keep the keyboard where it was when the table is redrawn
      var same = Array.prototype.filter.call(
        body.querySelectorAll('tr[data-id="' + focused[0] + '"] form[action="' + focused[1] + '"] button'),
        function (b) { return b.textContent === focused[2]; });
      var again = same[0] ||
        body.querySelector('tr[data-id="' + focused[0] + '"] form[action="' + focused[1] + '"] button') ||
        body.querySelector('tr[data-id="' + focused[0] + '"] button');
      if (again) { again.focus(); }
    }
    announce(summary(data));
  }
  function empty() {
    var tr = document.createElement("tr"); var td = text("td", "No adviser is signed in.");
    td.colSpan = 7; tr.appendChild(td); return tr;
  }

  function announce(now) {
    var news = [];
    Object.keys(now).forEach(function (id) {
      if (!last[id]) { news.push(now[id].name + " signed in: " + now[id].said); }
      else if (last[id].said !== now[id].said) { news.push(now[id].name + ": " + now[id].said); }
    });
    Object.keys(last).forEach(function (id) {
      if (!now[id]) { news.push(last[id].name + " signed out"); }
    });
    last = now;
    if (news.length) { changes.textContent = news.join(". ") + "."; }
  }

  function poll() {
    fetch("/console/api/advisers", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(draw)
      .catch(function () { /* the next poll tries again */ });
  }
  window.setInterval(poll, 5000);
})();
