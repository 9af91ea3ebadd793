# Set-up on a fresh machine: `make generate` (regenerate the SDK from spec/openapi.yaml), `make test`.
SPEC      ?= spec/openapi.yaml
SDK       ?= generated-sdk
VENV      ?= .venv
GENERATOR  = cargo run --quiet --release -p openapi-sdkgen --
export CARGO_TERM_COLOR ?= never

.PHONY: generate check diff lint build features clippy doc unit-test fuzz-smoke fuzz mock-test corpus works works-sample oas31 oas31-sample fastapi semver names generality test bench bench-compile clean

generate:
	$(GENERATOR) generate --spec $(SPEC) --out $(SDK)

# Drift: fails and names every file that differs when the checked-in SDK is stale.
check:
	$(GENERATOR) check --spec $(SPEC) --out $(SDK)

# What the spec's uncommitted changes do to the SDK's users (OLD: a spec file or a git revision).
OLD ?= HEAD
diff:
	$(GENERATOR) diff --old $(OLD) --spec $(SPEC)

$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

lint: $(VENV)/.installed
	$(VENV)/bin/openapi-spec-validator $(SPEC)

# The SDK builds, lints and documents without a single warning.
build:
	RUSTFLAGS="-D warnings" cargo build --quiet -p llama-cloud --all-targets
# Each feature alone (every resource's, down to the leaves, and `standalone-types`), and none, builds
# without a warning, the generated tests included.
features:
	for feature in $$(sed -n '/^\[features\]/,/^\[dep/s/^\([a-z0-9_-]*\) = \[.*/\1/p' $(SDK)/Cargo.toml | grep -v -x -e default -e mock-server-tests); do \
		echo "llama-cloud with only $$feature"; \
		RUSTFLAGS="-D warnings" cargo check --quiet -p llama-cloud --lib --tests --no-default-features --features $$feature || exit 1; \
	done
	RUSTFLAGS="-D warnings" cargo check --quiet -p llama-cloud --lib --tests --no-default-features
clippy:
	cargo clippy --quiet --workspace --all-targets -- -D warnings
doc:
	RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p llama-cloud

unit-test:
	cargo test --workspace --exclude sdk-fuzz

# The fuzz crate's tests (a 2-second run of each target, and the inputs fuzzing once failed on) on
# their own, so the SDK builds with exactly its own dependency features.
fuzz-smoke:
	cargo test -p sdk-fuzz

# Every fuzz target for FUZZ_SECONDS on each core (the default run is over 10 million executions).
FUZZ_SECONDS ?= 30
fuzz:
	cargo build --quiet --release -p sdk-fuzz
	target/release/sdk-fuzz --seconds $(FUZZ_SECONDS)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Every operation through the SDK against Prism serving the spec; then the README's Quick start
# (examples/quick_start.rs), which must end by itself although Prism repeats its page cursor.
mock-test: node_modules/.installed
	scripts/with-prism.sh $(SPEC) cargo test -p llama-cloud --features mock-server-tests --test mock_server
	cargo build --quiet -p llama-cloud --example quick_start
	scripts/with-prism.sh $(SPEC) sh -c 'LLAMA_CLOUD_BASE_URL=$$MOCK_SERVER_URL LLAMA_CLOUD_API_KEY=test timeout 60 target/debug/examples/quick_start'

# Generate and compile an SDK for every real-world spec in ../shared/specs, and for a fixed sample of
# 19 specs of the APIs-guru corpus (every 10th of ../shared/corpus/train200.txt under 1 MB).
corpus: node_modules/.installed
	scripts/corpus.sh
	python3 scripts/generality.py --list ../shared/corpus/train200.txt --every 10 --max-bytes 1000000 --require-all

# Generated SDKs that work: for 47 specs of the APIs-guru corpus (scripts/works.txt, 1,704 operations),
# every operation through its generated SDK against Prism serving the spec, each failure's cause
# classified (the SDK's, the spec's example, Prism's limit); fails on any that is the SDK's. Not part
# of `make test` (about 40 minutes on 2 cores); `works-sample` runs three of the specs and the
# test_inputs fixture there.
works: node_modules/.installed $(VENV)/.installed
	$(VENV)/bin/python scripts/works.py --require-sdk-zero
WORKS_SAMPLE = amadeus.com/amadeus-branded-fares-upsell.json pay1.de/link.json nexmo.com/subaccounts.json
works-sample: node_modules/.installed $(VENV)/.installed
	$(VENV)/bin/python scripts/works.py --require-sdk-zero --only $(WORKS_SAMPLE) --spec tests/fixtures/test_inputs.yaml

# OpenAPI 3.1 documents installed by package (scripts/oas31.py): npm's, and the 3.1 test documents
# of datamodel-code-generator's sdist (pip download, pinned in the script). Each valid one generates
# and passes `cargo check`, each invalid one generates or fails cleanly at a JSON pointer, none
# panics. The sample (every 6th of the npm documents, 10 of 60) runs in `make test`.
oas31: node_modules/.installed $(VENV)/.installed
	$(VENV)/bin/python scripts/oas31.py --pypi
oas31-sample: node_modules/.installed $(VENV)/.installed
	$(VENV)/bin/python scripts/oas31.py --every 6

# The SDK generated from the OpenAPI 3.1 document a FastAPI application of our own serves
# (tests/fastapi/app.py), tested against that application on loopback (scripts/fastapi.sh): an
# upload, a tagged union both ways, tuples both ways, cookies, optional and nullable fields.
fastapi: $(VENV)/.installed
	PYTHON=$(VENV)/bin/python scripts/fastapi.sh

# The generator at scale (not part of `make test`; about an hour on 2 cores): generation alone over all
# 2,639 specs of the APIs-guru directory, then generate + cargo check for train200 and the giants.
generality: node_modules/.installed
	python3 scripts/generality.py --all --list ../shared/corpus/train200.txt --giants

# cargo-semver-checks, pinned, installed into .tools (about 10 minutes to build on 2 cores).
SEMVER_CHECKS_VERSION = 0.51.0
SEMVER_CHECKS = .tools/bin/cargo-semver-checks
$(SEMVER_CHECKS):
	cargo install --quiet --locked cargo-semver-checks --version $(SEMVER_CHECKS_VERSION) --root .tools

# `generator diff`'s verdict on 24 scripted spec changes must agree with cargo-semver-checks on the
# two generated crates, and regenerating must bump the version accordingly (scripts/semver.py).
semver: $(SEMVER_CHECKS) $(VENV)/.installed
	$(VENV)/bin/python scripts/semver.py --semver-checks $(SEMVER_CHECKS)

# 34 changes that only add to a spec (the LlamaCloud spec and fixture specs), one per naming rule, must
# break nothing: no `breaking` entry from `generator diff`, nothing cargo-semver-checks flags, and code
# using every item of the old SDK still compiles (scripts/additive.py; names kept by api-names.json).
names: $(SEMVER_CHECKS) $(VENV)/.installed
	$(VENV)/bin/python scripts/additive.py --semver-checks $(SEMVER_CHECKS)

test: lint check build features clippy doc unit-test fuzz-smoke mock-test corpus works-sample oas31-sample fastapi semver names

bench:
	scripts/bench.sh

# The `cargo check` time and rustc peak memory of generated crates against yardsticks (also in `bench`);
# BENCH_COMPILE_ARGS=--graph adds Microsoft Graph v1.0.
bench-compile: node_modules/.installed
	python3 scripts/bench_compile.py $(BENCH_COMPILE_ARGS)

clean:
	cargo clean
	rm -rf $(VENV) node_modules
