#!/usr/bin/env bash
# Builds the portable archive dist/rolehop-linux-x86_64.tar.gz:
#   rolehop/bin/rolehop                 release build, --static-swift-stdlib, stripped, RUNPATH $ORIGIN/../lib
#   rolehop/lib/*.so*                   libcurl, ncursesw, tinfo and their dependencies (not glibc),
#                                       each with RUNPATH $ORIGIN so transitive dependencies resolve there too
#   rolehop/share/terminfo/             a small terminfo set (the binary points TERMINFO_DIRS here when unset)
#   rolehop/share/ca-certificates.crt   used when AWS_CA_BUNDLE is unset and the image has no CA bundle
# The pod must provide glibc (libc, libm, libresolv, ld-linux): distroless/base and cc do; static/scratch
# and musl images (Alpine) do not; use the ephemeral-container recipe of docs/pod.md there.
#
# Usage: scripts/dist.sh [--no-build] [--test]
#   --no-build  package the existing .build/release/rolehop
#   --test      afterwards run the chroot test (Tests/rolehopTests/DistArchiveTests.swift) against the archive
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
test=0
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        --test) test=1 ;;
        *) echo "usage: scripts/dist.sh [--no-build] [--test]" >&2; exit 2 ;;
    esac
done

if ! command -v patchelf >/dev/null; then
    echo "dist: installing patchelf" >&2
    apt-get install -y -qq patchelf >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq patchelf; }
fi

if [ "$build" = 1 ]; then
    nice swift build -c release --static-swift-stdlib --product rolehop
fi
bin=.build/release/rolehop
[ -x "$bin" ] || { echo "dist: $bin missing (run without --no-build)" >&2; exit 1; }

stage=dist/stage
rm -rf "$stage"
mkdir -p "$stage/rolehop/bin" "$stage/rolehop/lib" "$stage/rolehop/share/terminfo"
cp "$bin" "$stage/rolehop/bin/rolehop"
strip "$stage/rolehop/bin/rolehop"
patchelf --set-rpath '$ORIGIN/../lib' "$stage/rolehop/bin/rolehop"

# Shared libraries, except glibc's own (they must match the pod's ld-linux and are in every glibc image).
is_glibc() {
    case "$1" in
        linux-vdso.so*|ld-linux*|libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|libresolv.so*|libutil.so*|libanl.so*|libmvec.so*) return 0 ;;
        *) return 1 ;;
    esac
}
# libcurl is not in the binary's DT_NEEDED (it is dlopen()ed at the first HTTP exchange, Sources/CCurlLoader):
# take libcurl.so.4 and its closure explicitly. glibc's dlopen searches the calling object's RUNPATH, so the
# binary's $ORIGIN/../lib finds the bundled copy first.
# (awk reads to the end rather than exiting at the first match: under pipefail, ldconfig killed by SIGPIPE
# would fail the script.)
libcurl=$(/sbin/ldconfig -p | awk '$1 == "libcurl.so.4" && /x86-64/ && !found { print $NF; found = 1 }')
[ -n "$libcurl" ] || { echo "dist: libcurl.so.4 not found (apt-get install libcurl4)" >&2; exit 1; }
{ echo "libcurl.so.4 $libcurl"; ldd "$bin" "$libcurl" | awk '/=> \// { print $1, $3 }'; } | sort -u | while read -r name path; do
    if is_glibc "$name"; then continue; fi
    [ -e "$stage/rolehop/lib/$name" ] && continue
    cp -L "$path" "$stage/rolehop/lib/$name"
    chmod 0644 "$stage/rolehop/lib/$name"
    patchelf --set-rpath '$ORIGIN' "$stage/rolehop/lib/$name"
done

# libcrypto.so.3 is opened with dlopen on first use (Sources/CLibCrypto), so ldd of the binary need not list it;
# the binary's RUNPATH finds this copy.
if [ ! -f "$stage/rolehop/lib/libcrypto.so.3" ]; then
    crypto=$(/sbin/ldconfig -p | awk '/libcrypto\.so\.3 .*x86-64/ && !found { print $NF; found = 1 }')
    [ -n "$crypto" ] || { echo "dist: libcrypto.so.3 not found (apt-get install libssl3)" >&2; exit 1; }
    cp -L "$crypto" "$stage/rolehop/lib/libcrypto.so.3"
    chmod 0644 "$stage/rolehop/lib/libcrypto.so.3"
    patchelf --set-rpath '$ORIGIN' "$stage/rolehop/lib/libcrypto.so.3"
fi

# Terminfo entries, in ncurses' letter directories (x/xterm).
for t in xterm xterm-256color screen screen-256color tmux tmux-256color vt100 linux dumb; do
    found=""
    for d in /usr/share/terminfo /lib/terminfo /etc/terminfo; do
        f="$d/${t:0:1}/$t"
        if [ -f "$f" ]; then found="$f"; break; fi
    done
    if [ -z "$found" ]; then echo "dist: terminfo entry $t not found (apt-get install ncurses-term)" >&2; exit 1; fi
    mkdir -p "$stage/rolehop/share/terminfo/${t:0:1}"
    cp -L "$found" "$stage/rolehop/share/terminfo/${t:0:1}/$t"
done

ca=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca" ] || { echo "dist: $ca missing (apt-get install ca-certificates)" >&2; exit 1; }
cp -L "$ca" "$stage/rolehop/share/ca-certificates.crt"

# The highest glibc symbol version anything in the archive needs: the oldest glibc a pod may have.
need=$( (objdump -T "$stage/rolehop/bin/rolehop"; for l in "$stage"/rolehop/lib/*; do objdump -T "$l"; done) 2>/dev/null \
        | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -1)
# Packed relative relocations (lld -z pack-relative-relocs, see Package.swift) name no symbol version of their
# own but GLIBC_ABI_DT_RELR, which glibc has since 2.36.
if readelf -V "$stage/rolehop/bin/rolehop" | grep -q GLIBC_ABI_DT_RELR; then
    need=$(printf '%s\nGLIBC_2.36\n' "$need" | sort -uV | tail -1)
fi

out=dist/rolehop-linux-x86_64.tar.gz
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$out" rolehop
size=$(stat -c %s "$out")
echo "dist: $out $size bytes ($(( (size + 524288) / 1048576 )) MiB); needs glibc >= ${need#GLIBC_}"
echo "dist: unpacked $(du -sh "$stage/rolehop" | cut -f1): bin $(du -sh "$stage/rolehop/bin" | cut -f1), lib $(du -sh "$stage/rolehop/lib" | cut -f1)"

if [ "$test" = 1 ]; then
    ROLEHOP_DIST_TEST=1 swift test --filter DistArchiveTests
fi
