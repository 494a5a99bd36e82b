#!/usr/bin/env bash
# Make sure Debian's Chromium is present for the browser tests, and axe-core (the accessibility
# audit the webchat tests inject) is in the cache. Nothing is downloaded at test run time: the
# tests read axe-core from $CACHE_DIR/axe-core-$AXE_VERSION/axe.min.js, put there by this script.
source "$(dirname "$0")/common.sh"
AXE_VERSION=4.10.3
if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || die "Chromium is missing: install Debian's chromium package, then run make test again"
  say "Installing Chromium from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
axe_dir="$CACHE_DIR/axe-core-$AXE_VERSION"
if [ ! -f "$axe_dir/axe.min.js" ]; then
  command -v npm >/dev/null || die "npm is missing: install Debian's npm package (needed once, for axe-core)"
  say "Installing axe-core $AXE_VERSION for the accessibility audit"
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null 2>&1 && tar -xzf axe-core-*.tgz) \
    || die "could not fetch axe-core $AXE_VERSION from npm"
  mkdir -p "$axe_dir"
  cp "$work/package/axe.min.js" "$work/package/LICENSE" "$axe_dir/"
  rm -rf "$work"
fi
