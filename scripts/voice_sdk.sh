#!/usr/bin/env bash
# Put Twilio's Voice JavaScript SDK (the adviser's browser phone) in the cache, keyed by the
# lock file's hash, so the app serves it from its own files (console/phone.py): no CDN at run
# time and nothing downloaded while the tests run. Prints the folder holding twilio.min.js.
source "$(dirname "$0")/common.sh"
lock="$REPO_ROOT/vendor/voice-sdk/package-lock.json"
sdk_dir="$CACHE_DIR/voice-sdk-$(hash_of "$lock")"
if [ ! -f "$sdk_dir/twilio.min.js" ]; then
  command -v npm >/dev/null || die "npm is missing: install Debian's npm package (needed once, for the Voice SDK)"
  say "Installing Twilio's Voice SDK (vendor/voice-sdk/package-lock.json) for the browser phone"
  work=$(mktemp -d)
  cp "$REPO_ROOT/vendor/voice-sdk/package.json" "$lock" "$work/"
  # npm ci installs exactly what the lock file says (integrity checked); no install scripts run.
  (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --silent >/dev/null 2>&1) \
    || { rm -rf "$work"; die "could not fetch the Voice SDK from npm"; }
  mkdir -p "$sdk_dir.part"
  cp "$work/node_modules/@twilio/voice-sdk/dist/twilio.min.js" \
     "$work/node_modules/@twilio/voice-sdk/LICENSE.md" "$sdk_dir.part/" 2>/dev/null \
    || cp "$work/node_modules/@twilio/voice-sdk/dist/twilio.min.js" "$sdk_dir.part/"
  rm -rf "$sdk_dir" && mv "$sdk_dir.part" "$sdk_dir"  # whole or absent, never half-copied
  rm -rf "$work"
fi
echo "$sdk_dir"
