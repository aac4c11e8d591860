#!/usr/bin/env bash
# Runs a command (test files, a benchmark) and counts what it left behind: entries in its temp
# folder, cluster directories under /var/lib/boocode (where an embedded cluster goes when run as
# root from a home the postgres user cannot enter) and postgres processes still running. The
# command gets a fresh TMPDIR and, as root, a private mount namespace with an empty
# /var/lib/boocode, so other work on the machine does not blur the counts. Exits 1 when anything
# was left (and then removes it).
#   scripts/check-leftovers.sh npx vitest run packages/server/test/api.test.ts
#   scripts/check-leftovers.sh env TASKS=50 npm run bench -- dispatch
set -uo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
if [ "$(id -u)" = 0 ] && [ -z "${LEFTOVERS_NAMESPACE:-}" ]; then
  exec unshare --mount --propagation private env LEFTOVERS_NAMESPACE=1 "$0" "$@"
fi
# Short paths: unix sockets made in the temp folder have a 107-byte limit.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/bl-XXXXXX")
chmod 755 "$scratch"
mkdir -m 1777 "$scratch/t"
if [ -n "${LEFTOVERS_NAMESPACE:-}" ]; then
  mkdir -p /var/lib/boocode "$scratch/var"
  chmod 755 "$scratch/var"
  mount --bind "$scratch/var" /var/lib/boocode
fi
own_ns=$(readlink /proc/self/ns/mnt)

# Postmasters of this namespace whose data directory is in the scratch temp folder or under /var/lib/boocode.
postmasters() {
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/ns/mnt" 2>/dev/null)" = "$own_ns" ] || continue
    tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -qE "^\S*postgres -D ($scratch/t|/var/lib/boocode)/" && basename "$proc"
  done
}

start=$(date +%s)
TMPDIR="$scratch/t" "$@"
rc=$?
secs=$(($(date +%s) - start))
# tsx keeps one compile cache per user (tsx-<uid>) in the temp folder and reuses it: not a leftover.
temp_left=$(find "$scratch/t" -mindepth 1 -maxdepth 1 ! -name 'tsx-[0-9]*' | wc -l)
clusters_left=0
[ -n "${LEFTOVERS_NAMESPACE:-}" ] && clusters_left=$(find /var/lib/boocode -mindepth 1 -maxdepth 1 | wc -l)
pids=$(postmasters | tr '\n' ' ')
pm_left=$(wc -w <<<"$pids")
echo "leftovers after '$*' (exit $rc, ${secs}s): temp entries $temp_left, /var/lib/boocode clusters $clusters_left, postmasters $pm_left"
if [ "$temp_left" -gt 0 ]; then
  find "$scratch/t" -mindepth 1 -maxdepth 1 ! -name 'tsx-[0-9]*' -printf '  temp: %f\n' | sort | sed 's/[0-9A-Za-z]\{6\}$/XXXXXX/' | uniq -c | sort -rn | head -20
fi
if [ "$clusters_left" -gt 0 ]; then
  for d in /var/lib/boocode/*; do echo "  cluster: $(basename "$d") ($(find "$d" | wc -l) files)"; done
fi
for pid in $pids; do kill -QUIT "$pid" 2>/dev/null; done
for pid in $pids; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
[ -n "${LEFTOVERS_NAMESPACE:-}" ] && umount /var/lib/boocode
rm -rf "$scratch"
[ $((temp_left + clusters_left + pm_left)) -eq 0 ]
