#!/usr/bin/env bash
# Builds, with no image registry, the two base images docker/Dockerfile needs (`make docker-images`):
#   dsync-base-jdk:local   Debian bookworm (mmdebstrap or debootstrap, minbase) + a copy of the host JDK (>= 21) to build with
#   dsync-base-jre:local   Debian bookworm (mmdebstrap or debootstrap, minbase) + a jlink runtime of the modules dsync uses
# Point BUILD_IMAGE / RUNTIME_IMAGE (docker/.env or the environment) at them. Debian's packages come
# from the apt mirror this machine already uses; the root filesystem is cached in $DSYNC_DOCKER_CACHE.
# Images that exist are kept; FORCE=1 rebuilds them.
set -euo pipefail
cd "$(dirname "$0")/.."

JDK_IMAGE=${JDK_IMAGE:-dsync-base-jdk:local}
JRE_IMAGE=${JRE_IMAGE:-dsync-base-jre:local}
DEBIAN_IMAGE=dsync-debian:bookworm
CACHE=${DSYNC_DOCKER_CACHE:-/var/cache/dsync-docker}
MIRROR=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: \(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
# What the node and the Toxiproxy stand-in (with Testcontainers' classes on its classpath) need, by jdeps,
# plus jdk.crypto.ec for TLS and jdk.localedata, jdk.zipfs so that nothing is missed at run time only.
JRE_MODULES=java.base,java.compiler,java.security.jgss,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.desktop,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.zipfs,jdk.localedata

have() { docker image inspect "$1" >/dev/null 2>&1; }
log() { echo "docker-images: $*"; }

command -v docker >/dev/null || { echo "docker-images: no docker CLI" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "docker-images: no Docker engine answers (start dockerd first)" >&2; exit 1; }
JAVA_HOME=${JAVA_HOME:-$(.ci/find-jdk)}

if [ -n "${FORCE:-}" ] || ! have "$DEBIAN_IMAGE"; then
  rootfs_tar="$CACHE/bookworm-minbase.tar"
  if [ ! -f "$rootfs_tar" ] || [ ! -s "$rootfs_tar" ]; then
    rm -rf "$rootfs_tar" "$rootfs_tar.part"   # whatever an interrupted or older run left
    mkdir -p "$CACHE"
    if command -v mmdebstrap >/dev/null; then
      # mmdebstrap downloads with apt (in parallel) and writes the tarball itself: ~3x faster than debootstrap.
      log "mmdebstrap bookworm from $MIRROR (a minute or two, once; cached in $rootfs_tar)"
      mmdebstrap --variant=minbase --format=tar --quiet bookworm "$rootfs_tar.part" "$MIRROR" \
        && mv "$rootfs_tar.part" "$rootfs_tar" || { echo "docker-images: mmdebstrap failed" >&2; exit 1; }
    else
      command -v debootstrap >/dev/null \
        || { echo "docker-images: needs mmdebstrap or debootstrap (apt-get install mmdebstrap)" >&2; exit 1; }
      work=$(mktemp -d /var/tmp/dsync-rootfs.XXXXXX)
      log "debootstrap bookworm from $MIRROR (a few minutes, once; cached in $rootfs_tar)"
      debootstrap --variant=minbase bookworm "$work" "$MIRROR" >"$work.log" 2>&1 \
        || { tail -20 "$work.log" >&2; exit 1; }
      rm -rf "$work"/var/lib/apt/lists/* "$work"/var/cache/apt/archives/*.deb
      tar -C "$work" -cf "$rootfs_tar.part" . && mv "$rootfs_tar.part" "$rootfs_tar"
      rm -rf "$work" "$work.log"
    fi
  fi
  log "importing $DEBIAN_IMAGE"
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' "$rootfs_tar" "$DEBIAN_IMAGE" >/dev/null
fi

java_image() { # image, jlink --add-modules value or "all" for the whole JDK
  local image=$1 modules=$2 ctx
  if [ -z "${FORCE:-}" ] && have "$image"; then log "$image exists"; return; fi
  ctx=$(mktemp -d /var/tmp/dsync-java.XXXXXX)
  if [ "$modules" = all ]; then
    # The whole JDK, as is: a JDK without jmods (like Temurin 24+) cannot jlink the jdk.jlink module itself.
    log "copying the JDK at $JAVA_HOME -> $image"
    cp -a "$(readlink -f "$JAVA_HOME")" "$ctx/java"
  else
    log "jlink $modules from $JAVA_HOME -> $image"
    "$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$ctx/java" --strip-debug --no-man-pages --no-header-files
  fi
  # Debian's JDK packages link cacerts to /etc/ssl/certs/java, absent in the image: copy the file itself,
  # which holds the CAs the build stage needs to reach Maven Central.
  rm -f "$ctx/java/lib/security/cacerts"
  cp -L "$JAVA_HOME/lib/security/cacerts" "$ctx/java/lib/security/cacerts"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $DEBIAN_IMAGE
COPY java /opt/java
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DOCKERFILE
  docker build -q -t "$image" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
}

java_image "$JDK_IMAGE" all
java_image "$JRE_IMAGE" "$JRE_MODULES"
