# Sourced by the scripts: the Go toolchain pinned in go.mod (1.27.x) is newer
# than the machine's Go 1.26, whose go.env says GOTOOLCHAIN=local. "auto"
# lets the go command fetch exactly the pinned toolchain from the module proxy
# (once; it is cached in the module cache after that).
export GOTOOLCHAIN=auto
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
if ! command -v go >/dev/null 2>&1; then
	[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
fi
