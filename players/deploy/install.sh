#!/bin/sh
# Installs or upgrades the bcast player on Raspberry Pi OS (arm64, bookworm).
#   sudo sh install.sh [audio|display]        # from a checkout of the repository's players/ folder
# Upgrade: run it again from a newer checkout; the configuration and the data (playlist, media,
# queued events) are kept, and the service restarts on the new version.
set -eu
ROLE="${1:-audio}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"

apt-get update
apt-get install -y --no-install-recommends nodejs npm ca-certificates systemd-timesyncd
# alsa-utils: arecord, for a monitor input (acoustic proof of airing; README "Monitor input")
if [ "$ROLE" = "audio" ]; then apt-get install -y --no-install-recommends mpv alsa-utils; fi
if [ "$ROLE" = "display" ]; then apt-get install -y --no-install-recommends chromium fonts-dejavu-core; fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || {
  echo "Node.js 20 or later is required (Raspberry Pi OS bookworm: use NodeSource's nodejs 20)"; exit 1; }
# the player plays by the device clock: keep it synchronised
timedatectl set-ntp true || true

id bcast >/dev/null 2>&1 || useradd --system --home /var/lib/bcast-player --groups audio,video bcast
mkdir -p /opt/bcast-player /etc/bcast-player
cp -r "$HERE/package.json" "$HERE/tsconfig.json" "$HERE/src" /opt/bcast-player/
cd /opt/bcast-player
npm install --no-audit --no-fund --include=dev typescript@5 @types/node@20 >/dev/null
npx tsc -p tsconfig.json --types node
npm prune --omit=dev >/dev/null
if [ ! -f /etc/bcast-player/config.json ]; then
  cp "$HERE/deploy/config.example.json" /etc/bcast-player/config.json
  sed -i "s/\"output\": \"audio\"/\"output\": \"$ROLE\"/" /etc/bcast-player/config.json
  echo "Edit /etc/bcast-player/config.json (serverUrl, brokerUrl, deviceId, token), then: systemctl restart bcast-player"
fi
chown root:bcast /etc/bcast-player/config.json && chmod 640 /etc/bcast-player/config.json
cp "$HERE/deploy/bcast-player.service" /etc/systemd/system/
if [ "$ROLE" = "display" ]; then cp "$HERE/deploy/bcast-board-kiosk.service" /etc/systemd/system/; fi
systemctl daemon-reload
systemctl enable bcast-player
if [ "$ROLE" = "display" ]; then systemctl enable bcast-board-kiosk; fi
systemctl restart bcast-player
echo "bcast player installed; logs: journalctl -u bcast-player -f"
