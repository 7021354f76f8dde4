"""The images claw makes itself, without an engine: where the Debian suite and mirror come from,
the base image's recipe and root filesystem, the proxy's build context and the labels that pin
its inputs, the staleness decision, and the refusals that happen before anything is built."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import clawlib.images._base as base_module
from clawlib.engine import CommandResult, DockerView
from clawlib.errors import ImagePullError, LocalImageError
from clawlib.images import (
    BASE_LABELS,
    DEFAULT_MIRROR,
    PROXY_IMAGE,
    PROXY_LABELS,
    PYTHON_BASE_IMAGE,
    AptSource,
    BaseRecipe,
    Choice,
    ContextFile,
    ProxyInputs,
    RootfsFacts,
    cache_dir,
    choose_mirror,
    choose_suite,
    ensure_proxy_image,
    ensure_python_base,
    is_local_proxy_image,
    parse_deb822,
    parse_one_line,
    pip_platforms,
    proxy_context,
    proxy_requirements,
    proxy_sources,
    read_apt_sources,
    resolved_packages,
    rootfs_facts,
    stale_reason,
    trim_rootfs,
)
from clawlib.lifecycle import Progress, apply
from clawlib.planner import Plan, plan_pod
from clawlib.pod import load_pod
from clawlib.runtime import DEFAULT_PROXY_IMAGE, PROXY_PORT, proxy_healthcheck
from tests.fakes import FakeImage, FakeImages, FakeRunner, FakeSdkClient

ROOT = Path(__file__).parents[2]
BOOKWORM = {"CLAW_DEBIAN_SUITE": "bookworm", "CLAW_DEBIAN_MIRROR": "http://mirror.test/debian"}

# --- the host's suite and mirror -----------------------------------------------------------------


def test_one_line_sources() -> None:
    text = textwrap.dedent(
        """\
        # deb http://commented.test/debian bookworm main
        deb [arch=amd64 signed-by=/etc/x.gpg] http://a.test/debian bookworm main contrib
        deb-src http://src.test/debian bookworm main
        deb http://sec.test/debian-security bookworm-security main  # trailing comment
        deb http://short.test/debian
        deb [unclosed http://broken.test/debian bookworm main
        rpm http://other.test/ bookworm main
        """
    )
    assert parse_one_line(text, "/etc/apt/sources.list") == [
        AptSource(
            "/etc/apt/sources.list:2",
            ("deb",),
            ("http://a.test/debian",),
            ("bookworm",),
            ("main", "contrib"),
        ),
        AptSource(
            "/etc/apt/sources.list:3",
            ("deb-src",),
            ("http://src.test/debian",),
            ("bookworm",),
            ("main",),
        ),
        AptSource(
            "/etc/apt/sources.list:4",
            ("deb",),
            ("http://sec.test/debian-security",),
            ("bookworm-security",),
            ("main",),
        ),
    ]


def test_deb822_sources() -> None:
    text = textwrap.dedent(
        """\
        Types: deb
        # http://snapshot.debian.org/archive/debian/20250520T000000Z
        URIs: http://deb.debian.org/debian
        Suites: bookworm bookworm-updates
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb deb-src
        URIs: http://one.test/debian
         http://two.test/debian
        Suites: trixie
        Components: main
        Enabled: no

        types: deb
        uris: https://three.test/debian
        suites: trixie

        Types: deb
        URIs: http://incomplete.test/debian
        """
    )
    assert parse_deb822(text, "debian.sources") == [
        AptSource(
            "debian.sources:1",
            ("deb",),
            ("http://deb.debian.org/debian",),
            ("bookworm", "bookworm-updates"),
            ("main",),
        ),
        AptSource("debian.sources:15", ("deb",), ("https://three.test/debian",), ("trixie",)),
    ]


def test_deb822_continuation_lines_add_values() -> None:
    text = "Types: deb\nURIs: http://one.test/debian\n http://two.test/debian\nSuites: sid\n"
    (source,) = parse_deb822(text, "x.sources")
    assert source.uris == ("http://one.test/debian", "http://two.test/debian")


def test_apt_sources_are_read_in_apts_order(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb http://list.test/debian bookworm main\n")
    listed = tmp_path / "sources.list.d"
    listed.mkdir()
    (listed / "b.sources").write_text("Types: deb\nURIs: http://b.test/debian\nSuites: bookworm\n")
    (listed / "a.list").write_text("deb http://a.test/debian bookworm main\n")
    (listed / "c.list.disabled").write_text("deb http://disabled.test/debian bookworm main\n")
    sources = read_apt_sources(tmp_path)
    assert [(s.origin, s.uris) for s in sources] == [
        (f"{tmp_path}/sources.list:1", ("http://list.test/debian",)),
        (f"{listed}/a.list:1", ("http://a.test/debian",)),
        (f"{listed}/b.sources:1", ("http://b.test/debian",)),
    ]
    assert read_apt_sources(tmp_path / "missing") == []


HOST = [
    AptSource("s:1", ("deb-src",), ("http://src.test/debian",), ("bookworm",)),
    AptSource("s:2", ("deb",), ("http://sec.test/debian-security",), ("bookworm-security",)),
    AptSource("s:3", ("deb",), ("cdrom:[Debian 12]/",), ("bookworm",)),
    AptSource("s:4", ("deb",), ("http://deb.test/debian/",), ("bookworm", "bookworm-updates")),
    AptSource("s:5", ("deb",), ("http://later.test/debian",), ("bookworm",)),
]


def test_the_mirror_is_the_first_binary_source_of_the_suite() -> None:
    assert choose_mirror("bookworm", {}, HOST) == Choice("http://deb.test/debian", "s:4")
    assert choose_mirror("trixie", {}, HOST) == Choice(
        DEFAULT_MIRROR, "default (no apt source of the host serves this suite)"
    )


def test_the_environment_names_the_mirror() -> None:
    env = {"CLAW_DEBIAN_MIRROR": " https://mirror.test/debian/ "}
    assert choose_mirror("bookworm", env, HOST) == Choice(
        "https://mirror.test/debian", "CLAW_DEBIAN_MIRROR"
    )
    with pytest.raises(ValueError, match="is not a mirror URL") as caught:
        choose_mirror("bookworm", {"CLAW_DEBIAN_MIRROR": "deb.debian.org"}, HOST)
    assert str(caught.value) == (
        "CLAW_DEBIAN_MIRROR='deb.debian.org' is not a mirror URL (http://, https://, ftp:// or "
        "file:/, e.g. http://deb.debian.org/debian)"
    )


def test_a_mirror_list_file_gives_its_first_mirror() -> None:
    sources = [
        AptSource("c:1", ("deb",), ("mirror+file:///etc/apt/mirrors/debian.list",), ("bookworm",))
    ]
    lists = {"/etc/apt/mirrors/debian.list": "# cloud\n\nhttps://cdn.test/debian\tpriority:1\n"}
    assert choose_mirror("bookworm", {}, sources, lists.get) == Choice(
        "https://cdn.test/debian", "c:1"
    )
    assert choose_mirror("bookworm", {}, sources).origin.startswith("default")


DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n'
UBUNTU = "ID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=noble\n"


def test_the_suite_is_the_hosts() -> None:
    assert choose_suite({}, DEBIAN) == Choice("bookworm", "/etc/os-release")
    assert choose_suite({}, DEBIAN.replace("bookworm", "trixie")).value == "trixie"
    assert choose_suite({}, UBUNTU) == Choice("bookworm", "default (the host is not Debian)")
    assert choose_suite({}, None).value == "bookworm"
    assert choose_suite({"CLAW_DEBIAN_SUITE": "trixie"}, DEBIAN) == Choice(
        "trixie", "CLAW_DEBIAN_SUITE"
    )
    with pytest.raises(ValueError, match="not a Debian suite name") as caught:
        choose_suite({"CLAW_DEBIAN_SUITE": "../etc"}, DEBIAN)
    assert str(caught.value) == (
        "CLAW_DEBIAN_SUITE='../etc' is not a Debian suite name (e.g. bookworm, trixie)"
    )


# --- the base image's recipe and root filesystem -------------------------------------------------


def test_the_recipe_digest_is_pinned() -> None:
    """A new digest rebuilds every user's base image: change the recipe on purpose, and here."""
    assert BaseRecipe("bookworm").digest == (
        "f25393adccb28262988b74f4de3680e28ce68c49af930f50480079abd97f88d7"
    )
    assert BaseRecipe("trixie").digest != BaseRecipe("bookworm").digest


def test_debootstrap_command() -> None:
    argv = BaseRecipe("bookworm").debootstrap_argv(
        Path("/var/tmp/x/rootfs"), "http://deb.test/debian", Path("/cache")
    )
    assert argv == [
        "debootstrap",
        "--variant=minbase",
        "--include=python3,ca-certificates",
        "--cache-dir=/cache",
        "bookworm",
        "/var/tmp/x/rootfs",
        "http://deb.test/debian",
    ]


STATUS = """\
Package: libc-bin
Status: install ok installed
Architecture: amd64
Version: 2.36-9+deb12u10

Package: libc6
Status: install ok installed
Architecture: amd64
Version: 2.36-9+deb12u10
Description: GNU C Library
 Package: not-a-field
"""


def fake_rootfs(root: Path, python: str = "python3.11", status: str = STATUS) -> Path:
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/python3").symlink_to(python)
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text(status)
    return root


def test_rootfs_facts(tmp_path: Path) -> None:
    root = fake_rootfs(tmp_path / "root")
    assert rootfs_facts(root) == RootfsFacts("amd64", "3.11", "2.36")


def test_rootfs_facts_name_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a link") as caught:
        rootfs_facts(tmp_path)
    assert (
        str(caught.value)
        == "usr/bin/python3 is not a link to python3.X (No such file or directory)"
    )
    with pytest.raises(ValueError, match="points at") as caught:
        rootfs_facts(fake_rootfs(tmp_path / "a", python="/usr/bin/pypy3"))
    assert str(caught.value) == "usr/bin/python3 points at '/usr/bin/pypy3', not python3.X"
    with pytest.raises(ValueError, match="libc6") as caught:
        rootfs_facts(fake_rootfs(tmp_path / "b", status="Package: bash\nVersion: 5.2\n"))
    assert str(caught.value) == (
        "dpkg's status has no installed libc6 with a version and architecture"
    )


def make_tree(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def test_trim_rootfs_removes_what_a_runtime_does_not_need(tmp_path: Path) -> None:
    root = tmp_path / "root"
    make_tree(
        root,
        {
            "usr/share/doc/bash/copyright": "GPL",
            "usr/share/doc/bash/changelog.gz": "12345",
            "usr/share/doc/bash/examples/a.sh": "123",
            "usr/share/doc/python3/README": "1",
            "usr/share/man/man1/bash.1.gz": "1234567",
            "usr/share/locale/de/LC_MESSAGES/apt.mo": "12",
            "usr/share/zoneinfo/UTC": "keep",
            "var/cache/apt/archives/bash_5.2_amd64.deb": "1234567890",
            "var/cache/apt/archives/lock": "",
            "var/cache/apt/pkgcache.bin": "123",
            "var/lib/apt/lists/deb.debian.org_Packages": "1234",
            "var/lib/dpkg/status": "keep",
            "var/lib/dpkg/status-old": "12",
            "var/log/apt/history.log": "1",
            "dev/null": "",
            "etc/hostname": "builder\n",
            "etc/resolv.conf": "nameserver 10.0.0.1\n",
            "etc/passwd": "keep",
        },
    )
    (root / "usr/share/doc/libpython3.11").symlink_to("python3")
    (root / "etc/dpkg/dpkg.cfg.d").mkdir(parents=True)
    removed = trim_rootfs(root)
    left = sorted(str(Path(d, f).relative_to(root)) for d, _, files in os.walk(root) for f in files)
    assert left == [
        "etc/dpkg/dpkg.cfg.d/claw-excludes",
        "etc/passwd",
        "usr/share/doc/bash/copyright",
        "usr/share/zoneinfo/UTC",
        "var/cache/apt/archives/lock",
        "var/lib/dpkg/status",
    ]
    # Every removed byte is counted: the files above, and the link's own length.
    assert removed == 5 + 3 + 1 + 7 + 2 + 10 + 3 + 4 + 2 + 1 + 8 + 20 + len("python3")
    assert sorted(p.name for p in (root / "usr/share").iterdir()) == [
        "doc",
        "locale",
        "man",
        "zoneinfo",
    ]
    assert (root / "etc/dpkg/dpkg.cfg.d/claw-excludes").read_text().splitlines()[2:4] == [
        "path-exclude=/usr/share/doc/*",
        "path-include=/usr/share/doc/*/copyright",
    ]


def test_trim_rootfs_never_goes_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "host"
    make_tree(outside, {"log/syslog": "host's", "man/man1/ls.1": "host's", "resolv.conf": "x"})
    root = tmp_path / "root"
    make_tree(root, {"usr/share/info/dir": "1"})
    (root / "var").mkdir()
    (root / "var/log").symlink_to(outside / "log")
    (root / "usr/share/man").symlink_to(outside / "man")
    (root / "etc").mkdir()
    (root / "etc/resolv.conf").symlink_to(outside / "resolv.conf")
    trim_rootfs(root)
    assert sorted(str(p.relative_to(outside)) for p in outside.rglob("*") if p.is_file()) == [
        "log/syslog",
        "man/man1/ls.1",
        "resolv.conf",
    ]
    assert not (root / "etc/resolv.conf").is_symlink()  # the link itself is removed
    assert (root / "var/log").is_symlink()
    assert not (root / "usr/share/info/dir").exists()


# --- the proxy's build context -------------------------------------------------------------------


def test_pip_platforms() -> None:
    assert pip_platforms("arm64", "2.19") == (
        "manylinux_2_19_aarch64",
        "manylinux_2_18_aarch64",
        "manylinux_2_17_aarch64",
        "manylinux2014_aarch64",
    )
    x86 = pip_platforms("amd64", "2.36")
    assert x86[:3] == ("manylinux_2_36_x86_64", "manylinux_2_35_x86_64", "manylinux_2_34_x86_64")
    assert x86[-4:] == (
        "manylinux_2_7_x86_64",
        "manylinux_2_6_x86_64",
        "manylinux_2_5_x86_64",
        "manylinux1_x86_64",
    )
    assert "manylinux2010_x86_64" in x86
    assert len(x86) == 32 + 3
    with pytest.raises(ValueError, match="no manylinux wheels for the architecture armel"):
        pip_platforms("armel", "2.36")
    with pytest.raises(ValueError, match=r"glibc 2\.12 is older than manylinux2014's 2\.17"):
        pip_platforms("amd64", "2.12")


@pytest.mark.parametrize(
    ("ref", "ours"),
    [
        ("claw-local/cllama:latest", True),
        ("claw-local/cllama", True),
        ("claw-local/cllama-e2e-1234:v2", True),
        ("claw-local/cllamas:latest", False),
        ("claw-local/demo-assistant:latest", False),
        ("ghcr.io/mostlydev/cllama:latest", False),
        ("localhost:5000/claw-local/cllama:latest", False),
        ("claw-local/cllama@sha256:" + "0" * 64, False),
    ],
)
def test_which_proxy_images_are_claws_own(ref: str, ours: bool) -> None:
    assert is_local_proxy_image(ref) is ours


def test_the_defaults_agree_with_the_pipeline() -> None:
    assert PROXY_IMAGE == DEFAULT_PROXY_IMAGE
    context = proxy_context({}, "3.11")
    assert f"EXPOSE {PROXY_PORT}\n" in context["Dockerfile"].content.decode()
    assert proxy_healthcheck("passthrough")[1] == "/cllama"


def test_the_proxys_sources_are_read_from_disk() -> None:
    sources = proxy_sources()
    proxy = ROOT / "clawlib" / "proxy"
    assert sorted(sources) == sorted(f"clawlib/proxy/{p.name}" for p in proxy.glob("*.py"))
    assert "clawlib/proxy/_main.py" in sources
    assert sources["clawlib/proxy/_main.py"] == (proxy / "_main.py").read_bytes()


def test_reading_the_sources_does_not_import_the_proxy() -> None:
    code = (
        "import sys\nfrom clawlib.images import proxy_sources, proxy_requirements\n"
        "proxy_sources(); proxy_requirements()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('clawlib.proxy', 'aiohttp'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_proxy_sources_refuse_a_directory_without_the_package(tmp_path: Path) -> None:
    (tmp_path / "_main.py").write_text("")
    with pytest.raises(ValueError, match="holds no") as caught:
        proxy_sources(tmp_path)
    assert str(caught.value) == f"{tmp_path} holds no __init__.py: the proxy's sources are missing"
    with pytest.raises(ValueError, match="the proxy's sources cannot be read in"):
        proxy_sources(tmp_path / "missing")


def test_requirements_come_from_the_proxy_extra() -> None:
    assert proxy_requirements() == ("aiohttp>=3.9,<4",)


def test_requirements_of_an_installed_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import metadata

    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "someone-else"\n')
    requires = [
        "textual>=1.0",
        'aiohttp<4,>=3.9; extra == "proxy"',
        'pytest<9,>=8.3; extra == "dev"',
        "aiohttp<4,>=3.9 ; extra == 'dev'",
    ]
    monkeypatch.setattr(metadata, "requires", lambda name: requires)
    assert proxy_requirements(other) == ("aiohttp<4,>=3.9",)
    monkeypatch.setattr(metadata, "requires", lambda name: requires[:1])
    with pytest.raises(ValueError, match=r"the installed clawdapus declares no \[proxy\] extra"):
        proxy_requirements(other)


def test_a_pyproject_without_the_extra_is_an_error(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "clawdapus"\n')
    with pytest.raises(ValueError, match="declares no") as caught:
        proxy_requirements(pyproject)
    assert str(caught.value) == f"{pyproject} declares no [proxy] extra"


DOCKERFILE = """\
# The governance proxy on claw's Python base image. Generated by claw (clawlib.images).
FROM claw-base/python:latest
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
EXPOSE 8080
ENTRYPOINT ["/cllama"]
CMD []
COPY site-packages/ /usr/local/lib/python3.12/dist-packages/
RUN ["python3", "-m", "compileall", "-q", "-j", "0", "/usr/local/lib/python3.12/dist-packages"]
COPY app/ /opt/cllama/
COPY cllama /cllama
RUN ["python3", "-m", "compileall", "-q", "/opt/cllama"]
"""


def test_the_build_context() -> None:
    sources = {
        "clawlib/proxy/__init__.py": b"from ._main import main\n",
        "clawlib/proxy/_main.py": b"x",
    }
    context = proxy_context(sources, "3.12")
    assert list(context) == [
        "Dockerfile",
        "app/clawlib/__init__.py",
        "app/clawlib/proxy/__init__.py",
        "app/clawlib/proxy/_main.py",
        "cllama",
    ]
    assert context["Dockerfile"] == ContextFile(DOCKERFILE.encode())
    assert context["app/clawlib/proxy/_main.py"] == ContextFile(b"x")
    assert context["cllama"].mode == 0o755
    script = context["cllama"].content.decode()
    assert script.startswith("#!/usr/bin/python3\n")
    assert 'sys.path.insert(0, "/opt/cllama")' in script
    assert script.endswith("from clawlib.proxy import main  # noqa: E402\n\nsys.exit(main())\n")
    stub = context["app/clawlib/__init__.py"]
    assert stub.mode == 0o644
    assert b"import" not in stub.content.replace(b"imports", b"")
    compile(stub.content, "__init__.py", "exec")
    compile(context["cllama"].content, "cllama", "exec")


# --- the labels that pin the inputs, and staleness -----------------------------------------------


def inputs(sources: dict[str, bytes] | None = None, base_id: str = "sha256:base") -> ProxyInputs:
    context = proxy_context(sources or {"clawlib/proxy/__init__.py": b"v1"}, "3.11")
    platforms = pip_platforms("amd64", "2.36")
    return ProxyInputs(context, ("aiohttp>=3.9,<4",), "3.11", platforms, base_id)


def test_the_labels_pin_every_input() -> None:
    first = inputs()
    manifest = {
        path: [oct(item.mode), hashlib.sha256(item.content).hexdigest()]
        for path, item in first.context.items()
    }
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()
    assert first.labels() == {
        "org.clawdapus.proxy.sources": digest,
        "org.clawdapus.proxy.requirements": "aiohttp>=3.9,<4",
        "org.clawdapus.proxy.target": "cp311-manylinux_2_36_x86_64",
        "org.clawdapus.proxy.base": "sha256:base",
    }
    assert inputs({"clawlib/proxy/__init__.py": b"v2"}).sources_digest != digest
    executable = dict(first.context)
    executable["app/clawlib/__init__.py"] = ContextFile(
        first.context["app/clawlib/__init__.py"].content, 0o755
    )
    changed_mode = ProxyInputs(executable, first.requirements, "3.11", first.platforms, "b")
    assert changed_mode.sources_digest != digest


def test_staleness_names_what_changed() -> None:
    current = inputs()
    built = {**current.labels(), PROXY_LABELS["packages"]: "aiohttp==3.14.5"}
    assert current.stale_reason(built) is None
    assert current.stale_reason(None) == "not built yet"
    assert current.stale_reason({"maintainer": "upstream"}) == (
        "the image under this tag was not built by claw"
    )
    edited = inputs({"clawlib/proxy/__init__.py": b"v2"})
    assert edited.stale_reason(built) == "the proxy's sources changed"
    rebased = inputs({"clawlib/proxy/__init__.py": b"v2"}, base_id="sha256:new")
    assert rebased.stale_reason(built) == (
        "the proxy's sources changed; the base image was rebuilt"
    )
    older = {**built, PROXY_LABELS["requirements"]: "aiohttp>=3.8"}
    older[PROXY_LABELS["target"]] = "cp310-manylinux_2_31_x86_64"
    assert current.stale_reason(older) == (
        "the proxy's requirements changed; the base image's Python or platform changed"
    )


def test_stale_reason_of_the_base() -> None:
    pin = {BASE_LABELS["recipe"]: ("abc", "its recipe changed")}
    assert stale_reason({BASE_LABELS["recipe"]: "abc"}, pin) is None
    assert stale_reason({BASE_LABELS["recipe"]: "old"}, pin) == "its recipe changed"
    assert stale_reason({}, pin) == "the image under this tag was not built by claw"
    assert stale_reason(None, pin) == "not built yet"


def test_resolved_packages(tmp_path: Path) -> None:
    for name in ("aiohttp-3.14.5.dist-info", "typing_extensions-4.16.0.dist-info", "aiohttp"):
        (tmp_path / name).mkdir()
    (tmp_path / "typing_extensions.py").write_text("")
    (tmp_path / "stray-1.0.dist-info").write_text("not a directory")
    assert resolved_packages(tmp_path) == ("aiohttp==3.14.5", "typing_extensions==4.16.0")


def test_cache_dir() -> None:
    assert cache_dir({"CLAW_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}) == Path("/c")
    assert cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/clawdapus")
    assert cache_dir({}) == Path(os.path.expanduser("~/.cache/clawdapus"))


# --- what happens before anything is built -------------------------------------------------------

BASE_ID = "sha256:" + "b" * 64


def base_labels(digest: str | None = None) -> dict[str, str]:
    return {
        BASE_LABELS["recipe"]: digest or BaseRecipe("bookworm").digest,
        BASE_LABELS["suite"]: "bookworm",
        BASE_LABELS["arch"]: "amd64",
        BASE_LABELS["python"]: "3.11",
        BASE_LABELS["glibc"]: "2.36",
    }


def engine(images: dict[str, FakeImage]) -> DockerView:
    return DockerView(lambda: FakeSdkClient(images=FakeImages(images)))


def test_an_up_to_date_proxy_image_runs_nothing() -> None:
    current = ProxyInputs(
        proxy_context(proxy_sources(), "3.11"),
        proxy_requirements(),
        "3.11",
        pip_platforms("amd64", "2.36"),
        BASE_ID,
    )
    view = engine(
        {
            PYTHON_BASE_IMAGE: FakeImage(BASE_ID, [PYTHON_BASE_IMAGE], base_labels()),
            "claw-local/cllama:t": FakeImage("sha256:proxy", [], current.labels()),
        }
    )
    runner = FakeRunner()
    steps: list[str] = []
    image = ensure_proxy_image(
        "claw-local/cllama:t", on_step=steps.append, view=view, runner=runner, env=BOOKWORM
    )
    assert (image.tag, image.id, image.built, image.reason) == (
        "claw-local/cllama:t",
        "sha256:proxy",
        False,
        "up to date",
    )
    assert image.base is not None
    assert (image.base.tag, image.base.id, image.base.built) == (PYTHON_BASE_IMAGE, BASE_ID, False)
    assert runner.calls == []
    assert steps == []


def test_without_root_a_missing_base_is_an_error_and_nothing_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(base_module, "_is_root", lambda: False)
    runner = FakeRunner()
    with pytest.raises(LocalImageError) as caught:
        ensure_proxy_image(view=engine({}), runner=runner, env=BOOKWORM)
    assert str(caught.value) == (
        'cannot build image "claw-base/python:latest": it is not built yet, and building it '
        "(debootstrap of Debian bookworm) needs root: run scripts/build-proxy-image as root once "
        "(or: sudo claw build --proxy), then try again"
    )
    assert runner.calls == []


def test_without_root_a_stale_base_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base_module, "_is_root", lambda: False)
    view = engine({PYTHON_BASE_IMAGE: FakeImage(BASE_ID, [], base_labels("an older recipe"))})
    steps: list[str] = []
    image = ensure_python_base(on_step=steps.append, view=view, runner=FakeRunner(), env=BOOKWORM)
    assert (image.id, image.built) == (BASE_ID, False)
    assert steps == [
        "claw-base/python:latest is stale (its recipe changed) and rebuilding it needs root: "
        "using it as it is (rebuild it as root with scripts/build-proxy-image)"
    ]


def test_no_debootstrap_and_no_apt_get(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base_module, "_is_root", lambda: True)
    monkeypatch.setattr(base_module, "_which", lambda program: None)
    runner = FakeRunner()
    with pytest.raises(LocalImageError) as caught:
        ensure_python_base(view=engine({}), runner=runner, env=BOOKWORM)
    assert str(caught.value) == (
        'cannot build image "claw-base/python:latest": debootstrap is not installed and there '
        "is no apt-get to install it with: install debootstrap (and Debian's archive keyring) "
        "with this system's package manager"
    )
    assert runner.calls == []


def test_debootstrap_is_installed_with_apt_get(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base_module, "_is_root", lambda: True)
    monkeypatch.setattr(base_module, "_which", {"apt-get": "/usr/bin/apt-get"}.get)
    runner = FakeRunner(streamed={("/usr/bin/apt-get", "update"): (100, ["E: no network"])})
    steps: list[str] = []
    with pytest.raises(LocalImageError) as caught:
        ensure_python_base(on_step=steps.append, view=engine({}), runner=runner, env=BOOKWORM)
    assert steps == ["installing debootstrap with apt-get"]
    assert str(caught.value) == (
        'cannot build image "claw-base/python:latest": installing debootstrap with apt-get '
        "failed (are Debian's package mirrors reachable?):\nE: no network"
    )
    assert caught.value.argv == ("/usr/bin/apt-get", "update", "-qq")
    assert runner.calls == [
        (("/usr/bin/apt-get", "update", "-qq"), {"DEBIAN_FRONTEND": "noninteractive"})
    ]


def test_an_unreachable_mirror(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(base_module, "_is_root", lambda: True)
    monkeypatch.setattr(base_module, "_which", {"debootstrap": "/usr/sbin/debootstrap"}.get)
    monkeypatch.setattr(base_module, "_scratch_parent", lambda: str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    failed = ["I: Retrieving InRelease", "E: Failed getting release file http://mirror.test/x"]
    runner = FakeRunner(streamed={("/usr/sbin/debootstrap",): (1, failed)})
    env = {**BOOKWORM, "CLAW_CACHE_DIR": str(tmp_path / "cache")}
    steps: list[str] = []
    with pytest.raises(LocalImageError) as caught:
        ensure_python_base(on_step=steps.append, view=engine({}), runner=runner, env=env)
    assert steps == [
        "building claw-base/python:latest (not built yet): Debian bookworm with python3 and "
        "ca-certificates by debootstrap from http://mirror.test/debian (mirror from "
        "CLAW_DEBIAN_MIRROR); this takes a minute or two, once"
    ]
    assert str(caught.value) == (
        'cannot build image "claw-base/python:latest": debootstrap of Debian bookworm from '
        "http://mirror.test/debian failed (is that mirror reachable from here? set "
        "CLAW_DEBIAN_MIRROR to one that is):\n" + "\n".join(failed)
    )
    ((argv, _),) = runner.calls
    assert argv[:5] == (
        "/usr/sbin/debootstrap",
        "--variant=minbase",
        "--include=python3,ca-certificates",
        f"--cache-dir={tmp_path}/cache/debootstrap/bookworm",
        "bookworm",
    )
    assert argv[5].startswith(f"{tmp_path}/scratch/claw-base-")
    assert argv[5].endswith("/rootfs")
    assert argv[6] == "http://mirror.test/debian"
    assert list((tmp_path / "scratch").iterdir()) == []  # the scratch root filesystem is gone


def test_no_network_to_pypi(tmp_path: Path) -> None:
    view = engine({PYTHON_BASE_IMAGE: FakeImage(BASE_ID, [], base_labels())})
    pip = (sys.executable, "-m", "pip", "install")
    runner = FakeRunner(streamed={pip: (1, ["ERROR: Could not find a version for aiohttp"])})
    env = {**BOOKWORM, "CLAW_CACHE_DIR": str(tmp_path)}
    steps: list[str] = []
    with pytest.raises(LocalImageError) as caught:
        ensure_proxy_image(
            "claw-local/cllama-x:1", on_step=steps.append, view=view, runner=runner, env=env
        )
    assert steps == [
        "building claw-local/cllama-x:1 (not built yet): the governance proxy on "
        "claw-base/python:latest",
        "fetching aiohttp>=3.9,<4 and its dependencies from PyPI as wheels for "
        "cp311-manylinux_2_36_x86_64",
    ]
    assert str(caught.value) == (
        'cannot build image "claw-local/cllama-x:1": pip could not fetch the proxy\'s packages '
        "(is PyPI, or the index pip is configured with, reachable? is pip installed for "
        f"{sys.executable}?):\nERROR: Could not find a version for aiohttp"
    )
    ((argv, pip_env),) = runner.calls
    assert pip_env == {"PIP_REQUIRE_VIRTUALENV": "0", "PIP_USER": "0"}
    assert argv[4:13] == (
        "--disable-pip-version-check",
        "--no-input",
        "--no-compile",
        "--progress-bar=off",
        argv[8],
        "--only-binary=:all:",
        "--implementation=cp",
        "--python-version=3.11",
        "--abi=cp311",
    )
    assert argv[8].startswith(f"--target={tmp_path}/proxy-site/")
    assert argv[13] == "--platform=manylinux_2_36_x86_64"
    assert argv[-1] == "aiohttp>=3.9,<4"
    assert list((tmp_path / "proxy-site").iterdir()) == []  # nothing half-fetched is kept


def test_a_base_without_a_python_label_is_an_error() -> None:
    labels = base_labels()
    del labels[BASE_LABELS["python"]]
    view = engine({PYTHON_BASE_IMAGE: FakeImage(BASE_ID, [], labels)})
    with pytest.raises(LocalImageError) as caught:
        ensure_proxy_image(view=view, runner=FakeRunner(), env={**BOOKWORM})
    # The recipe label matches, so the base is kept as it is; the proxy cannot target it.
    assert str(caught.value) == (
        'cannot build image "claw-local/cllama:latest": claw-base/python:latest has no Python '
        "version label (org.clawdapus.base.python)"
    )


# --- errors --------------------------------------------------------------------------------------


def test_a_command_result_tail_is_quoted() -> None:
    error = LocalImageError("x:1", "it failed", argv=["a"], returncode=2, output="  one\ntwo \n")
    assert str(error) == 'cannot build image "x:1": it failed:\none\ntwo'
    assert (error.image, error.reason, error.argv, error.returncode) == (
        "x:1",
        "it failed",
        ("a",),
        2,
    )
    assert str(LocalImageError("x:1", "no root")) == 'cannot build image "x:1": no root'


# --- claw up with a governed pod -----------------------------------------------------------------

GOVERNED = """\
x-claw:
  pod: gov
  cllama-image: {image}
services:
  alpha:
    image: claw-test/alpha:latest
    x-claw:
      agent: ./AGENTS.md
      cllama: passthrough
"""


def governed_plan(tmp_path: Path, text: str) -> Plan:
    (tmp_path / "claw-pod.yml").write_text(text)
    (tmp_path / "AGENTS.md").write_text("# Alpha\n")
    return plan_pod(load_pod(tmp_path, environ={}), labels=lambda ref: {"claw.type": "generic"})


def applied(tmp_path: Path, image: str, runner: FakeRunner) -> None:
    plan = governed_plan(tmp_path, GOVERNED.format(image=image))
    alpha = FakeImage("sha256:alpha", ["claw-test/alpha:latest"], {"claw.type": "generic"})
    apply(plan, view=engine({"claw-test/alpha:latest": alpha}), runner=runner)


COMPOSE: dict[tuple[str, ...], CommandResult | tuple[int, str, str]] = {
    ("docker", "compose", "version"): (0, "Docker Compose version v2.40.3", "")
}


def test_claw_up_builds_claws_own_proxy_image_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base_module, "_is_root", lambda: False)
    runner = FakeRunner(answers=COMPOSE)
    with pytest.raises(LocalImageError, match=r"claw-base/python:latest.*needs root"):
        applied(tmp_path, "claw-local/cllama-mine:v1", runner)
    assert [call[0] for call in runner.calls] == [("docker", "compose", "version")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["AGENTS.md", "claw-pod.yml"]


def test_claw_up_leaves_another_proxy_image_to_docker(tmp_path: Path) -> None:
    runner = FakeRunner(answers=COMPOSE)
    with pytest.raises(ImagePullError) as caught:
        applied(tmp_path, "ghcr.io/mostlydev/cllama:latest", runner)
    assert caught.value.image == "ghcr.io/mostlydev/cllama:latest"
    assert [call[0] for call in runner.calls][-1] == (
        "docker",
        "pull",
        "ghcr.io/mostlydev/cllama:latest",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["AGENTS.md", "claw-pod.yml"]


def test_claw_up_builds_the_proxy_image_a_plain_service_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's fake provider runs on the proxy's image: it is built for it too, even in a
    pod without governance; a service that builds its own image under that name is left alone."""
    monkeypatch.setattr(base_module, "_is_root", lambda: False)
    monkeypatch.setenv("CLAW_CACHE_DIR", str(tmp_path / "cache"))
    pod = tmp_path / "pod"
    (pod / "mine").mkdir(parents=True)
    (pod / "claw-pod.yml").write_text(
        "services:\n"
        "  fake-llm:\n    image: claw-local/cllama:latest\n    entrypoint: [python3, /f.py]\n"
        "  own:\n    image: claw-local/cllama-own:1\n    build: ./mine\n"
    )
    plan = plan_pod(load_pod(pod, environ={}), labels=lambda ref: None)
    steps: list[Progress] = []
    view = engine({PYTHON_BASE_IMAGE: FakeImage(BASE_ID, [], base_labels())})
    with pytest.raises(LocalImageError, match="pip could not fetch") as caught:
        apply(plan, view=view, runner=FakeRunner(answers=COMPOSE), on_progress=steps.append)
    assert caught.value.image == "claw-local/cllama:latest"
    building = [step.text for step in steps if step.stage == "build"]
    assert building[0] == (
        "building claw-local/cllama:latest (not built yet): the governance proxy on "
        "claw-base/python:latest"
    )
    assert not any("cllama-own" in text for text in building)
    assert sorted(p.name for p in pod.iterdir()) == ["claw-pod.yml", "mine"]


def test_claw_builds_no_image_for_another_proxy_type(tmp_path: Path) -> None:
    text = GOVERNED.format(image="claw-local/cllama:latest").replace("passthrough", "policy")
    plan = governed_plan(tmp_path, text)
    runner = FakeRunner(answers=COMPOSE)
    with pytest.raises(LocalImageError) as caught:
        apply(plan, view=engine({}), runner=runner)
    assert str(caught.value) == (
        'cannot build image "claw-local/cllama:latest": claw builds the passthrough proxy only, '
        'and the governed claws name the proxy type "policy": name its image in the pod\'s '
        "x-claw.cllama-image"
    )
