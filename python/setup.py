"""Build hook: copies libTensorSeedC (the C ABI) into the package, building it with SwiftPM when it is missing.

`pip install ./python` from a checkout: uses ../.build/release/libTensorSeedC.{so,dylib} if it is there, else runs
`swift build -c release --product TensorSeedC` in the repository first. TENSORSEED_LIBRARY names another file.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LIBRARY = "libTensorSeedC.dylib" if sys.platform == "darwin" else "libTensorSeedC.so"


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        source = self._library()
        target = Path(self.build_lib) / "tensorseed" / LIBRARY
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)

    @staticmethod
    def _library():
        if os.environ.get("TENSORSEED_LIBRARY"):
            return Path(os.environ["TENSORSEED_LIBRARY"])
        repository = Path(__file__).resolve().parent.parent
        built = repository / ".build" / "release" / LIBRARY
        if not built.is_file():
            if not (repository / "Package.swift").is_file():
                sys.exit(f"tensorseed: {built} is missing and there is no Package.swift to build it from")
            print("tensorseed: building libTensorSeedC (swift build -c release --product TensorSeedC)", file=sys.stderr)
            subprocess.run(["swift", "build", "-c", "release", "--product", "TensorSeedC"], cwd=repository, check=True)
        return built


setup(cmdclass={"build_py": BuildWithLibrary})
