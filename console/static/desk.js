// The adviser's desk: presence with heartbeats, live contacts, the screen pop, chat and wrap-up.
(function () {
  "use strict";
  const desk = document.getElementById("desk");
  if (!desk) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const STATUS_WORDS = {available: "Available", busy: "Busy", wrap_up: "in Wrap-up", away: "Away"};
  let current = null;      // the member whose screen pop is shown
  // Every chat the adviser holds keeps its own stream while held, so a chat that is not on
  // screen still counts what its customer says (unread) and shows it all when opened.
  const streams = {};      // member -> EventSource
  const lines = {};        // member -> [{from, text}] heard so far
  const unread = {};       // member -> customer messages not yet seen
  let cannedChosen = null; // the canned answer last put in the reply box (for the audit)
  const since = {};        // member -> the moment (browser time) its wait began, to tick it on
  const taken = {};        // member -> the moment (browser time) it was taken: handle time
  let offered = [];        // members offered and not yet taken, longest waiting first
  let wrapEnds = null;     // the moment (browser time) the wrap-up time runs out
  const NO_CONTACTS = {
    away: "No contacts. Go Available to take calls and chats.",
    available: "No contacts right now: the next call or chat from your queues comes here.",
    wrap_up: "No contacts while you wrap up: you take the next one when it is done.",
  };

  async function call(method, url, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.redirected || response.status === 401) { window.location = "/console/login"; return null; }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) { say(data.error || "Something went wrong."); return null; }
    return data;
  }

  function say(text) { const m = $("desk-message"); m.textContent = text; m.hidden = !text; }

  // Set text only when it differs, so a heartbeat that changes nothing changes nothing on screen.
  function setText(node, text) { if (node.textContent !== text) node.textContent = text; }

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
  }

  // A contact as a person reads it: channel, queue and time waited (never an id).
  function contactName(c, waited) {
    const queue = c.queue ? ", " + c.queue.replace(/_/g, " ") + " queue" : "";
    return (c.channel === "call" ? "Call" : "Chat") + queue + (waited == null ? "" : ", waited " + duration(waited));
  }

  function waitedNow(member) { return since[member] == null ? null : (Date.now() - since[member]) / 1000; }

  function tick() {
    for (const b of $("contacts").querySelectorAll("button[data-member]")) {
      setText(b, contactName({channel: b.dataset.channel, queue: b.dataset.queue}, waitedNow(b.dataset.member)));
    }
    if (current && since[current] != null) setText($("pop-waited"), duration(waitedNow(current)));
    if (current) setText($("pop-handled"), taken[current] != null ? duration((Date.now() - taken[current]) / 1000) : "Not taken yet: accept to start");
    const countdown = $("wrap-countdown");
    countdown.hidden = wrapEnds == null;
    if (wrapEnds != null) setText(countdown, "Wrap-up time left: " + duration((wrapEnds - Date.now()) / 1000) + ". After that you are Available again.");
  }

  // Only what changed is added or removed: the list is not rebuilt, and the live region beside
  // it announces a contact that arrived or left, once.
  function renderContacts(contacts) {
    const list = $("contacts");
    const now = new Map(contacts.map((c) => [c.member, c]));
    const news = [];
    for (const li of [...list.children]) {
      if (!now.has(li.dataset.member)) {
        news.push(li.dataset.label + " has ended."); li.remove(); delete since[li.dataset.member];
        forget(li.dataset.member);
      }
    }
    for (const c of contacts) {
      since[c.member] = Date.now() - c.waited_seconds * 1000;
      const shown = list.querySelector('li[data-member="' + CSS.escape(c.member) + '"]');
      if (shown) { shown.classList.toggle("offered", offered.includes(c.member)); continue; }
      const li = document.createElement("li");
      li.classList.toggle("offered", offered.includes(c.member));
      li.dataset.member = c.member; li.dataset.label = contactName(c);
      const b = document.createElement("button");
      b.type = "button"; b.className = "link";
      Object.assign(b.dataset, {member: c.member, channel: c.channel, queue: c.queue});
      b.addEventListener("click", () => openPop(c.member, c.channel));
      const badge = document.createElement("span");
      badge.className = "unread"; badge.hidden = true;
      li.append(b, badge); list.append(li);
      if (c.channel === "chat") follow(c.member);
      news.push("New " + contactName(c).replace(/^./, (x) => x.toLowerCase()) + "." +
                (offered.includes(c.member) ? " Accept with Alt+A, decline with Alt+N." : ""));
    }
    if (news.length) $("contacts-news").textContent = news.join(" ");
    tick();
  }

  function renderWrapUps(wrapUps) {
    const wraps = $("wrap-contact");
    const want = wrapUps.map((w) => w.member).join(" ");
    if ([...wraps.options].map((o) => o.value).join(" ") !== want) {  // keep the adviser's choice
      const chosen = wraps.value;
      wraps.replaceChildren(...wrapUps.map((w) => Object.assign(document.createElement("option"), {
        value: w.member, textContent: contactName(w, w.waited_seconds)})));
      if (wrapUps.some((w) => w.member === chosen)) wraps.value = chosen;
      if (wraps.value !== chosen) tickGiven();  // another contact to wrap up: its own articles
    }
    $("wrap").hidden = wrapUps.length === 0;
  }

  function render(state) {
    if (!state) return;
    const p = state.presence;
    const pending = state.wrap_ups.length;
    setText($("presence-status"), STATUS_WORDS[p.status] || p.status);
    // Available with an outcome still to give is said as it is: the form is open, and new
    // contacts can come meanwhile (the wrap-up time is over).
    const owed = pending ? (pending === 1 ? "1 contact still needs" : pending + " contacts still need") + " an outcome below." : "";
    setText($("presence-detail"), [p.status === "away" && p.reason && p.reason !== "chosen"
      ? "(" + (p.reason_label || p.reason) + ")" : (p.chats ? p.chats + " of " + p.chat_cap + " chats" : ""),
      p.status === "available" && pending ? "The wrap-up time is over, so new contacts can come. " + owed : owed,
    ].filter(Boolean).join(" "));
    // Offers first (the alerts and shortcuts take the longest waiting), then the timers.
    offered = state.contacts.filter((c) => (state.offered || []).includes(c.member))
      .sort((a, b) => b.waited_seconds - a.waited_seconds).map((c) => c.member);
    for (const m of Object.keys(taken)) if (!(m in (state.handled_seconds || {}))) delete taken[m];
    for (const [m, s] of Object.entries(state.handled_seconds || {})) taken[m] = Date.now() - s * 1000;
    wrapEnds = state.wrap_up_seconds_left == null ? null : Date.now() + state.wrap_up_seconds_left * 1000;
    renderContacts(state.contacts);
    if (window.ConsoleAlerts) {
      window.ConsoleAlerts.sync(state.contacts.filter((c) => offered.includes(c.member))
        .sort((a, b) => offered.indexOf(a.member) - offered.indexOf(b.member))
        .map((c) => ({key: c.member, kind: c.channel === "call" ? "call" : "chat", label: contactName(c)})));
    }
    setText($("no-contacts"), NO_CONTACTS[p.status] || "");
    $("no-contacts").hidden = state.contacts.length > 0 || !NO_CONTACTS[p.status];
    const waiting = $("waiting");
    for (const [queue, n] of Object.entries(state.waiting)) {
      let cell = waiting.querySelector('td[data-queue="' + CSS.escape(queue) + '"]');
      if (!cell) {
        const tr = document.createElement("tr");
        const q = document.createElement("td"); q.textContent = queue.replace(/_/g, " ");
        cell = document.createElement("td"); cell.dataset.queue = queue;
        tr.append(q, cell); waiting.append(tr);
      }
      setText(cell, String(n));
    }
    renderWrapUps(state.wrap_ups);
    const held = state.contacts.map((c) => c.member);
    if (!current && state.contacts.length) openPop(state.contacts[0].member, state.contacts[0].channel);
    if (current && !held.includes(current)) closePop();
    $("pop-offer").hidden = !current || !offered.includes(current);
    tick();
  }

  function line(author, text) {
    const p = document.createElement("p");
    const who = document.createElement("span"); who.className = "who";
    who.textContent = ({customer: "Customer", assistant: "Assistant", adviser: "You", system: "System"}[author] || author) + ": ";
    p.append(who, document.createTextNode(text));
    $("pop-transcript").append(p);
    $("pop-transcript").scrollTop = $("pop-transcript").scrollHeight;
  }

  // A held chat's stream: lines kept for when it is opened; unread counted while it is not.
  function follow(member) {
    if (streams[member]) return;
    lines[member] = []; unread[member] = 0;
    // What the customer said before the chat reached this desk arrives at once when the stream
    // opens: it is counted, but not announced over the new chat's own announcement.
    const opened = Date.now();
    const stream = new EventSource("/console/api/chats/" + encodeURIComponent(member) + "/events?after=0");
    stream.addEventListener("message", (e) => {
      const d = JSON.parse(e.data);
      lines[member].push(d);
      if (member === current) { line(d.from, d.text); return; }
      if (d.from !== "customer") return;
      unread[member] += 1;
      showUnread(member);
      if (Date.now() - opened < 2000) return;
      const li = $("contacts").querySelector('li[data-member="' + CSS.escape(member) + '"]');
      $("contacts-news").textContent = "New message in " + (li ? li.dataset.label : "a chat") + ".";
    });
    streams[member] = stream;
  }

  function forget(member) {
    if (streams[member]) streams[member].close();
    delete streams[member]; delete lines[member]; delete unread[member];
  }

  function showUnread(member) {
    const li = $("contacts").querySelector('li[data-member="' + CSS.escape(member) + '"]');
    const badge = li && li.querySelector(".unread");
    if (!badge) return;
    const n = unread[member] || 0;
    badge.hidden = n === 0;
    setText(badge, n === 1 ? "1 unread" : n + " unread");
  }

  async function openPop(member, channel) {
    const pop = await call("GET", "/console/api/contacts/" + encodeURIComponent(member));
    if (!pop) return;
    current = member;
    // call_transfers.js follows these to show the Transfer menu on a live call.
    $("pop").dataset.member = member;
    $("pop").dataset.channel = channel;
    $("pop").hidden = false;
    $("pop-offer").hidden = !offered.includes(member);
    $("pop-channel").textContent = pop.channel === "phone" ? "Phone call" : "Webchat";
    $("pop-dialled").textContent = pop.dialled || "—";
    $("pop-queue").textContent = (pop.queue || "").replace(/_/g, " ");
    if (pop.waited_seconds != null) since[member] = Date.now() - pop.waited_seconds * 1000;
    $("pop-waited").textContent = pop.waited_seconds == null ? "—" : duration(waitedNow(member));
    tick();
    $("pop-destination").textContent = (pop.destination || "not decided yet").replace(/_/g, " ");
    $("pop-concern").textContent = concernWords(pop.concern);
    $("pop-reasons").textContent = pop.reasons.join(", ") || "—";
    $("pop-groups").textContent = pop.priority_groups.map((g) => g.replace(/_/g, " ")).join(", ") || "none";
    $("pop-f2f").textContent = pop.offer_face_to_face ? "Yes: offer local face-to-face support" : "No";
    $("pop-facts").textContent = Object.entries(pop.facts).map(([k, v]) => k.replace(/_/g, " ") + ": " + v).join("; ") || "—";
    showRecord(pop.record || {linked: false});
    $("pop-notes").replaceChildren();
    for (const n of pop.notes || []) showNote(n);
    $("pop-transcript").replaceChildren();
    $("chat-tools").hidden = channel !== "chat";
    $("call-tools").hidden = channel !== "call" || !pop.facts.language;
    if (channel === "chat") {
      follow(member);
      for (const l of lines[member]) line(l.from, l.text);
      unread[member] = 0; showUnread(member);
    } else {
      for (const l of pop.transcript) line(l.from, l.text);
    }
  }

  // Why a contact was escalated, in words: the stored transcript stays redacted (001:20.4).
  function concernWords(concern) {
    if (!concern) return "None raised";
    const kind = {self_harm: "suicide or self-harm", abuse: "abuse or exploitation", danger: "danger now"}[concern.kind] || concern.kind;
    const how = concern.explicit ? "said outright" : "said indirectly";
    const who = concern.about === "other" ? "about someone else (a third party)" : "about the customer";
    return "Concern: " + kind + ", " + how + ", " + who;
  }

  // The customer record: shown only once the customer is checked (001:7.3), in the channel or here.
  function showRecord(record) {
    const history = $("pop-history"); history.replaceChildren();
    $("record-check").hidden = !record.linked || record.authenticated;
    if (!record.linked) { $("pop-record").textContent = "None linked (not given, or declined)"; return; }
    if (!record.authenticated) { $("pop-record").textContent = "Found, not yet checked: ask for their memorable number"; return; }
    const d = record.details;
    $("pop-record").textContent = "Checked: " + d.first_name + " " + d.surname + ", born " + d.date_of_birth + ", " + d.postcode;
    for (const c of record.past_contacts) {
      const li = document.createElement("li");
      li.textContent = c.started_at.slice(0, 10) + " " + c.channel + ": " + (c.outcome || "no outcome").replace(/_/g, " ");
      history.append(li);
    }
    if (!record.past_contacts.length) history.append(Object.assign(document.createElement("li"), {textContent: "No past contacts"}));
  }

  $("record-check").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    const done = await call("POST", "/console/api/contacts/" + encodeURIComponent(current) + "/identity", {secret: $("record-secret").value});
    $("record-secret").value = "";
    if (!done) return;
    say(done.result === "authenticated" ? "" : done.result === "locked" ? "Too many wrong numbers: the record is locked for 15 minutes." : "That memorable number is not right.");
    showRecord(done.pop.record);
  });

  function showNote(n) {
    const li = document.createElement("li");
    li.textContent = new Date(n.at).toLocaleTimeString("en-GB", {hour: "2-digit", minute: "2-digit"}) + ", " + (n.by || "an adviser") + ": " + n.text;
    $("pop-notes").append(li);
  }
  $("note-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("private-note").value.trim();
    if (!text || !current) return;
    const done = await call("POST", "/console/api/contacts/" + encodeURIComponent(current) + "/notes", {text});
    if (!done) return;
    $("private-note").value = "";
    showNote(done.note);
    say(done.restricted_removed ? "Note saved. Restricted words were removed from it before it was stored." : "");
  });

  function closePop() { current = null; $("pop").hidden = true; }

  async function refresh() { render(await call("GET", "/console/api/desk")); }

  $("go-available").addEventListener("click", async () => render(await call("POST", "/console/api/presence", {mode: "available"})));
  $("away-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const reason = $("away-reason").value;
    if (!reason) { say("Choose why you are going Away."); $("away-reason").focus(); return; }
    const done = await call("POST", "/console/api/presence", {mode: "away", reason});
    if (done) { say(""); $("away-reason").value = ""; render(done); }
  });
  // Accept or decline a contact offered: the buttons in the pop, or Alt+A / Alt+N (alerts.js)
  // for the longest waiting offer, whose pop is opened so the adviser sees what they took.
  async function decide(member, what) {
    if (!member) return;
    const done = await call("POST", "/console/api/contacts/" + encodeURIComponent(member) + "/" + what);
    if (!done) return;
    const c = done.contacts.find((x) => x.member === member);
    $("contacts-news").textContent = what === "accept"
      ? "Accepted. " + (c ? contactName(c) : "") : "Declined: the contact keeps its place and you are Away.";
    render(done);
    if (what === "accept" && current !== member && c) openPop(member, c.channel);
  }
  $("accept").addEventListener("click", () => decide(current, "accept"));
  $("decline").addEventListener("click", () => decide(current, "decline"));
  if (window.ConsoleAlerts) {
    window.ConsoleAlerts.on("accept", (member) => decide(member, "accept"));
    window.ConsoleAlerts.on("decline", (member) => decide(member, "decline"));
  }
  $("reply-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("reply").value.trim();
    if (!text || !current) return;
    const body = cannedChosen ? {text, canned: cannedChosen} : {text};
    if (await call("POST", "/console/api/chats/" + encodeURIComponent(current) + "/messages", body)) { $("reply").value = ""; cannedChosen = null; }
  });
  // A canned answer is put in the reply box to read and edit: only sending sends it.
  async function useCanned(chosen, replacing) {
    if (!chosen || !current) return;
    const got = await call("GET", "/console/api/chats/" + encodeURIComponent(current) + "/canned/" + encodeURIComponent(chosen));
    if (!got) return;
    const reply = $("reply");
    const kept = replacing ? "" : reply.value.trim();
    reply.value = kept ? reply.value.trimEnd() + " " + got.text : got.text;
    cannedChosen = chosen;
    reply.focus();
  }
  $("canned").addEventListener("change", () => { const chosen = $("canned").value; $("canned").value = ""; useCanned(chosen, false); });

  // Typing "/" then words in the reply box lists the canned answers whose titles match:
  // arrows move, Enter or a click puts the answer in the box, Escape closes the list.
  const matches = $("canned-matches");
  let active = -1;
  function cannedQuery() { const v = $("reply").value; return v.startsWith("/") ? v.slice(1).trim().toLowerCase() : null; }
  function showMatches() {
    const query = cannedQuery();
    const found = query === null ? [] : [...$("canned").options].filter((o) => o.value && o.textContent.toLowerCase().includes(query));
    matches.replaceChildren(...found.map((o, i) => {
      const li = document.createElement("li");
      li.id = "canned-match-" + i; li.setAttribute("role", "option"); li.dataset.value = o.value;
      li.textContent = o.textContent;
      li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(o.value); });
      return li;
    }));
    active = found.length ? 0 : -1;
    markActive();
    matches.hidden = query === null;
    if (query !== null && !found.length) matches.replaceChildren(Object.assign(document.createElement("li"), {textContent: "No canned answer matches"}));
  }
  function markActive() {
    const options = [...matches.querySelectorAll('[role="option"]')];
    options.forEach((o, i) => o.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) $("reply").setAttribute("aria-activedescendant", options[active].id);
    else $("reply").removeAttribute("aria-activedescendant");
  }
  function pick(value) {
    matches.hidden = true; active = -1;
    useCanned(value, true);
  }
  $("reply").addEventListener("input", showMatches);
  $("reply").addEventListener("keydown", (e) => {
    const options = [...matches.querySelectorAll('[role="option"]')];
    if (!matches.hidden && (e.key === "ArrowDown" || e.key === "ArrowUp") && options.length) {
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      markActive(); return;
    }
    if (!matches.hidden && e.key === "Escape") { e.preventDefault(); matches.hidden = true; active = -1; markActive(); return; }
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;  // Shift+Enter: a new line
    e.preventDefault();
    if (!matches.hidden) { if (active >= 0) pick(options[active].dataset.value); return; }
    $("reply-form").requestSubmit();
  });
  $("transfer").addEventListener("click", async () => {
    if (current && await call("POST", "/console/api/chats/" + encodeURIComponent(current) + "/transfer", {queue: $("transfer-queue").value})) { closePop(); refresh(); }
  });
  $("close-chat").addEventListener("click", async () => {
    if (current && await call("POST", "/console/api/chats/" + encodeURIComponent(current) + "/close")) { closePop(); refresh(); }
  });
  $("interpreter").addEventListener("click", async () => {
    const done = current && await call("POST", "/console/api/calls/" + encodeURIComponent(current) + "/interpreter");
    if (done) say("Calling the " + done.language + " interpreter into this call.");
  });
  $("wrap-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const member = $("wrap-contact").value;
    if (!member) return;
    const wrap = {outcome: $("outcome").value, note: $("note").value};
    const confirm = confirmChoice();
    if (confirm) wrap.confirm = confirm;
    const done = await call("POST", "/console/api/contacts/" + encodeURIComponent(member) + "/wrap-up", wrap);
    if (!done) return;
    $("note").value = "";
    $("outcome").value = "";  // the next contact's outcome is chosen afresh, never carried over
    clearConfirm();
    say((done.restricted_removed ? "Wrap-up saved. Restricted words were removed from your note before it was stored. " : "") +
      (done.confirmation ? "The information will be confirmed by " + (done.confirmation.by === "sms" ? "text" : "e-mail") + " now." : ""));
    render(done);
  });

  // The written confirmation of the information given (console/desk_confirm.py): articles the
  // assistant gave are ticked when a contact is chosen for wrap-up; nothing goes unless chosen.
  function confirmChoice() {
    if (!$("confirm")) return null;
    const articles = [...document.querySelectorAll("input[name=confirm-article]:checked")].map((i) => i.value);
    if (!articles.length) return null;
    const by = document.querySelector("input[name=confirm-by]:checked");
    return {articles, by: by ? by.value : "sms", to: $("confirm-to").value, agreed: $("confirm-agreed").checked};
  }
  function clearConfirm() {
    if (!$("confirm")) return;
    for (const box of document.querySelectorAll("input[name=confirm-article]")) box.checked = false;
    $("confirm-to").value = "";
    $("confirm-agreed").checked = false;
  }
  async function tickGiven() {
    const member = $("wrap-contact").value;
    if (!$("confirm") || !member) return;
    const given = await call("GET", "/console/api/contacts/" + encodeURIComponent(member) + "/information-given");
    for (const box of document.querySelectorAll("input[name=confirm-article]")) box.checked = !!given && given.articles.includes(box.value);
  }
  $("wrap-contact").addEventListener("change", tickGiven);

  const events = new EventSource("/console/api/events");
  for (const name of ["contact", "ended", "declined", "gone"]) events.addEventListener(name, refresh);
  setInterval(async () => render(await call("POST", "/console/api/heartbeat")), Number(desk.dataset.heartbeat) || 15000);
  setInterval(tick, 1000);
  refresh();
})();
