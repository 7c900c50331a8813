#!/bin/sh
# Build Hearth.app and Hearth-VERSION-macos-ARCH.dmg on a Mac (not verified: see README.md).
#   packaging/macos/build.sh                      unsigned (runs on this Mac)
#   SIGN_ID="Developer ID Application: NAME (TEAMID)" NOTARY_PROFILE=hearth \
#     packaging/macos/build.sh                    signed, notarized, stapled
# Needs Xcode command line tools and uv. llama.cpp is built with Metal by default on Apple
# Silicon; CMAKE_ARGS="-DGGML_METAL=on" makes it explicit (see README.md).
set -eu

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"

if [ "$(uname -m)" = "arm64" ]; then
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_METAL=on}"
    # A cached CPU-only wheel must not be reused: rebuild llama-cpp-python with these flags.
    uv sync --frozen --reinstall-package llama-cpp-python
else
    uv sync --frozen
fi
uv run pyinstaller --noconfirm --clean pyinstaller.spec   # -> dist/hearth and dist/Hearth.app

APP="dist/Hearth.app"
VERSION="$(dist/hearth/hearth --version | cut -d' ' -f2)"
cp packaging/macos/Info.plist "$APP/Contents/Info.plist"
/usr/libexec/PlistBuddy -c "Set :CFBundleShortVersionString $VERSION" "$APP/Contents/Info.plist"
/usr/libexec/PlistBuddy -c "Set :CFBundleVersion $VERSION" "$APP/Contents/Info.plist"
cp packaging/macos/hearth.icns "$APP/Contents/Resources/hearth.icns"

# The engine host must start from the app: check that Metal is in the build.
"$APP/Contents/MacOS/hearth" doctor --json | grep -q '"Metal"' \
    || echo "warning: this llama-cpp-python has no Metal backend (hearth doctor)" >&2

if [ -n "${SIGN_ID:-}" ]; then
    # Sign inside out: every library, then the executable, then the bundle.
    find "$APP/Contents" -type f \( -name "*.so" -o -name "*.dylib" \) -print0 \
        | xargs -0 codesign --force --timestamp --options runtime --sign "$SIGN_ID"
    codesign --force --timestamp --options runtime \
        --entitlements packaging/macos/entitlements.plist --sign "$SIGN_ID" \
        "$APP/Contents/MacOS/hearth"
    codesign --force --timestamp --options runtime \
        --entitlements packaging/macos/entitlements.plist --sign "$SIGN_ID" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
fi

DMG="dist/Hearth-$VERSION-macos-$(uname -m).dmg"
rm -rf build/dmg "$DMG"
mkdir -p build/dmg
cp -R "$APP" build/dmg/
ln -s /Applications build/dmg/Applications
hdiutil create -volname "Hearth $VERSION" -srcfolder build/dmg -ov -format UDZO "$DMG"

if [ -n "${SIGN_ID:-}" ]; then
    codesign --timestamp --sign "$SIGN_ID" "$DMG"
    if [ -n "${NOTARY_PROFILE:-}" ]; then
        # One-time: xcrun notarytool store-credentials hearth --apple-id ... --team-id ...
        xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
        xcrun stapler staple "$DMG"
        spctl --assess --type open --context context:primary-signature --verbose "$DMG"
    fi
fi
echo "$DMG"
