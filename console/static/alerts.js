// Alerts for contacts offered to the person at this console (the desk's calls and chats, a
// contractor adviser's warm transfers): a ring, a desktop notification (or a banner on the page
// when notifications are refused or unsupported) and a flashing tab title, until every offer is
// taken or withdrawn; Alt+A accepts and Alt+N declines the oldest offer. Sound on or off and the
// volume are kept with the account (/console/api/alerts). Plain JavaScript, text set as text.
(function () {
  "use strict";
  var box = document.getElementById("alerts");
  if (!box || window.ConsoleAlerts) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var ring = document.getElementById("alert-ring");
  var banner = document.getElementById("alert-banner");
  var bannerText = document.getElementById("alert-banner-text");
  var sound = document.getElementById("alert-sound");
  var volume = document.getElementById("alert-volume");
  var ask = document.getElementById("alert-ask");
  var permission = document.getElementById("alert-permission");
  var RING_EVERY_MS = 4000;
  var flashMs = (Number(box.getAttribute("data-flash-seconds")) || 1) * 1000;
  var title = document.title;
  var offers = [];            // [{key, kind, label}] oldest first
  var notes = {};             // key -> Notification
  var ringTimer = null, flashTimer = null, flashOn = false;
  var handlers = {};

  function supported() { return "Notification" in window; }
  function granted() { return supported() && Notification.permission === "granted"; }

  function showPermission() {
    var words, canAsk = supported() && Notification.permission === "default";
    if (!supported()) { words = "Desktop notifications are not supported in this browser: offers show in a banner on this page."; }
    else if (Notification.permission === "granted") { words = "Desktop notifications are on."; }
    else if (Notification.permission === "denied") { words = "Desktop notifications are refused in this browser: offers show in a banner on this page."; }
    else { words = "Desktop notifications are off until you turn them on: offers show in a banner on this page."; }
    permission.textContent = words;
    ask.hidden = !canAsk;
  }

  // Asked once, from a click (browsers refuse a request that is not a person's own gesture).
  ask.addEventListener("click", function () {
    if (!supported()) { return; }
    Promise.resolve(Notification.requestPermission()).then(showPermission, showPermission);
  });

  function save(change) {
    fetch(box.getAttribute("data-src"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(change)
    });
  }
  sound.addEventListener("change", function () { save({ sound: sound.checked }); });
  volume.addEventListener("change", function () { ring.volume = Number(volume.value) / 100; save({ volume: ring.volume }); });

  function load() {
    fetch(box.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        sound.checked = p.sound;
        volume.value = String(Math.round(p.volume * 100));
        ring.volume = p.volume;
      });
  }

  function play() {
    if (!sound.checked || !offers.length) { return; }
    ring.currentTime = 0;
    ring.volume = Number(volume.value) / 100;
    // A browser may refuse sound before the first click on the page: the banner and title remain.
    var played = ring.play();
    ring.setAttribute("data-state", "playing");
    if (played && played.catch) { played.catch(function () { ring.setAttribute("data-state", "refused"); }); }
  }

  function words(o) { return "New " + o.kind + " — " + o.label; }

  function flash() {
    flashOn = !flashOn;
    document.title = flashOn && offers.length ? "● " + words(offers[0]) : title;
  }

  function update() {
    if (offers.length) {
      bannerText.textContent = "● " + words(offers[0]) + (offers.length > 1 ? " (and " + (offers.length - 1) + " more)" : "");
      banner.hidden = granted();
      if (!flashTimer) { flashOn = false; flash(); flashTimer = setInterval(flash, flashMs); }
      if (!ringTimer) { play(); ringTimer = setInterval(play, RING_EVERY_MS); }
    } else {
      banner.hidden = true;
      clearInterval(flashTimer); clearInterval(ringTimer); flashTimer = ringTimer = null;
      document.title = title;
      ring.pause();
      ring.setAttribute("data-state", "stopped");
    }
  }

  function notify(o) {
    if (!granted()) { return; }
    try {
      var n = new Notification(words(o), { body: "Accept: Alt+A. Decline: Alt+N.", tag: o.key });
      n.onclick = function () { window.focus(); n.close(); };
      notes[o.key] = n;
    } catch (e) { banner.hidden = false; }  // some browsers allow notifications only from a worker
  }

  // The page's offers now, oldest first: new ones alert, gone ones (taken, withdrawn) stop.
  function sync(list) {
    var now = {};
    list.forEach(function (o) { now[o.key] = true; });
    Object.keys(notes).forEach(function (k) { if (!now[k]) { notes[k].close(); delete notes[k]; } });
    var before = {};
    offers.forEach(function (o) { before[o.key] = true; });
    offers = list.slice();
    list.forEach(function (o) { if (!before[o.key]) { notify(o); } });
    update();
  }

  // Alt+A / Alt+N: plain Alt with a letter that no browser menu or screen reader takes (Alt+D
  // is the address bar; Ctrl+Alt is AltGr, which types letters such as ą). The key's position
  // (event.code) is read, so a Mac's Option+A, which types å, works too.
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !offers.length) { return; }
    var what = e.code === "KeyA" ? "accept" : e.code === "KeyN" ? "decline" : null;
    if (!what || !handlers[what]) { return; }
    e.preventDefault();
    handlers[what](offers[0].key);
  });

  window.ConsoleAlerts = {
    sync: sync,
    on: function (what, fn) { handlers[what] = fn; }
  };
  showPermission();
  load();
}());
