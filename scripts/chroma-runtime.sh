#!/usr/bin/env bash
# Makes the local Chroma server runnable and prints the loader to start it with.
#
# `chroma run` (the Rust server in chromadb-js-bindings-linux-x64-gnu) needs glibc >= 2.39. Where
# the system C library is older (Debian 12 has 2.36), this fetches Debian 13's libc6, libstdc++6
# and libgcc-s1 with a private apt configuration (nothing on the system changes), unpacks them into
# a cache folder and prints the dynamic loader that runs Node against them (RECIPES: Chroma
# server). Where the system glibc is new enough it prints nothing: Node runs the server as is.
#
# Idempotent and quick once cached. Output (stdout): the loader's path, or nothing.
set -euo pipefail

cache="${OPERATOR_CACHE:-$HOME/.cache/operator}/chroma-glibc"
libs="$cache/root/usr/lib/x86_64-linux-gnu"
loader="$libs/ld-linux-x86-64.so.2"

glibc_minor=$(getconf GNU_LIBC_VERSION 2>/dev/null | sed -n 's/^glibc 2\.\([0-9]*\).*/\1/p')
if [ "$(uname -s)" != "Linux" ] || [ -z "$glibc_minor" ] || [ "$glibc_minor" -ge 39 ]; then
  exit 0
fi
if [ "$(uname -m)" != "x86_64" ]; then
  echo "chroma-runtime: only x86_64 Linux needs and gets the Debian 13 C runtime; set CHROMA_URL to a Chroma server instead" >&2
  exit 1
fi

if [ ! -x "$loader" ] || [ ! -f "$cache/root/.complete" ]; then
  echo "chroma-runtime: fetching Debian 13's C runtime into $cache (once)" >&2
  apt_state="$cache/apt"
  rm -rf "$cache/root" "$apt_state/debs"
  mkdir -p "$apt_state/lists/partial" "$apt_state/sources" "$apt_state/debs" "$cache/root"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    >"$apt_state/sources/trixie.sources"
  apt_options=(-o "Dir::State::Lists=$apt_state/lists" -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_state/sources"
    -o "Dir::Cache=$apt_state/cache" -o Debug::NoLocking=1 -o "APT::Sandbox::User=$(id -un)")
  mkdir -p "$apt_state/cache/archives/partial"
  apt-get "${apt_options[@]}" -qq update >&2
  (cd "$apt_state/debs" && apt-get "${apt_options[@]}" -qq download libc6 libstdc++6 libgcc-s1 >&2)
  for deb in "$apt_state/debs"/*.deb; do dpkg -x "$deb" "$cache/root"; done
  rm -rf "$apt_state/debs" "$apt_state/lists"
  touch "$cache/root/.complete"
fi
echo "$loader"
