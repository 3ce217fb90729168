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

# A strict editable install: a link tree in build/ that maps tasks/, runbooks/, ecx/ and lab/ into their packages,
# so mypy and the tests import one name per module. The tree lists files, so a new or removed module re-links it.
EDITABLE := --config-settings editable_mode=strict
PACKAGE_FILES = find src tasks runbooks ecx lab -type f \( -name '*.py' -o -name '*.sh' -o -path 'lab/files/*' -o -path 'ecx/sudoers' \) | sort

venv: $(VENV)/.installed
	@$(PACKAGE_FILES) > $(VENV)/.files.new; \
	if cmp -s $(VENV)/.files.new $(VENV)/.files; then rm $(VENV)/.files.new; else \
	  $(BIN)/python -m pip install -q --no-deps -e . $(EDITABLE) && mv $(VENV)/.files.new $(VENV)/.files; fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python -a -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]' $(EDITABLE)
	$(PACKAGE_FILES) > $(VENV)/.files
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
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache .hypothesis *.egg-info
