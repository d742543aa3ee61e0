# Shared by the test scripts: install Debian packages only when asked, never interactively.
# Usage: source scripts/lib/apt.sh; apt_install PACKAGE...
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
APT_UPDATED=""
apt_install() {
  [ -n "$APT_UPDATED" ] || { $SUDO apt-get update -qq; APT_UPDATED=1; }
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null; then
    echo "apt-get could not install: $*" >&2
    return 1
  fi
}
