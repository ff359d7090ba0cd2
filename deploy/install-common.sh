# Shared steps of install-kiosk.sh and install-ledger.sh (sourced, not run): messages, the
# options both take, and the install steps. The steps also expect PREFIX from the installer.
# shellcheck shell=bash

INSTALLER=${0##*/}
INSTALLER=${INSTALLER%.sh}

die() {
    echo "$INSTALLER: $*" >&2
    exit 2
}
say() { echo "$INSTALLER: $*"; }

# The options both installers take (each lists them in its own usage()).
ROOT="" # "" for a real install
WHEEL=""
WHEELHOUSE=""
NO_DEPS=0
PYTHON=python3
START=1

# shellcheck disable=SC2034  # START and TAKEN are read by the installer that sources this
common_option() { # ARG... — takes one shared option off the front; TAKEN says how many words
    TAKEN=1
    case "$1" in
        --wheel) WHEEL=${2:?--wheel needs a file}; TAKEN=2 ;;
        --wheelhouse) WHEELHOUSE=${2:?--wheelhouse needs a folder}; TAKEN=2 ;;
        --no-deps) NO_DEPS=1 ;;
        --python) PYTHON=${2:?--python needs a command}; TAKEN=2 ;;
        --no-start) START=0 ;;
        --root) ROOT=${2:?--root needs a folder}; TAKEN=2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
}

# After the options are read: a real install needs root; --root is made absolute.
check_common_options() {
    if [ -n "$ROOT" ]; then
        mkdir -p "$ROOT"
        ROOT=$(cd "$ROOT" && pwd)
        [ "$ROOT" != / ] || die "--root / is a real install: leave --root out"
    elif [ "$(id -u)" -ne 0 ]; then
        die "run as root (sudo), or give --root DIR for a scratch install"
    fi
    [ -z "$WHEEL" ] || [ -f "$WHEEL" ] || die "--wheel $WHEEL: no such file"
    [ -z "$WHEELHOUSE" ] || [ -d "$WHEELHOUSE" ] || die "--wheelhouse $WHEELHOUSE: no such folder"
}

# Owners are only set on a real install: a --root scratch install has no such users.
set_mode() { # MODE OWNER:GROUP PATH
    chmod "$1" "$3"
    if [ -z "$ROOT" ]; then chown "$2" "$3"; fi
}

make_dir() { # MODE OWNER:GROUP DIR
    mkdir -p "$3"
    set_mode "$1" "$2" "$3"
}

install_file() { # MODE OWNER:GROUP SOURCE DEST — always the shipped version
    [ -f "$3" ] || die "missing $3"
    mkdir -p "$(dirname "$4")"
    # Through a temporary name, so a reader never sees half a file nor a secret with loose mode.
    install -m "$1" "$3" "$4.tmp.$$"
    if [ -z "$ROOT" ]; then chown "$2" "$4.tmp.$$"; fi
    mv -f "$4.tmp.$$" "$4"
}

# A configuration file the technician may edit (Debian's conffile rule): installed when absent,
# replaced when it is still the version we shipped last time, otherwise kept, with the new
# shipped version beside it as DEST.dist. The hash of what we shipped is kept under PREFIX.
install_config() { # MODE OWNER:GROUP SOURCE DEST
    local record shipped
    [ -f "$3" ] || die "missing $3"
    record="$PREFIX/share/shipped/$(echo "${4#"$ROOT"}" | tr / _).sha256"
    mkdir -p "$(dirname "$record")"
    if [ ! -e "$4" ]; then
        install_file "$1" "$2" "$3" "$4"
        say "installed $4"
    elif cmp -s "$3" "$4"; then
        set_mode "$1" "$2" "$4"
    else
        shipped=$(cat "$record" 2>/dev/null || true)
        if [ "$(sha256sum <"$4" | cut -d' ' -f1)" = "$shipped" ]; then
            install_file "$1" "$2" "$3" "$4"
            say "updated $4 (it was unedited)"
        else
            install_file "$1" "$2" "$3" "$4.dist"
            set_mode "$1" "$2" "$4"
            say "kept your edited $4; the new shipped version is $4.dist"
        fi
    fi
    sha256sum <"$3" | cut -d' ' -f1 >"$record"
}

ensure_system_user() { # NAME HOME
    if ! getent passwd "$1" >/dev/null; then
        useradd --system --user-group --home-dir "$2" --no-create-home \
            --shell /usr/sbin/nologin "$1"
        say "created system user $1"
    fi
}

install_venv() { # VENV REPO EXTRAS — the package from --wheel or the checkout, into VENV
    local venv=$1 target
    if [ ! -x "$venv/bin/python" ]; then
        say "creating $venv"
        "$PYTHON" -m venv "$venv"
    fi
    target=${WHEEL:-$2}$3
    local pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-input -q install)
    if [ -n "$WHEELHOUSE" ]; then pip+=(--no-index --find-links "$WHEELHOUSE"); fi
    if [ "$NO_DEPS" -eq 0 ]; then
        say "installing $target and its dependencies into $venv"
        "${pip[@]}" --upgrade "$target"
    fi
    # Always put this checkout's (or wheel's) code in place, even at an unchanged version.
    "${pip[@]}" --no-deps --force-reinstall "$target"
}
