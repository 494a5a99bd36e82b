// The production phone: Twilio's Voice JavaScript SDK (twilio.min.js, served by this app from the
// cache scripts/voice_sdk.sh fills; never a CDN). It registers as the adviser's client: identity
// with a short-lived token from /console/api/phone/token, fetches a new one before it expires,
// and hands incoming calls to phone.js. Every SDK error is shown with its own message and code.
// The SDK's sounds are Twilio-hosted files: they are pointed at a silent file of ours, since the
// desk already rings for an offered call (alerts.js) and the page loads nothing from elsewhere.
(function () {
  "use strict";
  window.DeskPhoneAdapters = window.DeskPhoneAdapters || {};
  var SOUNDS = ["incoming", "outgoing", "disconnect", "dtmf0", "dtmf1", "dtmf2", "dtmf3", "dtmf4",
                "dtmf5", "dtmf6", "dtmf7", "dtmf8", "dtmf9", "dtmfs", "dtmfh"];
  // Without a word from Twilio's signalling in this long, the phone says it is not connected.
  var REGISTER_WITHIN_MS = 15000;

  function reason(error) {
    if (!error) { return "unknown error"; }
    // The SDK's TwilioError message already reads "ConnectionError (31005): …".
    if (error.code && String(error.message || "").indexOf("(" + error.code + ")") >= 0) { return error.message; }
    var name = error.name && error.name !== "Error" ? error.name + " " : "";
    return name + (error.code ? "(" + error.code + "): " : "") + (error.message || String(error));
  }

  window.DeskPhoneAdapters.sdk = function (options, events) {
    if (!options.sdkPresent || !window.Twilio || !window.Twilio.Device) {
      events.error(options.words.no_software);
      return;
    }
    function token() {
      return fetch(options.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (data) {
            if (!r.ok || !data.token) { throw new Error(options.words.no_token + " (" + (data.error || r.status) + ")"); }
            return data.token;
          });
        });
    }
    var sounds = {};
    SOUNDS.forEach(function (name) { sounds[name] = options.silence; });
    var registered = false;

    token().then(function (jwt) {
      var device = new window.Twilio.Device(jwt, { sounds: sounds, closeProtection: true, logLevel: "error" });
      var watchdog = setTimeout(function () {
        if (!registered) { events.error("no answer from Twilio's signalling within " + REGISTER_WITHIN_MS / 1000 + " s"); }
      }, REGISTER_WITHIN_MS);
      device.on("registered", function () { registered = true; clearTimeout(watchdog); events.ready(); devices(device); });
      device.on("unregistered", function () { if (registered) { registered = false; events.error("unregistered"); } });
      device.on("error", function (error) { clearTimeout(watchdog); events.error(reason(error)); });
      device.on("tokenWillExpire", function () {
        token().then(function (t) { device.updateToken(t); }, function (e) { events.error(reason(e)); });
      });
      device.on("incoming", function (c) {
        var wrapped = {
          id: c.parameters && c.parameters.CallSid, from: c.parameters && c.parameters.From,
          accept: function () { c.accept(); },
          reject: function () { c.reject(); },
          hangup: function () { c.disconnect(); },
          mute: function (on) { c.mute(on); },
          digits: function (d) { c.sendDigits(d); }
        };
        ["cancel", "disconnect", "reject"].forEach(function (name) {
          c.on(name, function () { events.ended(wrapped); });
        });
        c.on("error", function (error) { events.error(reason(error)); });
        events.incoming(wrapped);
      });
      Promise.resolve(device.register()).catch(function (error) { clearTimeout(watchdog); events.error(reason(error)); });
    }, function (error) { events.error(error.message); });

    // Microphone and speaker choice, when the browser allows it (speakers: Chromium only).
    function devices(device) {
      var audio = device.audio;
      if (!audio) { return; }
      var input = document.getElementById("phone-input");
      var output = document.getElementById("phone-output");
      function fill(select, map, chosen) {
        var ids = Array.from(map.keys());
        select.replaceChildren.apply(select, ids.map(function (id) {
          var o = document.createElement("option");
          o.value = id; o.textContent = map.get(id).label || (id === "default" ? "Default" : "Device " + id.slice(0, 6));
          return o;
        }));
        if (chosen && ids.indexOf(chosen) >= 0) { select.value = chosen; }
      }
      function refresh() {
        fill(input, audio.availableInputDevices, audio.inputDevice && audio.inputDevice.deviceId);
        fill(output, audio.availableOutputDevices, null);
        output.disabled = !audio.isOutputSelectionSupported;
      }
      input.addEventListener("change", function () {
        Promise.resolve(audio.setInputDevice(input.value)).catch(function (e) { events.error(reason(e)); });
      });
      output.addEventListener("change", function () {
        Promise.resolve(audio.speakerDevices.set(output.value)).catch(function (e) { events.error(reason(e)); });
      });
      if (audio.on) { audio.on("deviceChange", refresh); }
      refresh();
      events.devices();
    }
  };
}());
