"""GEMM and convolution speed of `irn` beside NumPy (OpenBLAS) and PyTorch, in one run.

Runs `irn bench gemm --json` and `irn bench conv --json` from a release build, then times
NumPy's matmul on the same square sizes and torch.nn.functional.conv2d (with bias) on the same
ResNet50 conv shapes, all with the same thread count, and prints a Markdown table with the
ratios (irn / reference; above 1 means irn is faster). irn's conv figures include its fused
ReLU; PyTorch's do not. Each figure is the best of --repeat runs after a warm-up, and the
whole comparison runs --rounds times, irn and the reference alternating, keeping the best of
each: on a shared machine both sides then see the same conditions.

Run from the repository root:
    swift build -c release --scratch-path .build-gemm
    venv/bin/python Benchmarks/compare_gemm.py --irn .build-gemm/release/irn
Optionally add a portable build's column:
    IRN_PORTABLE=1 swift build -c release --scratch-path .build-gemm-portable
    ... --portable-irn .build-gemm-portable/release/irn
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time


def run_irn(irn, subject, threads, repeat, sizes=None):
    command = [irn, "bench", subject, "--json", "--threads", str(threads), "--repeat", str(repeat)]
    if sizes:
        command += ["--sizes", sizes]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def best_of(repeat, body):
    body()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        body()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--irn", default=".build-gemm/release/irn", help="release irn binary")
    parser.add_argument("--portable-irn", help="portable (IRN_PORTABLE=1) release irn binary, optional")
    parser.add_argument("--sizes", default="256,512,1024,2048")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    # The BLAS thread pools read these before NumPy / PyTorch are imported.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)
    import numpy as np
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)

    def best_entries(runs):
        """Per shape, the entry with the most GFLOP/s over several irn runs."""
        best = {}
        for run in runs:
            for entry in run["results"]:
                if entry["shape"] not in best or entry["gflops"] > best[entry["shape"]]["gflops"]:
                    best[entry["shape"]] = entry
        return [best[entry["shape"]] for entry in runs[0]["results"]]

    rng = np.random.default_rng(0)
    gemm_runs, conv_runs, portable_runs = [], [], []
    reference = {}  # shape -> best seconds

    def time_references(entries):
        with torch.no_grad():
            for entry in entries:
                if "m" in entry:
                    m, n, k = entry["m"], entry["n"], entry["k"]
                    a = rng.standard_normal((m, k), dtype=np.float32)
                    b = rng.standard_normal((k, n), dtype=np.float32)
                    seconds = best_of(args.repeat, lambda: a @ b)
                else:
                    x = torch.randn(entry["batch"], entry["in_channels"], entry["size"], entry["size"])
                    w = torch.randn(entry["out_channels"], entry["in_channels"], entry["kernel"],
                                    entry["kernel"]) * 0.05
                    bias = torch.randn(entry["out_channels"]) * 0.1
                    stride, padding = entry["stride"], entry["padding"]
                    seconds = best_of(args.repeat, lambda: F.conv2d(x, w, bias, stride=stride, padding=padding))
                reference[entry["shape"]] = min(seconds, reference.get(entry["shape"], float("inf")))

    for _ in range(args.rounds):
        gemm_runs.append(run_irn(args.irn, "gemm", args.threads, args.repeat, args.sizes))
        time_references(gemm_runs[-1]["results"])
        conv_runs.append(run_irn(args.irn, "conv", args.threads, args.repeat))
        time_references(conv_runs[-1]["results"])
        if args.portable_irn:
            portable_runs.append(run_irn(args.portable_irn, "gemm", args.threads, args.repeat, args.sizes))
            portable_runs.append(run_irn(args.portable_irn, "conv", args.threads, args.repeat))
    gemm = gemm_runs[0]
    portable = {}
    for run in portable_runs:
        for entry in run["results"]:
            if entry["shape"] not in portable or entry["gflops"] > portable[entry["shape"]]["gflops"]:
                portable[entry["shape"]] = entry

    rows = []
    for entry in best_entries(gemm_runs) + best_entries(conv_runs):
        seconds = reference[entry["shape"]]
        flops = entry["gflops"] * entry["ms"] * 1e-3  # GFLOP of the case
        rows.append((entry, flops / seconds, seconds * 1e3))

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    peak = max(run.get("peak_gflops", 0) for run in gemm_runs + conv_runs)
    print(f"Machine: {gemm['cpu']}, {gemm['processors']} processors, multiply-add peak {peak:.0f} GFLOP/s "
          f"(irn's probe); {args.threads} threads everywhere; "
          f"irn {gemm['build']} build, commit {commit or 'unknown'}; "
          f"{datetime.date.today().isoformat()}; NumPy {np.__version__}, PyTorch {torch.__version__}; "
          f"best of {args.repeat} runs after a warm-up, over {args.rounds} alternating rounds.")
    print()
    portable_header = " portable GFLOP/s |" if portable else ""
    portable_rule = "---:|" if portable else ""
    print(f"| case | shape | irn ms | irn GFLOP/s |{portable_header} reference | ref ms | ref GFLOP/s | irn / ref |")
    print(f"|---|---|---:|---:|{portable_rule}---|---:|---:|---:|")
    for entry, reference_gflops, reference_ms in rows:
        library = "NumPy matmul" if "m" in entry else "torch conv2d"
        portable_cell = ""
        if portable:
            other = portable.get(entry["shape"])
            portable_cell = f" {other['gflops']:.1f} |" if other else " |"
        print(f"| {entry['name']} | {entry['shape']} | {entry['ms']:.2f} | {entry['gflops']:.1f} |{portable_cell} "
              f"{library} | {reference_ms:.2f} | {reference_gflops:.1f} | {entry['gflops'] / reference_gflops:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
