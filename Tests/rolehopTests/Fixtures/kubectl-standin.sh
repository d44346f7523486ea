#!/bin/sh
# A stand-in for kubectl in the plugin tests. Logs its argv (one call per line, each argument in brackets) to
# $KUBECTL_LOG and plays the pod on this machine, as configured by $FAKE_POD:
#   full   the container has tar (kubectl cp works) and sh
#   notar  kubectl cp fails the way real kubectl does without tar; exec works
#   bare   no tar and no sh (distroless): cp fails, exec of sh fails with the runtime's error
{ printf 'kubectl'; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\n'; } >> "$KUBECTL_LOG"
cmd=$1; shift
case "$cmd" in
    cp)
        src="" dst=""
        while [ $# -gt 0 ]; do
            case "$1" in
                -n|-c) shift 2 ;;
                *) if [ -z "$src" ]; then src=$1; else dst=$1; fi; shift ;;
            esac
        done
        if [ "$FAKE_POD" != full ]; then
            echo 'error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "3f1c": OCI runtime exec failed: exec failed: unable to start container process: exec: "tar": executable file not found in $PATH: unknown' >&2
            exit 1
        fi
        cp -R "$src" "${dst#*:}" ;;
    exec)
        while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
        shift
        if [ "$FAKE_POD" = bare ]; then
            echo "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"9a2b\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"$1\": executable file not found in \$PATH: unknown" >&2
            exit 126
        fi
        exec "$@" ;;
    *) echo "stand-in kubectl: unexpected command $cmd" >&2; exit 1 ;;
esac
