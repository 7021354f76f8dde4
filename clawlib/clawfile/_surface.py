"""Surfaces: what a claw may touch, written ``<scheme>://<target> [access-mode]``.

The URI is read with the rules of Go's ``net/url`` (which upstream uses), so that a surface one
tool accepts the other accepts too: the scheme is lower-cased; ``scheme:rest`` without ``//`` is
*opaque* (``volume:cache``); the target is host and path together, else the path, else the host,
else the opaque part; query and fragment are not part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from clawlib.errors import InvalidValueError

from ._lexer import go_fields

__all__ = ["ACCESS_MODES", "Surface"]

AccessMode = Literal["read-only", "read-write"]
ACCESS_MODES: tuple[AccessMode, ...] = ("read-only", "read-write")
_MOUNT_SCHEMES = frozenset({"host", "volume"})
_MODELESS_SCHEMES = frozenset({"channel", "egress", "service"})
_PORT = re.compile(r"(:[0-9]*)?")
# Characters Go's net/url accepts unescaped in a host name (besides letters and digits).
_HOST_PUNCTUATION = frozenset("!$&'()*+,;=:[]<>\"-_.~%")


@dataclass(frozen=True, slots=True)
class Surface:
    """A parsed surface; ``str()`` gives back its canonical text, ``raw``."""

    scheme: str
    target: str
    access_mode: AccessMode | None
    raw: str

    @classmethod
    def parse(cls, text: str) -> Surface:
        """Parse ``<uri> [access-mode]``; raise :class:`InvalidValueError` saying what is wrong."""
        words = go_fields(text)
        if not words:
            raise InvalidValueError("SURFACE requires a URI, e.g. volume://cache read-write")
        uri = words[0]
        scheme, target = _parse_uri(uri)
        mode_text = " ".join(words[1:]).strip().lower()
        access_mode: AccessMode | None = None
        if scheme in _MOUNT_SCHEMES:
            if mode_text:
                if mode_text not in ACCESS_MODES:
                    raise InvalidValueError(
                        f'SURFACE {scheme} access mode "{mode_text}" is invalid '
                        "(expected read-only or read-write)"
                    )
                access_mode = "read-only" if mode_text == "read-only" else "read-write"
        elif mode_text:
            what = scheme if scheme in _MODELESS_SCHEMES else f'scheme "{scheme}"'
            raise InvalidValueError(
                f'SURFACE {what} does not support access mode "{mode_text}" '
                "(only host and volume surfaces take read-only or read-write)"
            )
        return cls(scheme=scheme, target=target, access_mode=access_mode, raw=" ".join(words))

    def __str__(self) -> str:
        return self.raw


def _parse_uri(uri: str) -> tuple[str, str]:
    """Return (scheme, target) of ``uri`` under Go ``net/url.Parse`` rules."""
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in uri):
        raise _invalid(uri, "invalid control character in URL")
    rest, _, fragment = uri.partition("#")
    scheme, rest = _split_scheme(uri, rest)
    if not scheme:
        raise InvalidValueError(
            f'SURFACE URI "{uri}" is missing scheme (expected <scheme>://<target>, '
            "e.g. volume://cache, service://api, channel://discord)"
        )
    rest = rest.partition("?")[0]
    host = path = ""
    if rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        path = slash + path
        host = _parse_authority(uri, authority)
        path = _unescape(uri, path, host=False)
    elif rest.startswith("/"):
        path = _unescape(uri, rest, host=False)
    else:
        path = rest  # opaque: taken as written
    _unescape(uri, fragment, host=False)
    target = host + path if host and path else (path or host)
    if not target:
        raise InvalidValueError(f'SURFACE URI "{uri}" is missing target')
    return scheme, target


def _split_scheme(uri: str, rest: str) -> tuple[str, str]:
    for index, char in enumerate(rest):
        if char.isascii() and char.isalpha():
            continue
        if char.isascii() and (char.isdigit() or char in "+-."):
            if index == 0:
                return "", rest
            continue
        if char == ":":
            if index == 0:
                raise _invalid(uri, "missing protocol scheme")
            return rest[:index].lower(), rest[index + 1 :]
        return "", rest
    return "", rest


def _parse_authority(uri: str, authority: str) -> str:
    userinfo, at, host = authority.rpartition("@")
    if at:
        for char in userinfo:
            if not (char.isascii() and (char.isalnum() or char in "-._:~!$&'()*+,;=%@")):
                raise _invalid(uri, "net/url: invalid userinfo")
        _unescape(uri, userinfo, host=False)
    if host.startswith("["):
        close = host.rfind("]")
        if close < 0:
            raise _invalid(uri, "missing ']' in host")
        port = host[close + 1 :]
    else:
        colon = host.rfind(":")
        port = host[colon:] if colon >= 0 else ""
    if not _PORT.fullmatch(port):
        raise _invalid(uri, f'invalid port "{port}" after host')
    return _unescape(uri, host, host=True)


def _unescape(uri: str, text: str, *, host: bool) -> str:
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "%":
            code = text[index + 1 : index + 3]
            if len(code) < 2 or not all(c in "0123456789abcdefABCDEF" for c in code):
                raise _invalid(uri, f'invalid URL escape "{text[index : index + 3]}"')
            out.append(int(code, 16))
            index += 3
            continue
        if host and char.isascii() and not char.isalnum() and char not in _HOST_PUNCTUATION:
            raise _invalid(uri, f'invalid character "{char}" in host name')
        out.extend(char.encode("utf-8", "surrogatepass"))
        index += 1
    return out.decode("utf-8", "replace")


def _invalid(uri: str, reason: str) -> InvalidValueError:
    return InvalidValueError(f'invalid SURFACE URI "{uri}": {reason}')
