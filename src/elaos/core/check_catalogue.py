"""CI check: every message in the Lao catalogue has a translation (Lao is the default language).

Usage: python -m elaos.core.check_catalogue path/to/django.po — exits 1 listing each untranslated or fuzzy entry."""

import sys

from babel.messages.pofile import read_po


def untranslated(path: str) -> list[str]:
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(s and s.strip() for s in strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    missing = [(path, msgid) for path in argv for msgid in untranslated(path)]
    for path, msgid in missing:
        print(f"{path}: no Lao translation for {msgid!r}")
    if missing:
        print(f"{len(missing)} untranslated Lao message(s)")
        return 1
    print("Lao catalogue complete")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
