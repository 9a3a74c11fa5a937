#!/usr/bin/env bash
# The system packages Essaim needs (Debian names), checked before `make demo`, `make test` and `.ci/run`.
#
#   scripts/system-packages.sh runtime   what the application needs: WeasyPrint's libraries and fonts (PDFs)
#   scripts/system-packages.sh test      runtime + chromium (browser tests), poppler's pdfinfo (tagged PDFs)
#                                        and the PostgreSQL client tools (pg_isready, pg_dump, pg_restore)
#   SYSTEM_PACKAGES_EXTRA="pkg …"         more Debian packages this machine must have (checked with dpkg)
#
# As root, whatever is missing is installed with apt-get (noninteractive, quiet). Otherwise the script stops
# at once, naming the missing packages and the one command that installs them. Each check looks for what is
# actually used (a file, a shared library, a command), so it also works where the packages came another way.
set -euo pipefail

profile="${1:-test}"
case "$profile" in
  runtime | test) ;;
  *) echo "usage: $0 [runtime|test]" >&2; exit 2 ;;
esac

has_library() { ldconfig -p 2>/dev/null | grep -q "[[:space:]]$1 "; }

missing_packages() {
  local need=()
  # `make install` creates the virtualenv with the standard library's venv, which needs ensurepip.
  "${PYTHON:-python3}" -c "import ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
  # WeasyPrint (badges, agendas, agreements, SPASER reports): pango, harfbuzz-subset, DejaVu fonts.
  has_library libpango-1.0.so.0 || need+=(libpango-1.0-0)
  has_library libpangoft2-1.0.so.0 || need+=(libpangoft2-1.0-0)
  has_library libharfbuzz-subset.so.0 || need+=(libharfbuzz-subset0)
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
  if [ "$profile" = test ]; then
    # Playwright drives Debian's chromium (it cannot download its own browser here).
    [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
    # poppler's pdfinfo: the tests check that every PDF Essaim produces is tagged ("Tagged: yes").
    command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
    # PostgreSQL client tools: pg_isready (make test-postgres), pg_dump and pg_restore (backups).
    for tool in pg_isready pg_dump pg_restore; do
      if ! command -v "$tool" >/dev/null 2>&1; then need+=(postgresql-client); break; fi
    done
  fi
  for package in ${SYSTEM_PACKAGES_EXTRA:-}; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || need+=("$package")
  done
  echo "${need[*]}"
}

missing="$(missing_packages)"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "Missing system packages: $missing" >&2
  echo "Install them (as root) with:" >&2
  echo "    apt-get update && apt-get install -y $missing" >&2
  exit 1
fi

echo "Installing system packages: $missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # the list is a space-separated list of package names
apt-get update -qq && apt-get install -y -qq $missing >/dev/null
still="$(missing_packages)"
if [ -n "$still" ]; then
  echo "Still missing after apt-get install: $still" >&2
  exit 1
fi
