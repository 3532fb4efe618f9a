#!/usr/bin/env bash
# Every module imports only what its target declares. SwiftPM's
# --explicit-target-dependency-import-check lets a target import a dependency's
# dependencies; this check does not: each `import X` of the package's own targets, or of a
# module a target takes from another package, must be in the importing target's own list.
# Toolchain modules (Foundation, Dispatch, Glibc, Testing, ...) are not checked.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package describe --type json | python3 -c '
import json, pathlib, re, sys
targets = json.load(sys.stdin)["targets"]
declared = {t["name"]: set(t.get("target_dependencies") or []) | set(t.get("product_dependencies") or []) for t in targets}
checked = set(declared) | set().union(*declared.values())
problems = []
for t in targets:
    name = t["name"]
    for source in sorted(pathlib.Path(t["path"]).rglob("*.swift")):
        for number, line in enumerate(source.read_text().splitlines(), 1):
            m = re.match(r"\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)", line)
            if m and m.group(1) in checked and m.group(1) != name and m.group(1) not in declared[name]:
                problems.append(f"{source}:{number}: {name} imports {m.group(1)} without declaring it in Package.swift")
print("\n".join(problems) or f"imports: every module imports only what its target declares ({len(targets)} targets)")
sys.exit(1 if problems else 0)
'
