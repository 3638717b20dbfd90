"""The definition files a services command works on: the paths given (files, or directories of them), else the
shipped catalogue."""

from pathlib import Path

from django.core.management import CommandError

from elaos.services.definition import DEFINITIONS_DIR

PATTERNS = ("*.yaml", "*.yml", "*.json")


def definition_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for given in [Path(p) for p in paths] or [DEFINITIONS_DIR]:
        if given.is_dir():
            files += sorted(f for pattern in PATTERNS for f in given.glob(pattern))
        elif given.is_file():
            files.append(given)
        else:
            raise CommandError(f"{given}: no such file or directory")
    return files


def display(path: Path) -> str:
    """The path relative to the working directory when it is below it, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
