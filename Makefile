# The README's two commands are `make demo` and `make test`; each does its own set-up and is safe to repeat.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_DIR ?= .lab
NIC_STYLE ?= link

.PHONY: setup system venv lint test demo clean

setup: system
	$(MAKE) venv

system:
	bash lab/install-packages.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python -a -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: for this suite that means something is broken, so it fails too.
test: setup
	$(MAKE) lint
	@set +e; $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

demo: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" NIC_STYLE=$(NIC_STYLE) bash lab/demo.sh $(LAB_DIR)

clean:
	-test -x $(BIN)/ospf-failover && $(BIN)/ospf-failover lab down --dir $(LAB_DIR)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis *.egg-info
