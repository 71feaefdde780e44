"""Result objects: a dict with attribute access, as scipy's OptimizeResult."""

from __future__ import annotations

import numpy as np


class Result(dict):
    """A dict whose keys are also attributes (``r.x`` and ``r["x"]``), like scipy's OptimizeResult.

    ``str(r)`` prints the fields one a line; ``r.keys()`` lists them.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return list(self.keys())

    def __repr__(self):
        if not self:
            return f"{type(self).__name__}()"
        width = max(map(len, self.keys())) + 1
        lines = []
        for k, v in self.items():
            text = np.array2string(v, precision=8, separator=", ") if isinstance(v, np.ndarray) else repr(v)
            text = text.replace("\n", "\n" + " " * (width + 2))
            lines.append(f"{k.rjust(width)}: {text}")
        return "\n".join(lines)

    __str__ = __repr__
