"""ProvToolbox, the reference PROV implementation, as the tests' second opinion.

Two small Java programs beside this file, each with the ProvToolbox artifacts it needs
(Maven Central `org.openprovenance.prov`), resolved with the machine's `mvn` into the cache
(`PROVGRAPH_HOME`, like the Neo4j jars) on first use and compiled there with `javac`:

- `READER` (0.9.27, the release with PROV-N, PROV-JSON, PROV-XML and RDF readers):
  `ProvToolboxRead.java` reads a batch of files and writes each reading as ProvToolbox's
  own PROV-N.
- `VALIDATOR` (2.2.1: `prov-validation` is on Maven Central only from 2.x):
  `ProvToolboxValidate.java` runs ProvToolbox's PROV-CONSTRAINTS validator on PROV-N files.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


class ProvToolboxUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Program:
    name: str  # the Java class, and its source file's name
    version: str
    artifacts: tuple[str, ...]

    @property
    def source(self) -> Path:
        return HERE / f"{self.name}.java"

    def home(self, cache_dir: Path) -> Path:
        return cache_dir / f"provtoolbox-{self.version}"

    def classes(self, home: Path) -> Path:
        """Where this version of the source is compiled (a changed source recompiles)."""
        digest = hashlib.sha256(self.source.read_bytes()).hexdigest()[:12]
        return home / f"classes-{self.name}-{digest}"

    def resolve(self, cache_dir: Path) -> Path:
        """The folder holding the jars and the compiled program (made once)."""
        home = self.home(cache_dir)
        lib, classes = home / "lib", self.classes(home)
        marker = home / ".complete"
        if marker.exists() and lib.exists() and (classes / f"{self.name}.class").exists():
            return home
        mvn, javac = shutil.which("mvn"), shutil.which("javac")
        if not mvn or not javac:
            raise ProvToolboxUnavailable("the ProvToolbox tests need `mvn` and `javac` (JDK 17+)")
        if not (marker.exists() and lib.exists()):
            self._resolve_jars(mvn, home, lib)
            marker.write_text(self.version + "\n")
        classes.mkdir(parents=True, exist_ok=True)
        _run(
            [javac, "-d", str(classes), "-cp", f"{lib}/*", str(self.source)],
            home,
            f"compiling {self.source.name}",
        )
        return home

    def _resolve_jars(self, mvn: str, home: Path, lib: Path) -> None:
        dependencies = "".join(
            "<dependency><groupId>org.openprovenance.prov</groupId>"
            f"<artifactId>{artifact}</artifactId><version>{self.version}</version></dependency>"
            for artifact in self.artifacts
        )
        pom = (
            '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0'
            "</modelVersion><groupId>provgraph</groupId><artifactId>provtoolbox</artifactId>"
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
                f"Maven resolving ProvToolbox {self.version}",
            )
            if lib.exists():
                shutil.rmtree(lib)
            staged.rename(lib)

    def run(self, cache_dir: Path, arguments: list[str], cwd: Path) -> list[tuple[str, str, str]]:
        """(status, file, rest) per line the program prints."""
        home = self.resolve(cache_dir)
        java = shutil.which("java") or "java"
        classpath = f"{self.classes(home)}:{home / 'lib'}/*"
        stdout = _run([java, "-cp", classpath, self.name, *arguments], cwd, "ProvToolbox")
        lines = []
        for line in stdout.splitlines():
            status, _, rest = line.partition(" ")
            path, _, detail = rest.partition(" ")
            if status in ("ok", "error", "valid", "invalid"):
                lines.append((status, path, detail))
        return lines


READER = Program("ProvToolboxRead", "0.9.27", ("prov-n", "prov-json", "prov-xml", "prov-rdf"))
VALIDATOR = Program("ProvToolboxValidate", "2.2.1", ("prov-validation", "prov-n"))


def _run(command: list[str], cwd: Path, what: str) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise ProvToolboxUnavailable(f"{what} failed:\n{tail}")
    return result.stdout


def read_as_provn(cache_dir: Path, files: list[Path], out_dir: Path) -> dict[Path, Path | str]:
    """How ProvToolbox reads each file: its PROV-N of the reading, or the error it gave."""
    outputs = {path: out_dir / f"{index}.provn" for index, path in enumerate(files)}
    arguments = [str(p) for pair in outputs.items() for p in pair]
    found: dict[Path, Path | str] = {}
    for status, path, detail in READER.run(cache_dir, arguments, out_dir):
        found[Path(path)] = outputs[Path(path)] if status == "ok" else detail
    for file in files:
        found.setdefault(file, "no answer from ProvToolbox")
    return found


def validate(cache_dir: Path, files: list[Path]) -> dict[Path, bool | str]:
    """ProvToolbox's validator on each PROV-N file: valid or not, or the error it gave."""
    found: dict[Path, bool | str] = {}
    for status, path, detail in VALIDATOR.run(cache_dir, [str(f) for f in files], HERE):
        found[Path(path)] = status == "valid" if status in ("valid", "invalid") else detail
    return found


LANGUAGE_STRING = re.compile(r'("(?:[^"\\]|\\.)*"@[A-Za-z0-9-]+) %% xsd:string')


def toolbox_provn(text: str) -> str:
    """ProvToolbox's PROV-N as `prov` parses it: ProvToolbox writes a language-tagged
    string with a datatype too (`"x"@en %% xsd:string`), which PROV-N's grammar (and prov)
    does not allow; the tag alone says the same."""
    return LANGUAGE_STRING.sub(r"\1", text)
