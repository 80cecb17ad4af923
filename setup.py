"""Build the Cython extensions of numdiff.

Metadata lives in ``pyproject.toml``; this file only declares the compiled
modules and their compiler directives, in one place.

Set ``NUMDIFF_DEBUG=1`` in the environment to build with ``boundscheck``,
``initializedcheck``, ``wraparound`` and ``nonecheck`` switched on (the CI runs
the whole test suite against such a build once).
"""
import os

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

DEBUG = os.environ.get("NUMDIFF_DEBUG", "0").lower() not in ("", "0", "false", "no")

DIRECTIVES = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    "nonecheck": DEBUG,
    "cdivision": not DEBUG,
    "embedsignature": True,
}

MODULES = [
    "numdiff.differentiate._kernels",
    "numdiff.differentiate._colouring",
    "numdiff.dual._scalar",
    "numdiff.dual._core",
    "numdiff.optimize._interp",
    "numdiff.optimize._initial",
    "numdiff.optimize._backtracking",
    "numdiff.optimize._strong_wolfe",
    "numdiff.optimize._more_thuente",
    "numdiff.optimize._hager_zhang",
    "numdiff.optimize._solvers",
    "numdiff.optimize._root",
]

extensions = [
    Extension(
        name,
        [name.replace(".", "/") + ".pyx"],
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")]
        + ([("NUMDIFF_DEBUG_BUILD", "1")] if DEBUG else []),
        extra_compile_args=["-O0", "-g"] if DEBUG else ["-O2"],
    )
    for name in MODULES
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives=DIRECTIVES,
        # A debug build must not reuse C files generated without checks.
        force=DEBUG,
    ),
)
