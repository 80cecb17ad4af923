"""Run the docstring examples of the installed package and the README."""
import doctest
import importlib
import pathlib
import pkgutil

import pytest

import numdiff

MODULES = sorted(m.name for m in pkgutil.walk_packages(numdiff.__path__, "numdiff.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", ["numdiff"] + MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0


def test_readme_examples():
    readme = pathlib.Path(__file__).resolve().parents[1] / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not next to the tests (installed from a wheel)")
    res = doctest.testfile(str(readme), module_relative=False,
                           optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 5


GUIDE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "user_guide"


@pytest.mark.parametrize("page", sorted(p.name for p in GUIDE.glob("*.rst"))
                         if GUIDE.exists() else [])
def test_user_guide_examples(page):
    res = doctest.testfile(str(GUIDE / page), module_relative=False,
                           optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0
