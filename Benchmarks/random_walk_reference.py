"""Times the reference implementation's random walk (misc/indexing.py propagate_to_edge, which
squares a dense (hw)x(hw) transition matrix exp_times times) on the CPU, for comparison with
RandomWalk.propagate on the same input.

Input: a 94x125 boundary map u*u*u with u from SeededRandom(1), and 21 score channels from
SeededRandom(2) (Fixtures/Generators/seeded_random.py, bit-identical to the Swift generator);
radius 5, beta 10, exp_times 8. Prints wall time, CPU time and peak resident memory of the
process (which includes PyTorch's own few hundred MB, also printed).

Run from the repository root (needs NumPy and PyTorch; the reference is not part of this
repository, point IRN_REFERENCE at a checkout of jiwoon-ahn/irn):
    IRN_REFERENCE=/path/to/irn python3 Benchmarks/random_walk_reference.py [--save out.npy]
                  [--height 94 --width 125 --channels 21 --threads 2]
Memory grows with (hw)^2: about 5 GB and several minutes for the default size.
"""
import argparse
import os
import resource
import sys
import time
import warnings

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "Fixtures", "Generators"))
from seeded_random import SeededRandom  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--height", type=int, default=94)
parser.add_argument("--width", type=int, default=125)
parser.add_argument("--channels", type=int, default=21)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--save", help="write the walked scores [C, h, w] to this .npy file")
args = parser.parse_args()

reference = os.environ.get("IRN_REFERENCE")
if not reference or not os.path.isfile(os.path.join(reference, "misc", "indexing.py")):
    sys.exit("set IRN_REFERENCE to a checkout of jiwoon-ahn/irn (the folder holding misc/indexing.py)")
sys.path.insert(0, reference)
torch.Tensor.cuda = lambda self, *a, **k: self  # the reference calls .cuda(); stay on the CPU
warnings.filterwarnings("ignore", category=UserWarning)
from misc import indexing  # noqa: E402

torch.set_num_threads(args.threads)
h, w, c = args.height, args.width, args.channels
u = SeededRandom(1).unit(h * w).reshape(h, w)
edge = torch.from_numpy((u * u * u).astype(np.float32))
scores = torch.from_numpy(SeededRandom(2).unit(c * h * w).reshape(c, h, w))

rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu_start = time.process_time()
start = time.perf_counter()
with torch.no_grad():
    walked = indexing.propagate_to_edge(scores, edge, radius=5, beta=10, exp_times=8)
elapsed = time.perf_counter() - start
cpu = time.process_time() - cpu_start
rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

print(f"reference propagate_to_edge, {c}x{h}x{w}, radius 5, beta 10, exp_times 8, "
      f"torch {torch.__version__}, {torch.get_num_threads()} threads")
print(f"time {elapsed:.2f} s (CPU time of all threads {cpu:.2f} s); peak RSS {rss_peak / 1024:.0f} MB (before the call {rss_before / 1024:.0f} MB)")
if args.save:
    np.save(args.save, walked[:, 0].numpy().astype(np.float32))
