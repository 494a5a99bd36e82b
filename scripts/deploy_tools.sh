#!/usr/bin/env bash
# Tools the deployment and several-instance tests need: kubectl if present (renders Kustomize),
# a compose (checks docker/compose.yml offline, no daemon needed) and HAProxy (a local load
# balancer in front of two app processes). Each is installed from Debian when missing and we are
# root; otherwise the tests that need it say which one is missing.
source "$(dirname "$0")/common.sh"

need=()
# kubectl is not installed from Debian: its 1.20 embeds Kustomize 2, too old for the manifests
# (the tests then validate the base files one by one instead of the rendered overlay).
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || need+=(docker-compose)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "Installing ${need[*]} with apt"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    say "Not root: install ${need[*]} for the deployment tests"
  fi
fi
# The Debian package starts a system HAProxy on port 80; the tests run their own.
if command -v systemctl >/dev/null && systemctl is-active -q haproxy 2>/dev/null; then
  systemctl stop haproxy || true
fi
