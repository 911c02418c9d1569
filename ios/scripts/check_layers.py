#!/usr/bin/env python3
"""Checks the imports that keep the iOS layers apart.

Usage: check_layers.py IOS_DIR

- Only PalmbidKit/Sources/PalmbidCore (and its tests) imports
  PalmbidBindings (the generated types stop there).
- PalmbidKit/Sources/PalmbidPresentation imports Foundation and
  PalmbidCore only, so view models hold no SwiftUI, UIKit or Combine.
- PalmbidKit/Sources/PalmbidMocks imports Foundation and PalmbidCore only.

Prints the number of files checked; exit status 1 on a violation or when
no file was checked.
"""

import re
import sys
from pathlib import Path

IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][\w]*)", re.M)

# Folders (relative to ios/) whose files may import only the listed modules.
RULES = [
    ("PalmbidKit/Sources/PalmbidPresentation", {"Foundation", "PalmbidCore"}),
    ("PalmbidKit/Sources/PalmbidMocks", {"Foundation", "PalmbidCore"}),
]
# PalmbidCoreTests checks the core's adapters against the generated types.
MAY_IMPORT_BINDINGS = (
    "PalmbidKit/Sources/PalmbidBindings",
    "PalmbidKit/Sources/PalmbidCore",
    "PalmbidKit/Tests/PalmbidCoreTests",
)


def allowed_modules(relative):
    for folder, allowed in RULES:
        if relative.startswith(folder + "/"):
            return allowed
    return None


def main(arguments):
    if len(arguments) != 1:
        print("usage: check_layers.py IOS_DIR", file=sys.stderr)
        return 2
    ios = Path(arguments[0])

    checked = 0
    problems = []
    for path in sorted(ios.rglob("*.swift")):
        relative = path.relative_to(ios).as_posix()
        if any(part.startswith(".") for part in path.relative_to(ios).parts):
            continue
        checked += 1
        modules = IMPORT.findall(path.read_text(encoding="utf-8"))
        if "PalmbidBindings" in modules and not relative.startswith(MAY_IMPORT_BINDINGS):
            problems.append(f"{relative}: imports PalmbidBindings; only PalmbidCore may")
        allowed = allowed_modules(relative)
        if allowed is not None:
            for module in modules:
                if module not in allowed:
                    problems.append(f"{relative}: imports {module}; this layer may import {', '.join(sorted(allowed))}")

    for problem in problems:
        print(problem)
    print(f"layers: {checked} files checked, {len(problems)} problems")
    if checked == 0:
        print("layers: no .swift file found", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
