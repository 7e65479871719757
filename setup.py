"""The one compiled part: LF counting for `baton logs search` (pyproject.toml holds everything else).

Optional: where no C compiler is found the build goes on without it and Baton counts with bytes.count (slower)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "console.engine.logs._lf",
            ["console/engine/logs/_lf.c"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
