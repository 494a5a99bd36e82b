// The development phone (PHONE_ADAPTER=development; never in production): plays the Twilio
// emulator's client: device for this adviser through the app's relay (/console/api/phone/dev/,
// console/phone_relay.py), so the page's Content-Security-Policy stays 'self'. It polls the
// device's calls: a new ringing one is an incoming call, what the device heard is read out in the
// panel, and words typed are spoken into the call. Mute is kept here, as the SDK keeps it in the
// browser.
(function () {
  "use strict";
  window.DeskPhoneAdapters = window.DeskPhoneAdapters || {};
  var FAILING_POLL_MS = 5000;  // while the emulator is away, ask less often

  window.DeskPhoneAdapters.development = function (options, events) {
    var seen = {};      // call sid -> how many lines of what it heard were shown
    var current = null; // the adapter's call object for the call shown
    var failing = false;

    function request(method, path, body) {
      return fetch(options.callsUrl + path, {
        method: method, credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": options.csrf },
        body: body === undefined ? undefined : JSON.stringify(body)
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) { throw new Error((data && data.error) || ("the phone's request failed (" + r.status + ")")); }
          return data;
        });
      });
    }

    function wrap(leg) {
      var act = function (what, body) { return request("POST", "/" + leg.sid + "/" + what, body); };
      return {
        id: leg.sid, from: leg.from,
        accept: function () { return act("answer"); },
        reject: function () { return act("decline"); },
        hangup: function () { return act("hangup"); },
        mute: function () {},  // the page stops sending words; the emulator is not told (as the SDK)
        digits: function (d) { return act("press", { digits: d }); },
        say: function (text) { return act("say", { text: text }); }
      };
    }

    function poll() {
      request("GET", "").then(function (legs) {
        if (failing || !poll.started) { failing = false; poll.started = true; events.ready(); }
        var live = {};
        legs.forEach(function (leg) {
          live[leg.sid] = true;
          if (!(leg.sid in seen)) {
            seen[leg.sid] = 0;
            if (!current && (leg.status === "ringing" || leg.status === "queued")) {
              current = wrap(leg);
              events.incoming(current);
            }
          }
          if (current && current.id === leg.sid) {
            leg.heard.slice(seen[leg.sid]).forEach(events.heard);
            seen[leg.sid] = leg.heard.length;
          }
        });
        if (current && !live[current.id]) { var gone = current; current = null; events.ended(gone); }
      }, function (error) {
        failing = true;
        events.error(error.message);
      }).then(function () { setTimeout(poll, failing ? FAILING_POLL_MS : options.pollMs); });
    }
    poll();
  };
}());
