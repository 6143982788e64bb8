"""ProvToolbox, the reference PROV implementation, as the tests' second reader.

Its readers (Maven Central `org.openprovenance.prov`, `READERS` at `VERSION`) are resolved
with the machine's `mvn` into the cache (`PROVGRAPH_HOME`, like the Neo4j jars) on first
use; `ProvToolboxRead.java` beside this file is compiled there with `javac`. One JVM reads
a whole batch of files and writes each reading as ProvToolbox's own PROV-N.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

VERSION = "0.9.27"
READERS = ("prov-n", "prov-json", "prov-xml", "prov-rdf")
SOURCE = Path(__file__).with_name("ProvToolboxRead.java")
MAIN = "ProvToolboxRead"


class ProvToolboxUnavailable(RuntimeError):
    pass


def _run(command: list[str], cwd: Path, what: str) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise ProvToolboxUnavailable(f"{what} failed:\n{tail}")
    return result.stdout


def resolve(cache_dir: Path) -> Path:
    """The folder holding ProvToolbox's jars and the compiled reader (made once)."""
    home = cache_dir / f"provtoolbox-{VERSION}"
    lib, classes = home / "lib", classes_of(home)
    marker = home / ".complete"
    if marker.exists() and lib.exists() and (classes / f"{MAIN}.class").exists():
        return home
    mvn, javac = shutil.which("mvn"), shutil.which("javac")
    if not mvn or not javac:
        raise ProvToolboxUnavailable("the ProvToolbox tests need `mvn` and `javac` (JDK 17+)")
    if marker.exists() and lib.exists():  # jars there; only the reader changed
        _compile(javac, lib, classes, home)
        return home
    dependencies = "".join(
        "<dependency><groupId>org.openprovenance.prov</groupId>"
        f"<artifactId>{artifact}</artifactId><version>{VERSION}</version></dependency>"
        for artifact in READERS
    )
    pom = (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>provgraph</groupId><artifactId>provtoolbox-readers</artifactId>"
        f"<version>1</version><packaging>pom</packaging><dependencies>{dependencies}"
        "</dependencies></project>"
    )
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home) as tmp:
        (Path(tmp) / "pom.xml").write_text(pom)
        staged = Path(tmp) / "lib"
        _run(
            [mvn, "-B", "-q", "dependency:copy-dependencies", f"-DoutputDirectory={staged}"],
            Path(tmp),
            f"Maven resolving ProvToolbox {VERSION}",
        )
        if lib.exists():
            shutil.rmtree(lib)
        staged.rename(lib)
    _compile(javac, lib, classes, home)
    marker.write_text(VERSION + "\n")
    return home


def classes_of(home: Path) -> Path:
    """Where this version of the reader's source is compiled (a changed source recompiles)."""
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:12]
    return home / f"classes-{digest}"


def _compile(javac: str, lib: Path, classes: Path, home: Path) -> None:
    classes.mkdir(parents=True, exist_ok=True)
    _run(
        [javac, "-d", str(classes), "-cp", f"{lib}/*", str(SOURCE)],
        home,
        "compiling ProvToolboxRead.java",
    )


def read_as_provn(home: Path, files: list[Path], out_dir: Path) -> dict[Path, Path | str]:
    """How ProvToolbox reads each file: its PROV-N of the reading, or the error it gave."""
    java = shutil.which("java") or "java"
    outputs = {path: out_dir / f"{index}.provn" for index, path in enumerate(files)}
    arguments = [str(p) for pair in outputs.items() for p in pair]
    classpath = f"{classes_of(home)}:{home / 'lib'}/*"
    stdout = _run([java, "-cp", classpath, MAIN, *arguments], out_dir, "ProvToolbox")
    found: dict[Path, Path | str] = {}
    for line in stdout.splitlines():
        status, _, rest = line.partition(" ")
        if status == "ok":
            found[Path(rest)] = outputs[Path(rest)]
        elif status == "error":
            path, _, reason = rest.partition(" ")
            found[Path(path)] = reason
    for path in files:
        found.setdefault(path, "no answer from ProvToolbox")
    return found


LANGUAGE_STRING = re.compile(r'("(?:[^"\\]|\\.)*"@[A-Za-z0-9-]+) %% xsd:string')


def toolbox_provn(text: str) -> str:
    """ProvToolbox's PROV-N as `prov` parses it: ProvToolbox writes a language-tagged
    string with a datatype too (`"x"@en %% xsd:string`), which PROV-N's grammar (and prov)
    does not allow; the tag alone says the same."""
    return LANGUAGE_STRING.sub(r"\1", text)
