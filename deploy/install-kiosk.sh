#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Installs the time-bank kiosk on Raspberry Pi OS (bookworm, 64-bit): Debian packages, the
# `kiosk` user, a venv in /opt/timebank-kiosk, config in /etc/timebank-kiosk, data in
# /var/lib/timebank-kiosk, systemd units, udev rules, journald and clock settings.
# Safe to run again (an upgrade): edited config files are kept. See docs/technician-guide.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: sudo deploy/install-kiosk.sh [options]

  --wheel FILE      install this timebank_kiosk wheel instead of the repository checkout
  --wheelhouse DIR  take every package from this folder of wheels (no internet needed)
  --no-deps         install the kiosk package only, not its dependencies (scratch installs)
  --key-file FILE   the kiosk's ledger key (from `timebank-ledger kiosk add`); stored 0600
  --python PY       the Python to build the venv with (default: python3)
  --no-start        enable the service but do not start it now
  --root DIR        install into DIR as if it were /; skips apt, users and systemctl (tests)
  -h, --help        this text
EOF
}

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=install-common.sh
. "$REPO/deploy/install-common.sh"

KEY_FILE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --key-file) KEY_FILE=${2:?--key-file needs a file}; shift 2 ;;
        *) common_option "$@"; shift "$TAKEN" ;;
    esac
done
check_common_options
[ -z "$KEY_FILE" ] || [ -s "$KEY_FILE" ] || die "--key-file $KEY_FILE: missing or empty"

USER_NAME=kiosk
GROUPS_WANTED="video render input gpio dialout"
PREFIX=$ROOT/opt/timebank-kiosk
ETC=$ROOT/etc/timebank-kiosk
DATA=$ROOT/var/lib/timebank-kiosk

# --- Debian packages ----------------------------------------------------------------------
# Kivy's SDL2 window on KMS/DRM with Mesa's GL (no X server), libmtdev for multi-touch, CJK
# fonts for the Chinese screens (Noto Sans CJK has a real bold face), espeak-ng to render the
# elder mode's spoken Mandarin prompts, timesyncd for a correct clock.
PACKAGES="python3 python3-venv libgl1 libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri libgbm1
  libdrm2 libmtdev1 fontconfig fonts-noto-cjk fonts-wqy-microhei espeak-ng systemd-timesyncd udev"
if [ -z "$ROOT" ]; then
    say "installing Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086  # a word list on purpose
    apt-get install -y -qq --no-install-recommends $PACKAGES
fi

# --- the kiosk user -----------------------------------------------------------------------
if [ -z "$ROOT" ]; then
    ensure_system_user "$USER_NAME" /var/lib/timebank-kiosk
    for group in $GROUPS_WANTED; do
        if getent group "$group" >/dev/null; then
            usermod -a -G "$group" "$USER_NAME"
        else
            say "no group '$group' on this system (not a Raspberry Pi OS image?); skipped"
        fi
    done
fi

# --- folders, venv, package ---------------------------------------------------------------
make_dir 0755 root:root "$PREFIX"
make_dir 0750 "root:$USER_NAME" "$ETC"
make_dir 0700 "$USER_NAME:$USER_NAME" "$DATA"
install_venv "$PREFIX/venv" "$REPO" ""
install_file 0644 root:root "$REPO/docs/technician-guide.md" "$PREFIX/share/technician-guide.md"
# Elder mode's spoken prompts, rendered here rather than shipped ([kiosk] voice_dir).
if command -v espeak-ng >/dev/null; then
    "$PREFIX/venv/bin/kiosk" voice render --out "$PREFIX/voice" \
        || say "the voice prompts could not be rendered: elder mode will not speak them"
else
    say "espeak-ng is not installed: elder mode will show its prompts without speaking them"
fi

# --- configuration (an edited file is never overwritten) ------------------------------------
install_config 0640 "root:$USER_NAME" "$REPO/deploy/kiosk.example.toml" "$ETC/kiosk.toml"
# Kivy reads KIVY_HOME, which lies on the read-only /etc under the unit's ProtectSystem=strict:
# everything Kivy would otherwise create there at its first start must exist already.
make_dir 0750 "root:$USER_NAME" "$ETC/kivy"
make_dir 0750 "root:$USER_NAME" "$ETC/kivy/mods"
make_dir 0750 "root:$USER_NAME" "$ETC/kivy/icon"
if [ -f "$REPO/deploy/kivy/config.ini" ]; then
    install_config 0640 "root:$USER_NAME" "$REPO/deploy/kivy/config.ini" "$ETC/kivy/config.ini"
else
    say "WARNING: $REPO/deploy/kivy/config.ini is missing; Kivy will use its own defaults"
fi
if [ -n "$KEY_FILE" ]; then
    install_file 0600 "$USER_NAME:$USER_NAME" "$KEY_FILE" "$ETC/kiosk.key"
elif [ -f "$ETC/kiosk.key" ]; then
    set_mode 0600 "$USER_NAME:$USER_NAME" "$ETC/kiosk.key"
else
    say "no kiosk key yet: on the ledger run 'timebank-ledger kiosk add --name NAME', then"
    say "  run this again with --key-file FILE (the key is stored in $ETC/kiosk.key, mode 0600)"
fi

# --- systemd, udev, journald, clock --------------------------------------------------------
install_file 0644 root:root "$REPO/deploy/systemd/timebank-kiosk.service" \
    "$ROOT/etc/systemd/system/timebank-kiosk.service"
install_file 0644 root:root "$REPO/deploy/systemd/systemd-time-wait-sync.service.d/timebank.conf" \
    "$ROOT/etc/systemd/system/systemd-time-wait-sync.service.d/timebank.conf"
install_config 0644 root:root "$REPO/deploy/udev/99-timebank-kiosk.rules" \
    "$ROOT/etc/udev/rules.d/99-timebank-kiosk.rules"
install_file 0644 root:root "$REPO/deploy/journald/timebank-kiosk.conf" \
    "$ROOT/etc/systemd/journald.conf.d/timebank-kiosk.conf"
install_config 0644 root:root "$REPO/deploy/timesyncd/timebank-kiosk.conf" \
    "$ROOT/etc/systemd/timesyncd.conf.d/timebank-kiosk.conf"
install_file 0644 root:root "$REPO/deploy/modules-load.d/timebank-kiosk.conf" \
    "$ROOT/etc/modules-load.d/timebank-kiosk.conf"

if [ -n "$ROOT" ]; then
    say "installed into $ROOT (no packages, users or services touched)"
    exit 0
fi

systemctl daemon-reload
modprobe -a usbserial cdc_acm || say "could not load usbserial/cdc_acm now; they load at boot"
udevadm control --reload
udevadm trigger --subsystem-match=tty
systemctl restart systemd-journald
systemctl enable --now systemd-timesyncd.service
systemctl enable systemd-time-wait-sync.service
systemctl enable timebank-kiosk.service
# The screens' Simplified Chinese face, copied out of the CJK collection now (it takes a while
# on a Pi) rather than at the first start.
runuser -u kiosk -- "$PREFIX/venv/bin/kiosk" diag fonts --config "$ETC/kiosk.toml" \
    || say "the Chinese screen font will be prepared at the kiosk's first start instead"
if [ ! -f "$ETC/kiosk.key" ]; then
    say "enabled, not started: the kiosk key is missing (see above)"
elif [ "$START" -eq 1 ]; then
    systemctl restart timebank-kiosk.service
    say "started; follow it with: journalctl -u timebank-kiosk -f"
fi
say "next: edit $ETC/kiosk.toml (ledger URL, lockers), then 'kiosk diag' — see the guide"
