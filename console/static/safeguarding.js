// The safeguarding panel (its own page and the dashboard): follows the server's events for
// alerts raised or changed, reads /console/api/safeguarding/alerts again and redraws the rows.
// Text goes in with textContent only. Overdue alerts first; a sound for a new alert if chosen.
(function () {
  "use strict";
  var root = document.getElementById("safeguarding");
  if (!root) return;
  var boot = JSON.parse(document.getElementById("sg-initial").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var KINDS = { self_harm: "Self-harm or suicide", abuse: "Abuse", danger: "Danger" };
  var STEPS = { adviser: "With an adviser", callback: "Waiting for a callback", queued: "In a queue",
    queue: "In a queue", assistant: "With the assistant", menu: "In the chat menu", keypad: "At the keypad",
    speech: "Speaking to the assistant", call_me: "Call-me form", enquiry: "Written enquiry" };
  var ZONE = "Europe/London";  // the contact centre's time, wherever the supervisor's computer is
  var seen = null, shapeKey = null, last = boot.data, refreshing = false, again = false;
  var sound = document.getElementById("sg-sound");
  var audio = new Audio(root.dataset.sound);

  function ago(seconds) {
    var m = Math.floor(seconds / 60);
    if (m < 1) return "just now";
    if (m < 60) return m + " min ago";
    return Math.floor(m / 60) + " h " + (m % 60) + " min ago";
  }
  function clock(iso) {
    return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: ZONE });
  }
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }
  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    return input;
  }
  function form(a, action, label, field) {
    var f = document.createElement("form");
    f.method = "post"; f.className = "inline";
    f.action = "/console/safeguarding/" + encodeURIComponent(a.id) + "/" + action;
    f.appendChild(hidden("csrf_token", csrf));
    f.appendChild(hidden("back", root.dataset.back));
    var what = KINDS[a.kind] + " alert raised " + clock(a.raised_at) + " on " + a.channel;
    if (field) {
      var id = "sg-" + action + "-" + a.id;
      var l = text("label", field.label + " (" + what + ")", "visually-hidden");
      l.htmlFor = id;
      var select = document.createElement("select");
      select.id = id; select.name = field.name; select.required = true;
      var choose = text("option", field.choose); choose.value = "";
      select.appendChild(choose);
      field.options.forEach(function (o) {
        var option = text("option", o[1]); option.value = o[0];
        if (o[0] === field.current) option.selected = true;
        select.appendChild(option);
      });
      f.appendChild(l); f.appendChild(select);
    }
    var button = text("button", label, action === "close" ? "secondary" : "");
    button.type = "submit";
    button.setAttribute("aria-label", label + ": " + what);
    button.dataset.focus = a.id + ":" + action;
    f.appendChild(button);
    return f;
  }

  function actions(a) {
    var td = document.createElement("td");
    td.className = "sg-actions";
    if (a.status === "closed") { td.textContent = "Closed by " + a.closed_by; return td; }
    var box = document.createElement("div"); box.className = "actions";
    if (a.status === "new") box.appendChild(form(a, "acknowledge", "Acknowledge"));
    box.appendChild(form(a, "assign", "Assign", { name: "assignee", label: "Assign to", choose: "Choose a person",
      current: a.assigned_to, options: boot.people.map(function (p) { return [p, p]; }) }));
    box.appendChild(form(a, "outcome", "Record outcome", { name: "outcome", label: "Outcome", choose: "Choose an outcome",
      current: a.outcome, options: boot.outcomes.map(function (c) { return [c, boot.labels[c]]; }) }));
    if (a.status === "acknowledged" && a.outcome) box.appendChild(form(a, "close", "Close"));
    td.appendChild(box);
    return td;
  }

  function row(a) {
    var tr = document.createElement("tr");
    tr.dataset.alert = a.id;
    if (a.overdue) tr.className = "late-row";
    var th = document.createElement("th"); th.scope = "row";
    th.appendChild(text("span", clock(a.raised_at) + " "));
    th.appendChild(text("span", ago(a.age_seconds), "formula sg-age"));
    tr.appendChild(th);
    tr.appendChild(text("td", a.channel));
    tr.appendChild(text("td", KINDS[a.kind] || a.kind));
    tr.appendChild(text("td", a.explicit ? "Yes" : "Hinted"));
    tr.appendChild(text("td", a.about === "other" ? "Someone else" : "Themselves"));
    var where = document.createElement("td");
    where.appendChild(text("span", STEPS[a.now] || a.now));
    if (a.callback) {
      where.appendChild(text("span", "Callback #" + a.callback.id + " " + a.callback.status +
        ", due " + new Date(a.callback.due_at).toLocaleString("en-GB", { timeZone: ZONE }), "formula"));
    }
    if (a.now !== a.step) where.appendChild(text("span", "raised: " + (STEPS[a.step] || a.step), "formula"));
    tr.appendChild(where);
    tr.appendChild(text("td", a.adviser || "–"));
    var state = text("td", a.status === "new" ? "New" : a.status === "acknowledged" ?
      "Acknowledged by " + a.acknowledged_by : "Closed");
    if (a.overdue) { state.textContent = "Overdue: not acknowledged"; state.className = "breach"; }
    tr.appendChild(state);
    tr.appendChild(text("td", a.assigned_to || "–"));
    tr.appendChild(text("td", a.outcome ? a.outcome_label : "–"));
    tr.appendChild(actions(a));
    return tr;
  }

  function ordered(alerts) {
    var rank = { "new": 1, acknowledged: 2, closed: 3 };
    return alerts.slice().sort(function (x, y) {
      var a = x.overdue ? 0 : rank[x.status], b = y.overdue ? 0 : rank[y.status];
      return a - b || x.age_seconds - y.age_seconds;
    });
  }

  function render(data) {
    var alerts = ordered(data.alerts);
    var key = JSON.stringify(alerts.map(function (a) {
      return [a.id, a.status, a.overdue, a.assigned_to, a.outcome, a.now, a.adviser, a.callback && a.callback.status];
    }));
    var body = document.querySelector("#sg-alerts tbody");
    if (key !== shapeKey) {
      var focused = document.activeElement && body.contains(document.activeElement) ?
        document.activeElement.dataset.focus || document.activeElement.id : null;
      shapeKey = key;
      body.replaceChildren.apply(body, alerts.map(row));
      if (!alerts.length) {
        var tr = document.createElement("tr"), td = text("td", "No safeguarding alerts.");
        td.colSpan = 11; tr.appendChild(td); body.appendChild(tr);
      }
      if (focused) {
        var back = body.querySelector('[data-focus="' + focused + '"]') || document.getElementById(focused);
        if (back) back.focus();
      }
    } else {
      alerts.forEach(function (a) {
        var age = body.querySelector('tr[data-alert="' + a.id + '"] .sg-age');
        if (age) age.textContent = ago(a.age_seconds);
      });
    }
    announce(data, alerts);
  }

  function announce(data, alerts) {
    var fresh = alerts.filter(function (a) { return seen && seen.indexOf(a.id) < 0; });
    seen = alerts.map(function (a) { return a.id; });
    var summary = data.open + " open, " + data.overdue + " overdue.";
    if (fresh.length) {
      summary = "New safeguarding alert: " + fresh.map(function (a) {
        return (KINDS[a.kind] || a.kind) + " on " + a.channel;
      }).join("; ") + ". " + summary;
      if (sound.checked) { audio.currentTime = 0; audio.play().catch(function () {}); }
    }
    var box = document.getElementById("sg-summary");
    if (box.textContent !== summary) box.textContent = summary;
    root.dataset.updated = data.as_of;
  }

  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch("/console/api/safeguarding/alerts", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { last = data; render(data); })
      .catch(function () { /* keep the last rows; the next event or tick tries again */ })
      .then(function () { refreshing = false; if (again) { again = false; refresh(); } });
  }

  sound.checked = localStorage.getItem("safeguarding-sound") === "on";
  sound.addEventListener("change", function () {
    localStorage.setItem("safeguarding-sound", sound.checked ? "on" : "off");
  });
  render(last);
  var events = new EventSource("/console/api/safeguarding/events?after=" + encodeURIComponent(boot.data.after));
  events.addEventListener("alert", refresh);
  events.addEventListener("open", refresh);  // after a reconnect, catch up on anything missed
  setInterval(refresh, 20000);  // ages and overdue marks move on with the server's clock
}());
