"""Which Debian suite to bootstrap and from which mirror: the host's, as its apt sources say.

Both formats apt reads are understood: one-line entries (``/etc/apt/sources.list``,
``sources.list.d/*.list``: ``deb [options] URI SUITE COMPONENT...``) and deb822 paragraphs
(``sources.list.d/*.sources``: ``Types:``, ``URIs:``, ``Suites:``, ``Components:``,
``Enabled:``). A ``mirror+file:`` URI (Debian's cloud images use one) names a file listing
mirrors, one per line; the first of them is taken.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_MIRROR",
    "DEFAULT_SUITE",
    "MIRROR_ENV",
    "SUITE_ENV",
    "AptSource",
    "Choice",
    "choose_mirror",
    "choose_suite",
    "parse_deb822",
    "parse_one_line",
    "read_apt_sources",
]

DEFAULT_SUITE = "bookworm"
"""The suite bootstrapped on a host that is not Debian (and names none)."""
DEFAULT_MIRROR = "http://deb.debian.org/debian"
"""The mirror used when the host's apt sources name none for the suite."""
MIRROR_ENV = "CLAW_DEBIAN_MIRROR"
SUITE_ENV = "CLAW_DEBIAN_SUITE"

_SCHEMES = ("http://", "https://", "ftp://", "file:/")
_SUITE = re.compile(r"[a-z][a-z0-9.-]*")
_REQUIRED = ("types", "uris", "suites")


@dataclass(frozen=True, slots=True)
class AptSource:
    """One apt source entry: where it was read (``file:line``) and what it lists."""

    origin: str
    types: tuple[str, ...]
    uris: tuple[str, ...]
    suites: tuple[str, ...]
    components: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Choice:
    """A value and where it came from (an environment variable, an apt source, a default)."""

    value: str
    origin: str


def parse_one_line(text: str, origin: str) -> list[AptSource]:
    """The entries of a one-line-style sources file (``sources.list``, ``*.list``): ``deb``
    and ``deb-src`` lines, options in brackets skipped, comments and other lines ignored."""
    sources = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        kind, _, rest = line.partition(" ")
        if kind not in ("deb", "deb-src"):
            continue
        rest = rest.strip()
        if rest.startswith("["):
            closing = rest.find("]")
            if closing < 0:
                continue
            rest = rest[closing + 1 :]
        words = rest.split()
        if len(words) < 2:
            continue
        sources.append(
            AptSource(f"{origin}:{number}", (kind,), (words[0],), (words[1],), tuple(words[2:]))
        )
    return sources


def parse_deb822(text: str, origin: str) -> list[AptSource]:
    """The entries of a deb822 sources file (``*.sources``): one per paragraph with ``Types``,
    ``URIs`` and ``Suites``, unless ``Enabled: no``."""
    sources = []
    for start, fields in _paragraphs(text):
        if fields.get("enabled", "yes").strip().lower() == "no":
            continue
        types, uris, suites = (tuple(fields.get(k, "").split()) for k in _REQUIRED)
        if types and uris and suites:
            components = tuple(fields.get("components", "").split())
            sources.append(AptSource(f"{origin}:{start}", types, uris, suites, components))
    return sources


def _paragraphs(text: str) -> list[tuple[int, dict[str, str]]]:
    """Each paragraph's first line and fields (names lower-cased, continuation lines joined)."""
    paragraphs: list[tuple[int, dict[str, str]]] = []
    fields: dict[str, str] = {}
    start = 0
    name = ""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            continue
        if not line.strip():
            if fields:
                paragraphs.append((start, fields))
            fields, name = {}, ""
            continue
        if line[0] in " \t":
            if name:
                fields[name] += " " + line.strip()
            continue
        key, colon, value = line.partition(":")
        if not colon:
            continue
        if not fields:
            start = number
        name = key.strip().lower()
        fields[name] = value.strip()
    if fields:
        paragraphs.append((start, fields))
    return paragraphs


def read_apt_sources(etc_apt: Path = Path("/etc/apt")) -> list[AptSource]:
    """Every entry of the host's apt sources, in the order apt reads them (``sources.list``,
    then ``sources.list.d/`` by name). Unreadable files are skipped."""
    files = [etc_apt / "sources.list"]
    with contextlib.suppress(OSError):
        files += sorted((etc_apt / "sources.list.d").iterdir())
    sources: list[AptSource] = []
    for path in files:
        if path.suffix not in (".list", ".sources") and path.name != "sources.list":
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        parse = parse_deb822 if path.suffix == ".sources" else parse_one_line
        sources += parse(text, str(path))
    return sources


def choose_suite(env: Mapping[str, str], os_release: str | None) -> Choice:
    """The Debian suite to bootstrap: ``CLAW_DEBIAN_SUITE``, else the host's (``/etc/os-release``
    of a Debian host: ``VERSION_CODENAME``), else :data:`DEFAULT_SUITE`. Raises ValueError for
    a ``CLAW_DEBIAN_SUITE`` that is not a suite name."""
    wanted = env.get(SUITE_ENV, "").strip()
    if wanted:
        if not _SUITE.fullmatch(wanted):
            raise ValueError(
                f"{SUITE_ENV}={wanted!r} is not a Debian suite name (e.g. bookworm, trixie)"
            )
        return Choice(wanted, SUITE_ENV)
    fields = _os_release(os_release or "")
    codename = fields.get("VERSION_CODENAME", "")
    if fields.get("ID") == "debian" and _SUITE.fullmatch(codename):
        return Choice(codename, "/etc/os-release")
    return Choice(DEFAULT_SUITE, "default (the host is not Debian)")


def _os_release(text: str) -> dict[str, str]:
    fields = {}
    for line in text.splitlines():
        key, equals, value = line.strip().partition("=")
        if equals and key and not key.startswith("#"):
            fields[key] = value.strip().strip("\"'")
    return fields


def choose_mirror(
    suite: str,
    env: Mapping[str, str],
    sources: Sequence[AptSource],
    read_text: Callable[[str], str | None] = lambda path: None,
) -> Choice:
    """The Debian mirror to bootstrap ``suite`` from: ``CLAW_DEBIAN_MIRROR``, else the first
    binary (``deb``) source that serves ``suite`` itself (not ``-updates`` or ``-security``)
    over http(s), ftp or file, else :data:`DEFAULT_MIRROR`. ``read_text`` reads the list a
    ``mirror+file:`` URI names (None when it cannot)."""
    wanted = env.get(MIRROR_ENV, "").strip()
    if wanted:
        if not wanted.startswith(_SCHEMES):
            raise ValueError(
                f"{MIRROR_ENV}={wanted!r} is not a mirror URL "
                "(http://, https://, ftp:// or file:/, e.g. http://deb.debian.org/debian)"
            )
        return Choice(wanted.rstrip("/"), MIRROR_ENV)
    for source in sources:
        if "deb" not in source.types or suite not in source.suites:
            continue
        for uri in source.uris:
            found = _usable(uri, read_text)
            if found is not None:
                return Choice(found, source.origin)
    return Choice(DEFAULT_MIRROR, "default (no apt source of the host serves this suite)")


def _usable(uri: str, read_text: Callable[[str], str | None]) -> str | None:
    if uri.startswith(_SCHEMES):
        return uri.rstrip("/")
    if uri.startswith("mirror+file:"):
        listed = read_text(uri.removeprefix("mirror+file:").removeprefix("//"))
        for line in (listed or "").splitlines():
            candidate = line.split("#", 1)[0].split()
            if candidate and candidate[0].startswith(_SCHEMES):
                return candidate[0].rstrip("/")
    return None
