#!/bin/sh
# Install Hearth for this user, into ~/.local (no root needed):
#   ~/.local/opt/hearth/                      the bundle (hearth and _internal/)
#   ~/.local/bin/hearth                       a link, for the command line
#   ~/.local/share/applications/hearth.desktop
#   ~/.local/share/icons/hicolor/*/apps/hearth.{png,svg}
# Run from the unpacked tarball:  ./install.sh        Remove:  ./install.sh --uninstall
# PREFIX=/some/where ./install.sh installs under another prefix.
set -eu

PREFIX="${PREFIX:-$HOME/.local}"
HERE="$(cd "$(dirname "$0")" && pwd)"
APP_DIR="$PREFIX/opt/hearth"
BIN="$PREFIX/bin/hearth"
DESKTOP="$PREFIX/share/applications/hearth.desktop"
ICONS="$PREFIX/share/icons/hicolor"

refresh() {
    command -v update-desktop-database >/dev/null 2>&1 \
        && update-desktop-database -q "$PREFIX/share/applications" || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 \
        && gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APP_DIR"
    rm -f "$BIN" "$DESKTOP" "$ICONS"/*/apps/hearth.png "$ICONS/scalable/apps/hearth.svg"
    refresh
    echo "Hearth removed. Your models, settings and history are kept; see 'hearth doctor'"
    echo "(run before removing) for their folders, or ~/.local/share/Hearth and ~/.config/Hearth."
    exit 0
fi

[ -x "$HERE/hearth/hearth" ] || { echo "error: run install.sh from the unpacked tarball" >&2; exit 1; }

mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$PREFIX/share/applications"
rm -rf "$APP_DIR.new"
cp -a "$HERE/hearth" "$APP_DIR.new"
rm -rf "$APP_DIR"
mv "$APP_DIR.new" "$APP_DIR"
ln -sf "$APP_DIR/hearth" "$BIN"

for png in "$HERE"/icons/hearth-*.png; do
    size="$(basename "$png" .png | sed 's/hearth-//')"
    mkdir -p "$ICONS/${size}x${size}/apps"
    cp "$png" "$ICONS/${size}x${size}/apps/hearth.png"
done
mkdir -p "$ICONS/scalable/apps"
cp "$HERE/icons/hearth.svg" "$ICONS/scalable/apps/hearth.svg"

sed -e "s|^Exec=.*|Exec=\"$APP_DIR/hearth\" gui|" -e "s|^TryExec=.*|TryExec=$APP_DIR/hearth|" \
    "$HERE/hearth.desktop" > "$DESKTOP"
chmod 644 "$DESKTOP"
refresh

echo "Hearth $("$APP_DIR/hearth" --version | cut -d' ' -f2) installed in $APP_DIR"
case ":$PATH:" in
    *":$PREFIX/bin:"*) ;;
    *) echo "note: $PREFIX/bin is not on your PATH; add it to use 'hearth' in a terminal." ;;
esac
