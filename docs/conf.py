"""Sphinx configuration for numdiff's documentation."""
import numdiff

project = "numdiff"
author = "numdiff developers"
copyright = "2026, numdiff developers"
version = release = numdiff.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
default_role = "autolink"

intersphinx_mapping = {}

html_theme = "pydata_sphinx_theme"
html_title = "numdiff"
html_theme_options = {"navigation_with_keys": False}
templates_path = []
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.md5",
                    "sg_execution_times.rst"]

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "write_computation_times": False,
}
