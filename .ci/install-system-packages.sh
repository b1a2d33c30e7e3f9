#!/usr/bin/env bash
# Installs the Debian packages bvscape's tests need on a fresh Debian 12 machine:
#  - Mesa 25 lavapipe (software Vulkan) from bookworm-backports, so Dawn finds a WebGPU adapter
#    without a GPU (Debian 12's own Mesa 22 lavapipe is rejected by Dawn);
#  - Debian's chromium, for the browser-preview tests (skip with BVSCAPE_SKIP_CHROMIUM=1).
# The backports suite is derived from the machine's own apt sources: no host name lives in this repo.
set -euo pipefail

need_install=0
[ -f /usr/share/vulkan/icd.d/lvp_icd.json ] || need_install=1
[ "${BVSCAPE_SKIP_CHROMIUM:-0}" = 1 ] || [ -x /usr/bin/chromium ] || need_install=1
[ "$need_install" = 1 ] || { echo "system packages already present"; exit 0; }

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

bp=/etc/apt/sources.list.d/bvscape-backports.sources
if [ ! -f "$bp" ]; then
  src=/etc/apt/sources.list.d/debian.sources
  if [ -f "$src" ]; then
    # Copy the deb822 stanza whose Suites line names bookworm, retargeted at bookworm-backports.
    awk 'BEGIN{RS="";ORS="\n\n"} /Suites:[^\n]*bookworm([ \n]|$)/ && !/security/ {print; exit}' "$src" \
      | sed -E 's/^Suites:.*/Suites: bookworm-backports/' | $SUDO tee "$bp" >/dev/null
  elif [ -f /etc/apt/sources.list ]; then
    # One-line format: reuse the first main bookworm line's URI.
    line=$(grep -E '^deb [^ ]+ bookworm main' /etc/apt/sources.list | head -n1)
    echo "${line/ bookworm / bookworm-backports }" | $SUDO tee /etc/apt/sources.list.d/bvscape-backports.list >/dev/null
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
if [ "${BVSCAPE_SKIP_CHROMIUM:-0}" != 1 ]; then
  $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "installed: lavapipe $(ls /usr/share/vulkan/icd.d/ 2>/dev/null | tr '\n' ' ')"
