#!/usr/bin/env bash
# Installs the Debian packages c8s builds and tests with. Idempotent and fast when everything is
# already there: it only calls apt when a package is missing. Run as root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# Packages from bookworm proper.
base_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  libssl-dev openssl
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  nlohmann-json3-dev libcpp-httplib-dev libyaml-cpp-dev libcli11-dev
  libelf-dev zlib1g-dev
  clang-19 libfuzzer-19-dev libclang-rt-19-dev llvm-19
  iproute2 tcpdump runc busybox-static
  golang-go golang-github-containerd-ttrpc-dev
)
# Packages we need newer than bookworm has: TCX links and current BPF enums, Catch2 v3.
backport_pkgs=(libbpf-dev bpftool linux-libc-dev catch2)

if [ "${1:-}" = "--list" ]; then printf '%s\n' "${base_pkgs[@]}" "${backport_pkgs[@]}"; exit 0; fi

missing=()
for p in "${base_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
need_backports=()
for p in "${backport_pkgs[@]}"; do
  v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
  case "$v" in *bpo12*) ;; *) need_backports+=("$p") ;; esac
done
[ ${#missing[@]} -eq 0 ] && [ ${#need_backports[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing packages (${missing[*]} ${need_backports[*]}); run as root" >&2
  exit 1
fi
src=/etc/apt/sources.list.d/c8s-backports.sources
if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat >"$src" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]} ${need_backports[*]}"
apt-get update -qq
[ ${#missing[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ ${#need_backports[@]} -eq 0 ] ||
  apt-get install -y -qq --no-install-recommends -t bookworm-backports "${need_backports[@]}" >/dev/null
echo "install-deps: done"
