"""What a user gets from the built package (issue 17): the wheel's data and licence, an sdist that runs its tests,
and `validate` working after the schemas are fetched into the cache.

Built with ``python -m build --no-isolation`` (the ``test`` extra installs ``build`` and setuptools >= 77), so no
network is used; the installs that need PyPI (each extra in a fresh venv) are in bench/extras_check.sh.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_SCHEMAS = ROOT.parent / "shared" / "schemas"

slow = pytest.mark.slow  # the tests that build the package (about 30 s each on an idle machine)


def _setuptools_supports_spdx() -> bool:
    try:
        from importlib.metadata import version

        return int(version("setuptools").split(".")[0]) >= 77
    except Exception:
        return False


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    pytest.importorskip("build", reason="the test extra installs `build`")
    if not _setuptools_supports_spdx():
        pytest.skip("needs setuptools >= 77 (the test extra installs it) to build without the network")
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return out


def _one(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


@slow
def test_wheel_has_the_json_schema_the_profile_and_an_spdx_licence(dist):
    with zipfile.ZipFile(_one(dist, "digitize-*.whl")) as wheel:
        names = set(wheel.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(wheel.read(meta_name))
        licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        assert b"Apache License" in wheel.read(licence) and b"Version 2.0" in wheel.read(licence)
    assert {"digitize/data/digitize-page.schema.json", "digitize/data/alto-profile.md"} <= names
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["License"] is None  # the deprecated free-text field is gone
    assert not [n for n in names if n.endswith(".xsd")]  # official schemas are fetched, never shipped


@slow
def test_sdist_carries_what_its_tests_need(dist):
    with tarfile.open(_one(dist, "digitize-*.tar.gz")) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    needed = {
        "LICENSE",
        "README.md",
        "Makefile",
        "MANIFEST.in",
        "pyproject.toml",
        "tests/conftest.py",
        "tests/test_json_schema.py",
        "samples/jinzhong-front-clean.png",
        "samples/jinzhong-front.gt.txt",
        "digitize/data/digitize-page.schema.json",
        "bench/extras_check.sh",
    }
    assert needed <= names, needed - names
    assert not [n for n in names if n.endswith(".xsd") or "__pycache__" in n]


@slow
def test_sdist_runs_its_own_tests(dist, tmp_path):
    with tarfile.open(_one(dist, "digitize-*.tar.gz")) as sdist:
        sdist.extractall(tmp_path, filter="data")
    unpacked = _one(tmp_path, "digitize-*")
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not slow",
            "tests/test_json_schema.py",
            "tests/test_repair.py",
        ],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "error" not in run.stdout.splitlines()[-1]


@pytest.fixture()
def installed(dist, tmp_path) -> dict:
    """The wheel unpacked with pip into a folder of its own (no dependencies, no network), run outside the repo."""
    target = tmp_path / "site"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(_one(dist, "digitize-*.whl")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    cwd = tmp_path / "elsewhere" / "work"  # no ../shared/schemas from here
    cwd.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "DIGITIZE_SCHEMA_DIR"}
    env |= {"PYTHONPATH": str(target), "DIGITIZE_CACHE_DIR": str(tmp_path / "cache")}
    return {"cwd": cwd, "env": env, "site": target}


def _python(installed: dict, code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=installed["cwd"],
        env=installed["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@slow
def test_installed_wheel_reads_its_json_schema(installed):
    run = _python(
        installed,
        "import digitize, digitize.schemas as s; print(digitize.__file__); print(s.page_json_schema()['$id'])",
    )
    assert run.returncode == 0, run.stderr
    where, schema_id = run.stdout.split()
    assert Path(where).is_relative_to(installed["site"])
    assert schema_id == "urn:digitize:schema:digitize-page:1"


VALIDATE = "import sys; from digitize.cli import main; sys.argv = ['digitize', 'validate', *sys.argv[1:]]; main()"
ALTO = """<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#" SCHEMAVERSION="4.4"><Description>
<MeasurementUnit>pixel</MeasurementUnit></Description><Layout><Page ID="p1" PHYSICAL_IMG_NR="1" HEIGHT="10" WIDTH="10">
<PrintSpace/></Page></Layout></alto>"""
METS = """<mets xmlns="http://www.loc.gov/METS/"><structMap><div/></structMap></mets>"""
PAGE = """<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Metadata><Creator>t</Creator>
<Created>2024-01-01T00:00:00</Created><LastChange>2024-01-01T00:00:00</LastChange></Metadata>
<Page imageFilename="p.png" imageWidth="10" imageHeight="10"/></PcGts>"""


@slow
@pytest.mark.skipif(not SHARED_SCHEMAS.is_dir(), reason="shared/schemas is not beside the checkout")
def test_validate_after_install_needs_the_fetch_and_then_works(installed):
    files = []
    for name, text in (("page.alto.xml", ALTO), ("issue.mets.xml", METS), ("page.xml", PAGE)):
        (installed["cwd"] / name).write_text(text, encoding="utf-8")
        files.append(name)
    before = _python(installed, VALIDATE, *files)
    if "ocrd_validators" not in before.stderr:  # an OCR-D install would supply METS and PAGE
        assert before.returncode == 3, before.stdout + before.stderr
        assert "digitize fetch-schemas" in before.stderr and "Traceback" not in before.stderr
    fetch = _python(
        installed,
        "import sys; from digitize.schemas import fetch_schemas; "
        "print(sum(bool(f.origin) for f in fetch_schemas(sys.argv[1])))",
        str(SHARED_SCHEMAS),
    )
    assert fetch.returncode == 0, fetch.stderr
    assert (Path(installed["env"]["DIGITIZE_CACHE_DIR"]) / "schemas" / "SOURCES.json").is_file()
    after = _python(installed, VALIDATE, *files)
    assert after.returncode == 0, after.stdout + after.stderr
    assert [line.split(" (")[1].split(",")[0] for line in after.stdout.splitlines()] == [
        "ALTO 4.4",
        "METS",
        "PAGE 2019-07-15",
    ]


# --- the schema lookup and the fetch, in-process (fast) -----------------------------------------------------------

needs_shared = pytest.mark.skipif(not SHARED_SCHEMAS.is_dir(), reason="shared/schemas is not beside the checkout")


@pytest.fixture()
def no_schemas(tmp_path, monkeypatch):
    """A user's machine after `pip install`: no shared/, an empty cache, no OCR-D package."""
    from digitize import schemas

    monkeypatch.delenv(schemas.ENV_VAR, raising=False)
    monkeypatch.setenv(schemas.CACHE_ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.setattr(schemas, "shared_schema_dirs", lambda: [])
    monkeypatch.setattr(schemas, "SCHEMA_PACKAGES", ())
    schemas._cache.clear()
    yield schemas
    schemas._cache.clear()


def test_a_missing_official_schema_says_how_to_fetch_it(no_schemas):
    with pytest.raises(no_schemas.SchemaNotFound, match="digitize fetch-schemas"):
        no_schemas.find_schema("alto-4-4.xsd")
    with pytest.raises(no_schemas.SchemaNotFound, match="digitize fetch-schemas"):
        no_schemas.validate(ALTO.encode(), "alto-4-4.xsd")


@needs_shared
def test_fetch_from_a_folder_fills_the_cache_that_validate_reads(no_schemas, tmp_path):
    got = no_schemas.fetch_schemas(SHARED_SCHEMAS)
    assert {f.name for f in got if not f.origin} == set()
    assert no_schemas.schema_dirs() == [tmp_path / "cache" / "schemas"]
    assert no_schemas.validate(ALTO.encode(), "alto-4-4.xsd") == []
    assert no_schemas.validate(METS.encode(), "mets.xsd") == []
    assert no_schemas.validate(PAGE.encode(), "page.xsd") == []
    assert no_schemas.validate(METS.encode().replace(b"<div/>", b"<dov/>"), "mets.xsd")  # and it can fail
    assert not no_schemas.has_schema("alto-4-5.xsd")  # a version no one publishes is the file's problem, not ours


@needs_shared
def test_package_folders_come_after_the_cache(no_schemas, tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "fake_ocrd_validators"
    package.mkdir(parents=True)
    for name in ("mets.xsd", "xlink.xsd"):
        (package / name).write_bytes((SHARED_SCHEMAS / name).read_bytes())
    monkeypatch.syspath_prepend(str(package.parent))
    monkeypatch.setattr(no_schemas, "SCHEMA_PACKAGES", ("fake_ocrd_validators",))
    assert no_schemas.find_schema("mets.xsd") == package.resolve() / "mets.xsd"  # no cache yet: the package
    with pytest.raises(no_schemas.SchemaNotFound, match="fetch-schemas"):
        no_schemas.find_schema("alto-4-4.xsd")
    got = {f.name: f.origin for f in no_schemas.fetch_schemas(SHARED_SCHEMAS)}
    assert got["mets.xsd"] == str(SHARED_SCHEMAS.resolve())  # the folder named wins over the package
    assert no_schemas.find_schema("mets.xsd") == tmp_path / "cache" / "schemas" / "mets.xsd"


@pytest.fixture()
def publisher(tmp_path):
    """A local HTTP server standing in for the publishers: the files as published (remote xlink import)."""
    import functools
    import http.server
    import threading

    root = tmp_path / "published"
    root.mkdir()
    for path in SHARED_SCHEMAS.glob("*.xsd"):
        data = path.read_bytes().replace(
            b'schemaLocation="xlink.xsd"', b'schemaLocation="http://www.loc.gov/standards/xlink/xlink.xsd"'
        )
        (root / path.name).write_bytes(data)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@needs_shared
def test_download_only_when_asked_and_imports_made_local(no_schemas, publisher, tmp_path):
    from digitize.schemas import OFFICIAL_URLS

    root, base = publisher
    urls = {name: f"{base}/{name}" for name in OFFICIAL_URLS}
    with pytest.raises(no_schemas.SchemaNotFound, match="no XSD found"):
        no_schemas.fetch_schemas(urls=urls)  # download not asked for: nothing is fetched
    assert not (tmp_path / "cache" / "schemas").exists()
    got = {f.name: f.origin for f in no_schemas.fetch_schemas(download=True, urls=urls)}
    assert got["alto-4-4.xsd"] == f"{base}/alto-4-4.xsd"
    cached = (tmp_path / "cache" / "schemas" / "alto-4-4.xsd").read_bytes()
    assert b'schemaLocation="xlink.xsd"' in cached and b'schemaLocation="http' not in cached
    assert no_schemas.validate(ALTO.encode(), "alto-4-4.xsd") == []
    # A publisher serving something else (an error page) fails the fetch and leaves the cache as it was.
    (root / "mets.xsd").write_text("<html>moved</html>", encoding="utf-8")
    before = (tmp_path / "cache" / "schemas" / "SOURCES.json").read_text(encoding="utf-8")
    with pytest.raises(no_schemas.SchemaNotFound, match=r"mets\.xsd"):
        no_schemas.fetch_schemas(download=True, urls=urls)
    assert (tmp_path / "cache" / "schemas" / "SOURCES.json").read_text(encoding="utf-8") == before
