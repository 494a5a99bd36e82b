// The adviser's desk: presence with heartbeats, live contacts, the screen pop, chat and wrap-up.
(function () {
  "use strict";
  const desk = document.getElementById("desk");
  if (!desk) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const STATUS_WORDS = {available: "Available", busy: "Busy", wrap_up: "in Wrap-up", away: "Away"};
  let current = null;      // the member whose screen pop is shown
  let chatStream = null;

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

  function render(state) {
    if (!state) return;
    const p = state.presence;
    $("presence-status").textContent = STATUS_WORDS[p.status] || p.status;
    $("presence-detail").textContent = p.status === "away" && p.reason && p.reason !== "chosen"
      ? "(" + p.reason + ")" : (p.chats ? p.chats + " of " + p.chat_cap + " chats" : "");
    const list = $("contacts"); list.replaceChildren();
    for (const c of state.contacts) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.className = "link";
      b.textContent = (c.channel === "call" ? "Call" : "Chat") + " from the " + c.queue.replace(/_/g, " ") + " queue";
      b.addEventListener("click", () => openPop(c.member, c.channel));
      li.append(b); list.append(li);
    }
    $("no-contacts").hidden = state.contacts.length > 0;
    const waiting = $("waiting"); waiting.replaceChildren();
    for (const [queue, n] of Object.entries(state.waiting)) {
      const tr = document.createElement("tr");
      const q = document.createElement("td"); q.textContent = queue.replace(/_/g, " ");
      const c = document.createElement("td"); c.textContent = n; c.dataset.queue = queue;
      tr.append(q, c); waiting.append(tr);
    }
    const wraps = $("wrap-contact"); wraps.replaceChildren();
    for (const w of state.wrap_ups) {
      const o = document.createElement("option"); o.value = w.member;
      o.textContent = (w.channel === "call" ? "Call" : "Chat") + " " + w.member.slice(-6);
      wraps.append(o);
    }
    $("wrap").hidden = state.wrap_ups.length === 0;
    const held = state.contacts.map((c) => c.member);
    if (!current && state.contacts.length) openPop(state.contacts[0].member, state.contacts[0].channel);
    if (current && !held.includes(current)) closePop();
  }

  function line(author, text) {
    const p = document.createElement("p");
    const who = document.createElement("span"); who.className = "who";
    who.textContent = ({customer: "Customer", assistant: "Assistant", adviser: "You", system: "System"}[author] || author) + ": ";
    p.append(who, document.createTextNode(text));
    $("pop-transcript").append(p);
    $("pop-transcript").scrollTop = $("pop-transcript").scrollHeight;
  }

  async function openPop(member, channel) {
    const pop = await call("GET", "/console/api/contacts/" + encodeURIComponent(member));
    if (!pop) return;
    current = member;
    $("pop").hidden = false;
    $("pop-channel").textContent = pop.channel === "phone" ? "Phone call" : "Webchat";
    $("pop-dialled").textContent = pop.dialled || "—";
    $("pop-queue").textContent = (pop.queue || "").replace(/_/g, " ");
    $("pop-waited").textContent = pop.waited_seconds == null ? "—" : Math.floor(pop.waited_seconds / 60) + " min " + (pop.waited_seconds % 60) + " s";
    $("pop-destination").textContent = (pop.destination || "not decided yet").replace(/_/g, " ");
    $("pop-concern").textContent = concernWords(pop.concern);
    $("pop-reasons").textContent = pop.reasons.join(", ") || "—";
    $("pop-groups").textContent = pop.priority_groups.map((g) => g.replace(/_/g, " ")).join(", ") || "none";
    $("pop-f2f").textContent = pop.offer_face_to_face ? "Yes: offer local face-to-face support" : "No";
    $("pop-facts").textContent = Object.entries(pop.facts).map(([k, v]) => k.replace(/_/g, " ") + ": " + v).join("; ") || "—";
    showRecord(pop.record || {linked: false});
    $("pop-transcript").replaceChildren();
    $("chat-tools").hidden = channel !== "chat";
    $("call-tools").hidden = channel !== "call" || !pop.facts.language;
    if (chatStream) { chatStream.close(); chatStream = null; }
    if (channel === "chat") {
      chatStream = new EventSource("/console/api/chats/" + encodeURIComponent(member) + "/events?after=0");
      chatStream.addEventListener("message", (e) => { const d = JSON.parse(e.data); line(d.from, d.text); });
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

  function closePop() {
    current = null; $("pop").hidden = true;
    if (chatStream) { chatStream.close(); chatStream = null; }
  }

  async function refresh() { render(await call("GET", "/console/api/desk")); }

  $("go-available").addEventListener("click", async () => render(await call("POST", "/console/api/presence", {mode: "available"})));
  $("go-away").addEventListener("click", async () => render(await call("POST", "/console/api/presence", {mode: "away"})));
  $("reply-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("reply").value.trim();
    if (!text || !current) return;
    if (await call("POST", "/console/api/chats/" + encodeURIComponent(current) + "/messages", {text})) $("reply").value = "";
  });
  $("send-canned").addEventListener("click", () => current && call("POST", "/console/api/chats/" + encodeURIComponent(current) + "/messages", {canned: $("canned").value}));
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
    const done = await call("POST", "/console/api/contacts/" + encodeURIComponent(member) + "/wrap-up", {outcome: $("outcome").value, note: $("note").value});
    if (!done) return;
    $("note").value = "";
    say(done.restricted_removed ? "Wrap-up saved. Restricted words were removed from your note before it was stored." : "");
    render(done);
  });

  const events = new EventSource("/console/api/events");
  for (const name of ["contact", "ended", "declined", "gone"]) events.addEventListener(name, refresh);
  setInterval(async () => render(await call("POST", "/console/api/heartbeat")), Number(desk.dataset.heartbeat) || 15000);
  refresh();
})();
