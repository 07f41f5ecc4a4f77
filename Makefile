# The two commands of the README: `make demo` and `make test`. Both install missing Debian
# packages (scripts/install-deps.sh, idempotent), configure and build into build/.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test demo clean format

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then \
	  cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS); \
	fi

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

format:
	@git ls-files '*.cc' '*.h' '*.c' | xargs clang-format -i

clean:
	@rm -rf $(BUILD)
