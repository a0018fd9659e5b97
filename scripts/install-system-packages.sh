#!/bin/sh
# Install the system programs the test suite drives for real:
#   ffmpeg / ffprobe        -- read files over HTTP with Range requests
#   chromium, chromedriver  -- a real browser talking WebSocket to our server
#   curl                    -- a real HTTP client
#   Xvfb                    -- a virtual X server for the desktop UI's windows
#   swaks                   -- a real SMTP client sending mail through Grey
#                              (with Net::SSLeay for STARTTLS, only recommended
#                              by Debian's swaks package)
#   postgresql              -- a real PostgreSQL server for Grey's shared store
#                              (the tests start their own, on a unix socket)
#
# Usage: sh scripts/install-system-packages.sh
#
# On Debian and Ubuntu this uses apt-get (through sudo when not root). It does
# nothing when every program is already there. Elsewhere it says what is
# missing and stops, so the tests are never run without them.
set -eu

PROGRAMS="ffmpeg ffprobe chromium chromedriver curl Xvfb swaks"
PACKAGES="ffmpeg chromium chromium-driver curl xvfb swaks libnet-ssleay-perl postgresql"

missing=""
for program in $PROGRAMS; do
    command -v "$program" >/dev/null 2>&1 || missing="$missing $program"
done
# Debian keeps PostgreSQL's server programs off PATH, under its version.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing="$missing initdb"
fi
if ! perl -MNet::SSLeay -e 1 >/dev/null 2>&1; then
    missing="$missing Net::SSLeay"
fi
if [ -z "$missing" ]; then
    echo "system packages: all present ($PROGRAMS initdb Net::SSLeay)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing:$missing" >&2
    echo "install them with your system's package manager (Debian names: $PACKAGES)" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "missing:$missing; run this script as root (or install sudo)" >&2
    exit 1
fi

echo "system packages: installing $PACKAGES (missing:$missing)"
$as_root apt-get update -qq
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES
