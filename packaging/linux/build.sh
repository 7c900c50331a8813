#!/bin/sh
# Build the Linux bundle and its tarball, from a clean clone:
#   packaging/linux/build.sh
# -> dist/hearth/                                  the one-folder bundle (run dist/hearth/hearth)
# -> dist/hearth-VERSION-linux-ARCH.tar.gz         bundle + install.sh + desktop entry + icons
# Needs uv (https://docs.astral.sh/uv/) and a C/C++ compiler (llama-cpp-python builds from
# source). CMAKE_ARGS picks llama.cpp's backend, e.g. CMAKE_ARGS="-DGGML_VULKAN=on".
set -eu

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"

uv sync --frozen
uv run pyinstaller --noconfirm --clean pyinstaller.spec

VERSION="$(dist/hearth/hearth --version | cut -d' ' -f2)"
NAME="hearth-$VERSION-linux-$(uname -m)"
STAGE="build/$NAME"
rm -rf "$STAGE"
mkdir -p "$STAGE/icons"
cp -a dist/hearth "$STAGE/hearth"
cp packaging/linux/install.sh packaging/linux/hearth.desktop "$STAGE/"
cp packaging/icons/png/hearth-*.png packaging/icons/hearth.svg "$STAGE/icons/"
chmod +x "$STAGE/install.sh"
tar -C build -czf "dist/$NAME.tar.gz" "$NAME"
echo "dist/$NAME.tar.gz ($(du -h "dist/$NAME.tar.gz" | cut -f1)); install: tar xzf it, then ./$NAME/install.sh"
