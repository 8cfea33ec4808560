#!/usr/bin/env bash
# Local stand-ins for the images the Dockerfile and docker-compose.yml name, built from Debian's packages because no
# image registry is reachable here (only Debian, NuGet and npm). Needs a Docker engine (DOCKER_HOST; scripts/docker-engine.sh).
#
#   localhost/signalengine-debian:bookworm      debootstrap --variant=minbase from this machine's Debian mirror
#   localhost/signalengine-dotnet-deps:bookworm + CA certificates, ICU, OpenSSL, zlib, tzdata, trixie's libstdc++6
#   localhost/dotnet-sdk:10.0                   + this machine's .NET SDK and CA bundle  (for mcr.microsoft.com/dotnet/sdk:10.0)
#   localhost/dotnet-aspnet:10.0                + its runtimes, user app (uid 1654)      (for mcr.microsoft.com/dotnet/aspnet:10.0)
#   localhost/postgres:15, localhost/nginx:1.27, localhost/prometheus:2   Debian's packages, the official images' contract
#
# An image is rebuilt only when its recipe (the files in deploy/standins, the SDK version, the mirror) changes: each
# carries the hash of its recipe as a label. Prints one line per image to stderr; exits non-zero naming the one that failed.
set -uo pipefail
cd "$(dirname "$0")/.."
standins=deploy/standins
say() { echo "standin-images: $*" >&2; }
die() { say "$*"; exit 1; }

# The mirror this machine already uses for Debian (as scripts/setup.sh finds it), so no host name lives in the repository.
mirror=$(
  { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'; true; } \
  | grep -E '/debian/?$' | head -n 1
)
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt sources"
sdk_base=$(dotnet --info 2>/dev/null | sed -n 's/^ *Base Path: *//p' | head -n 1)
dotnet_root=$(cd "${sdk_base:-/nonexistent}/../.." 2>/dev/null && pwd) || die "the .NET SDK's folder was not found (dotnet --info)"
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca_bundle" ] || die "no CA bundle at $ca_bundle (Debian's ca-certificates)"

recipe_hash() { # files... -> a short hash of their contents, the mirror and the SDK version
  { cat "$@"; echo "$mirror"; dotnet --version; } | sha256sum | cut -c1-16
}
is_current() { # image hash
  [ "$(docker image inspect --format '{{ index .Config.Labels "signalengine.recipe" }}' "$1" 2>/dev/null)" = "$2" ]
}
build() { # image hash context dockerfile [build args...]
  local image=$1 hash=$2 context=$3 file=$4 started=$SECONDS; shift 4
  if is_current "$image" "$hash"; then say "$image is current"; return 0; fi
  DOCKER_BUILDKIT=1 docker build -q --network host --label "signalengine.recipe=$hash" -t "$image" -f "$file" "$@" "$context" \
    >"$work/build.log" 2>&1 || die "$image: docker build failed: $(tail -n 5 "$work/build.log" | tr '\n' ' ')"
  say "$image built in $((SECONDS - started)) s"
}

work=$(mktemp -d /var/tmp/signalengine-standins.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. A minimal Debian 12 root file system, imported as an image.
hash=$(echo "debootstrap --variant=minbase bookworm, apt caches emptied (1)" | recipe_hash -)
if ! is_current localhost/signalengine-debian:bookworm "$hash"; then
  started=$SECONDS
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || die "debootstrap failed: $(tail -n 3 "$work/debootstrap.log" | tr '\n' ' ')"
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | docker import --change "LABEL signalengine.recipe=$hash" --change 'CMD ["bash"]' - localhost/signalengine-debian:bookworm >/dev/null \
    || die "docker import of the debootstrap root failed"
  rm -rf "$work/rootfs"
  say "localhost/signalengine-debian:bookworm built in $((SECONDS - started)) s"
else
  say "localhost/signalengine-debian:bookworm is current"
fi
base_hash=$hash

# 2. The .NET dependencies, then the SDK and ASP.NET stand-ins from this machine's .NET folder (hard links: no copy).
mkdir -p "$work/dotnet-context"
cp -al "$dotnet_root" "$work/dotnet-context/dotnet" 2>/dev/null || cp -a "$dotnet_root" "$work/dotnet-context/dotnet" \
  || die "cannot copy $dotnet_root into the build context"
cp "$ca_bundle" "$work/dotnet-context/ca-certificates.crt"
hash=$(recipe_hash $standins/dotnet-deps.Dockerfile)
build localhost/signalengine-dotnet-deps:bookworm "$hash-$base_hash" $standins $standins/dotnet-deps.Dockerfile --build-arg "MIRROR=$mirror"
deps_hash=$hash-$base_hash
build localhost/dotnet-sdk:10.0 "$(recipe_hash $standins/sdk.Dockerfile "$ca_bundle")-$deps_hash" "$work/dotnet-context" $standins/sdk.Dockerfile \
  --build-arg "NUGET_CERT_REVOCATION_MODE=${NUGET_CERT_REVOCATION_MODE:-online}"
build localhost/dotnet-aspnet:10.0 "$(recipe_hash $standins/aspnet.Dockerfile)-$deps_hash" "$work/dotnet-context" $standins/aspnet.Dockerfile

# 3. PostgreSQL, nginx and Prometheus: one apt layer, three targets.
hash=$(recipe_hash $standins/services.Dockerfile $standins/postgres-entrypoint.sh)-$base_hash
build localhost/postgres:15 "$hash" $standins $standins/services.Dockerfile --target postgres
build localhost/nginx:1.27 "$hash" $standins $standins/services.Dockerfile --target nginx
build localhost/prometheus:2 "$hash" $standins $standins/services.Dockerfile --target prometheus
exit 0
