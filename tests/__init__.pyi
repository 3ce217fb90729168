# Marks tests/ as the package "tests" for type checkers only: mypy reads __init__.pyi as a package marker, while
# Python and pytest look for __init__.py and so still import the suite exactly as before. With it, mypy names
# tests/conftest.py "tests.conftest" and tests/lab/conftest.py "tests.lab.conftest" instead of "conftest" twice.
