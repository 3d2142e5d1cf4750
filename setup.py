"""Only what pyproject.toml cannot say: mappings/ ships inside the wheel as the package
`dumpkit.mappings`, so a non-editable install (`pip install .`) has its platforms too."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["dumpkit*"]) + ["dumpkit.mappings"],
    package_dir={"dumpkit.mappings": "mappings"},
)
