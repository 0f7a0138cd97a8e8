# nianbao — everyday targets. `make report COUNTY=xiangyuan YEAR=2018`.
NIANBAO ?= target/release/nianbao
FORMAT  ?= docx,pdf
OUT     ?= out
COUNTY  ?= xiangyuan
YEAR    ?= 2018

.PHONY: report all check test conformance bench clean build

build:
	cargo build --release --locked

report: build
	$(NIANBAO) render data/$(COUNTY)/$(YEAR).yaml --format $(FORMAT) --out $(OUT)

all: build
	$(NIANBAO) render $(sort $(wildcard data/*/[0-9][0-9][0-9][0-9].yaml)) --format $(FORMAT) --out $(OUT)

check: build
	$(NIANBAO) check data

test:
	cargo test --locked

conformance: build
	@set -e; for t in tests/conformance/[!_]*.py; do echo "== $$t"; python3 "$$t"; done

bench:
	cargo bench --locked

clean:
	find $(OUT) -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
