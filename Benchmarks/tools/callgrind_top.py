"""Instructions per request from two callgrind profiles of the same binary:
one that served N requests and one that served none (start-up and shut-down
only). Per-function costs are the difference divided by N.

usage: callgrind_top.py BASELINE_OUT LOADED_OUT N [--top 15]
Prints `INSTR per_request=..` and two markdown tables: top functions by
self cost, and top functions of the mock binary itself by inclusive cost.
"""
import argparse
import re
import shutil
import subprocess

LINE = re.compile(r"^\s*([\d,]+)(?:\s+\([^)]*\))?\s+(.*?)(?:\s+\[(.*)\])?\s*$")


def totals(path):
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise ValueError(f"no totals in {path}")


def functions(path, inclusive):
    out = subprocess.run(
        ["callgrind_annotate", "--threshold=100", f"--inclusive={'yes' if inclusive else 'no'}", path],
        check=True, capture_output=True, text=True).stdout
    costs = {}
    started = False
    for line in out.splitlines():
        if "file:function" in line:
            started = True
            continue
        if not started or not line.strip() or line.startswith("-"):
            continue
        m = LINE.match(line)
        if not m:
            continue
        cost = int(m.group(1).replace(",", ""))
        name = m.group(2)
        if name.startswith("???:"):
            name = name[4:]
        obj = (m.group(3) or "?").rsplit("/", 1)[-1]
        costs[(name, obj)] = costs.get((name, obj), 0) + cost
    return costs


def demangle(names):
    tool = shutil.which("swift-demangle")
    if not tool or not names:
        return names
    out = subprocess.run([tool, "--simplified", "--compact"], input="\n".join(names) + "\n",
                         capture_output=True, text=True).stdout.splitlines()
    return out if len(out) == len(names) else names


WRAPPERS = ("thunk for ", "partial apply for ", "protocol witness for ", "reabstraction thunk")


def table(title, rows, per_request, n, top, skip_wrappers=False):
    """rows sorted by cost; demangles them and prints the first `top`
    (optionally skipping closure thunks and witness tables, which only repeat
    their callee's inclusive cost)."""
    print(f"\n{title}\n")
    print("| # | instructions / request | share | function | object |")
    print("|---:|---:|---:|---|---|")
    names = demangle([name for (name, _), _ in rows])
    picked = [(row, name) for row, name in zip(rows, names)
              if not (skip_wrappers and name.startswith(WRAPPERS))][:top]
    for i, (((_, obj), cost), name) in enumerate(picked, 1):
        name = name.replace("|", "\\|")
        if len(name) > 140:
            name = name[:137] + "..."
        print(f"| {i} | {cost / n:,.0f} | {100 * cost / n / per_request:.1f}% | `{name}` | {obj} |")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("baseline")
    p.add_argument("loaded")
    p.add_argument("n", type=int)
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--binary-name", default="certpack-mock")
    args = p.parse_args()

    base_total, loaded_total = totals(args.baseline), totals(args.loaded)
    per_request = (loaded_total - base_total) / args.n
    print(f"INSTR per_request={per_request:.0f} loaded_total={loaded_total} "
          f"baseline_total={base_total} n={args.n}")

    base, loaded = functions(args.baseline, False), functions(args.loaded, False)
    diff = {k: v - base.get(k, 0) for k, v in loaded.items()}
    top = sorted(diff.items(), key=lambda kv: -kv[1])[:args.top]
    table(f"Top {args.top} functions by self instructions per POST (N={args.n}, minus an idle run)",
          top, per_request, args.n, args.top)

    base_i, loaded_i = functions(args.baseline, True), functions(args.loaded, True)
    own = {k: v - base_i.get(k, 0) for k, v in loaded_i.items() if args.binary_name in k[1]}
    top_own = sorted(own.items(), key=lambda kv: -kv[1])[:4 * args.top]
    table(f"Top {args.top} functions of the mock itself by inclusive instructions per POST "
          "(closure thunks and witnesses left out)",
          top_own, per_request, args.n, args.top, skip_wrappers=True)


if __name__ == "__main__":
    main()
