# nianbao — everyday targets:
#   make report COUNTY=xiangyuan YEAR=2018   one report (DOCX + PDF), only if its inputs changed
#   make all                                  every county and year, in parallel, skipping unchanged ones
#   make all FORMAT=docx,pdf,ofd              the same with the OFD too (FORMAT: any of md,docx,pdf,ofd)
#   make check | test | conformance | bench | fuzz | clean
#   make compare BASE=main~1                  every format of the samples, fixtures and 100 counties,
#                                             byte for byte against what revision BASE writes
NIANBAO ?= target/release/nianbao
FORMAT  ?= docx,pdf
FUZZ_SECONDS ?= 60
OUT     ?= out
COUNTY  ?= xiangyuan
YEAR    ?= 2018
DATA    := $(sort $(wildcard data/*/[0-9][0-9][0-9][0-9].yaml))
STAMPS  := $(patsubst data/%.yaml,$(OUT)/.nianbao/%.stamp,$(DATA))

BASE    ?= HEAD

.PHONY: report all check test conformance bench fuzz compare clean build

build:
	cargo build --release --locked -q

report: build
	@$(MAKE) --no-print-directory $(OUT)/.nianbao/$(COUNTY)/$(YEAR).stamp

# One report; its depfile (written by --depfile) lists every input it read.
$(OUT)/.nianbao/%.stamp: data/%.yaml $(NIANBAO)
	$(NIANBAO) render $< --format $(FORMAT) --out $(OUT) --depfile

-include $(STAMPS:.stamp=.d)

all: build
	$(NIANBAO) batch data --format $(FORMAT) --out $(OUT) --depfile

check: build
	$(NIANBAO) check data

test:
	cargo test --locked

conformance: build
	@set -e; for t in tests/conformance/[!_]*.py; do echo "== $$t"; python3 "$$t"; done

bench: build
	cargo bench --locked
	python3 benches/typst_compare.py $(NIANBAO)

# Outputs byte for byte against revision BASE's (see tests/compare-outputs).
compare:
	tests/compare-outputs $(BASE)

# Every fuzz target for FUZZ_SECONDS each on the stable toolchain (see fuzz/run).
fuzz:
	fuzz/run $(FUZZ_SECONDS)

clean:
	find $(OUT) -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
