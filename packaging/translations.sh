#!/bin/sh
# Hearth's translation catalogs, app/hearth/gui/i18n/hearth_<language>.ts (source, committed)
# and .qm (compiled, committed: the app and the bundle load these). Refreshing them:
#   packaging/translations.sh update        # lupdate: new and changed GUI texts into every .ts
#   (translate the new entries: uv run pyside6-linguist app/hearth/gui/i18n/hearth_de.ts,
#    or edit the XML; keep {0} placeholders, one & mnemonic and HTML tags)
#   packaging/translations.sh release       # lrelease: every .ts -> its .qm
#   packaging/translations.sh new fr        # start a catalog for another language
# tests/gui/test_translations.py fails while a .qm is not the compiled form of its .ts.
set -eu

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
I18N=app/hearth/gui/i18n
# No line numbers and no vanished texts in the .ts: its diffs show only changed texts.
LUPDATE="uv run pyside6-lupdate -no-obsolete -locations none -source-language en"

case "${1:-}" in
update)
    $LUPDATE app/hearth/gui/*.py -ts "$I18N"/hearth_*.ts
    ;;
release)
    for ts in "$I18N"/hearth_*.ts; do
        uv run pyside6-lrelease -fail-on-invalid "$ts" -qm "${ts%.ts}.qm"
    done
    ;;
new)
    language="${2:?usage: $0 new LANGUAGE (e.g. fr, pt_BR)}"
    $LUPDATE -target-language "$language" app/hearth/gui/*.py -ts "$I18N/hearth_$language.ts"
    ;;
*)
    echo "usage: $0 update | release | new LANGUAGE" >&2
    exit 2
    ;;
esac
