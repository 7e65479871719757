"""The compiled parts: LF counting for `baton logs search`, runs of plain JSON lines and the --json rows for
`baton logs join` (pyproject.toml holds everything else).

Optional: where no C compiler is found the build goes on without them and Baton uses its pure-Python ways (slower)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "console.engine.logs._lf",
            ["console/engine/logs/_lf.c"],
            extra_compile_args=["-O3"],
            optional=True,
        ),
        Extension(
            "console.engine.logs._runs",
            ["console/engine/logs/_runs.c"],
            extra_compile_args=["-O3"],
            optional=True,
        ),
        Extension(
            "console.engine.logs._rows",
            ["console/engine/logs/_rows.c"],
            extra_compile_args=["-O3"],
            optional=True,
        ),
    ]
)
