"""Times the whole per-image label synthesis of the official code (jiwoon-ahn/irn, PyTorch CPU,
2 threads) and of the release `irn` commands on one 375 x 500 photograph, and checks that both
give the same labels.

Stages, with the seeded full-width checkpoints of Benchmarks/check_cam_cli.py (seeded_weights.py):
  cam       make_cam's per-image work: ResNet50 CAM on 4 scales (1, 0.5, 1.5, 2) with flips
  boundary  EdgeDisplacement (crop 512) on the scale-1 pair; the official make_sem_seg_labels and
            make_ins_seg_labels steps each run it, so it counts twice in the official total
  sem       make_sem_seg_labels after the model call: dense propagate_to_edge, upsampling, argmax
  ins       make_ins_seg_labels after the model call: centroids, clusters, instance CAMs, dense
            propagate_to_edge, detection
The reference's modules are imported from IRN_REFERENCE with .cuda() replaced by the identity;
its label glue is followed line by line here (as Fixtures/Generators/labels.py does). Ours: the
release binary, one process per command (`irn cam`, `irn boundary`, `irn sem-seg`,
`irn ins-seg`), wall time including checkpoint and file loading; then the four stages in one
process (`irn run` on a one-image folder, "run"), which reads each checkpoint once.
The two dense walks take many minutes and about 2.7 GB each. Run from the repository root
after `swift build -c release`:
  IRN_REFERENCE=/path/to/irn venv/bin/python Benchmarks/pipeline_reference.py \
      [--irn path/to/irn] [--image photo.png] [--ours-only | --reference-only]
It prints one line per stage as it finishes and writes /tmp/irn-pipeline/<side>.json.
With --sparse-walk the reference's propagate_to_edge is replaced by the same walk computed in
float64 with a SciPy sparse matrix (its own PathIndex and edge_to_affinity, A^β normalised per
column, 256 sparse products): seconds instead of many minutes, for checking labels, not timing.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_cam_cli  # noqa: E402  (sets up the reference modules and the seeded checkpoints)

torch.Tensor.cuda = lambda self, *args, **kwargs: self  # run the reference on the CPU
torch.nn.Module.cuda = lambda self, *args, **kwargs: self

golden = check_cam_cli.golden
WORK = "/tmp/irn-pipeline"
KEYS = check_cam_cli.KEYS
SCALES = check_cam_cli.SCALES
BETA, EXP_TIMES, RADIUS, SEM_BG, INS_BG = 10, 8, 5, 0.25, 0.25  # run_sample.py defaults


def reference_modules():
    from misc import indexing
    here = os.getcwd()
    os.chdir(os.environ["IRN_REFERENCE"])  # its dataloader reads voc12/cls_labels.npy from there
    try:
        from step import make_ins_seg_labels as ins
    finally:
        os.chdir(here)
    return indexing, ins


def log(side, stage, seconds):
    print("%-9s %-9s %9.1f ms" % (side, stage, seconds * 1e3), flush=True)


def sparse_propagate_to_edge(indexing):
    """propagate_to_edge's arithmetic in float64 with a sparse transition matrix."""
    import scipy.sparse as sp

    def propagate(x, edge, radius=5, beta=10, exp_times=8):
        height, width = x.shape[-2:]
        padded_h, padded_w = height + radius, width + 2 * radius
        path_index = indexing.PathIndex(radius=radius, default_size=(padded_h, padded_w))
        edge_padded = F.pad(edge, (radius, radius, 0, radius), mode="constant", value=1.0)
        aff = indexing.edge_to_affinity(torch.unsqueeze(edge_padded, 0), path_index.path_indices)
        aff = aff.view(-1).double().numpy()
        sources = np.tile(path_index.src_indices, path_index.dst_indices.shape[0])
        targets = path_index.dst_indices.reshape(-1)
        n = padded_h * padded_w
        a = sp.coo_matrix((aff, (sources, targets)), shape=(n, n)).tocsr()
        a = a + a.T + sp.identity(n, format="csr")
        keep = np.zeros((padded_h, padded_w), bool)
        keep[:height, radius:radius + width] = True
        index = np.flatnonzero(keep.ravel())
        a = a[index][:, index].power(float(beta))
        t = a.multiply(1 / np.asarray(a.sum(axis=0))).tocsc()
        v = (x.view(-1, height, width) * (1 - edge)).reshape(-1, height * width).double().numpy()
        tt = t.T.tocsr()
        for _ in range(2 ** exp_times):
            v = (tt @ v.T).T
        return torch.from_numpy(v.astype(np.float32)).view(-1, 1, height, width)

    return propagate


def reference(cam_path, irn_path, img, sparse_walk=False):
    if not hasattr(np, "bool"):
        np.bool = bool  # the reference's pyutils.to_one_hot uses the old alias
    indexing, ins = reference_modules()
    if sparse_walk:
        indexing.propagate_to_edge = sparse_propagate_to_edge(indexing)
    with check_cam_cli.networks.backbone_width(1):
        cam_model = check_cam_cli.networks.CAM_MODULE.CAM()
        irn_model = check_cam_cli.networks.IRN_MODULE.EdgeDisplacement(crop_size=512)
    cam_model.load_state_dict(torch.load(cam_path), strict=True)
    cam_model.eval()
    irn_model.load_state_dict(torch.load(irn_path), strict=False)
    irn_model.eval()
    times = {}
    size = img.shape[:2]
    start = time.perf_counter()
    keys, cam, _ = golden.make_cam(cam_model, img, SCALES, KEYS)
    times["cam"] = time.perf_counter() - start
    log("reference", "cam", times["cam"])
    start = time.perf_counter()
    edge, dp = golden.edge_displacement(irn_model, img)
    times["boundary"] = time.perf_counter() - start
    log("reference", "boundary", times["boundary"])
    with torch.no_grad():
        # make_sem_seg_labels, after the model call
        start = time.perf_counter()
        padded_keys = np.pad(keys + 1, (1, 0), mode="constant")
        rw = indexing.propagate_to_edge(torch.from_numpy(cam), torch.from_numpy(edge), beta=BETA,
                                        exp_times=EXP_TIMES, radius=RADIUS)
        rw_up = F.interpolate(rw, scale_factor=4, mode="bilinear", align_corners=False)[..., 0, :size[0], :size[1]]
        rw_up = rw_up / torch.max(rw_up)
        rw_up_bg = F.pad(rw_up, (0, 0, 0, 0, 1, 0), value=SEM_BG)
        sem = padded_keys[torch.argmax(rw_up_bg, dim=0).numpy()].astype(np.uint8)
        times["sem"] = time.perf_counter() - start
        log("reference", "sem", times["sem"])
        # make_ins_seg_labels, after the model call
        start = time.perf_counter()
        centroids = ins.find_centroids_with_refinement(dp)
        instance_map = ins.cluster_centroids(centroids, dp)
        instance_cam = ins.separte_score_by_mask(torch.from_numpy(cam), instance_map)
        rw = indexing.propagate_to_edge(instance_cam, torch.from_numpy(edge), beta=BETA,
                                        exp_times=EXP_TIMES, radius=RADIUS)
        rw_up = F.interpolate(rw, scale_factor=4, mode="bilinear", align_corners=False)[:, 0, :size[0], :size[1]]
        rw_up = rw_up / torch.max(rw_up)
        rw_up_bg = F.pad(rw_up, (0, 0, 0, 0, 1, 0), value=INS_BG)
        num_classes, num_instances = len(keys), instance_map.shape[0]
        shape = torch.argmax(rw_up_bg, 0).numpy()
        shape = np.eye(num_instances * num_classes + 1, dtype=bool)[shape].transpose(2, 0, 1)[1:]
        class_id = np.repeat(keys, num_instances)
        detected = ins.detect_instance(rw_up.numpy(), shape, class_id, max_fragment_size=size[0] * size[1] * 0.01)
        times["ins"] = time.perf_counter() - start
        log("reference", "ins", times["ins"])
    np.save(os.path.join(WORK, "reference_sem.npy"), sem)
    np.savez(os.path.join(WORK, "reference_ins.npz"), score=np.asarray(detected["score"], np.float32),
             klass=np.asarray(detected["class"], np.int64), mask=np.asarray(detected["mask"], np.uint8),
             clusters=num_instances)
    return times


def ours(irn_binary, cam_path, irn_path, image_path):
    out = os.path.join(WORK, "out")
    stem = os.path.splitext(os.path.basename(image_path))[0]
    cam_file = os.path.join(out, "cam", stem + ".npz")
    boundary_file = os.path.join(out, "boundary", stem + ".npz")
    commands = {
        "cam": ["cam", "--weights", cam_path, "--image", image_path,
                "--classes", ",".join(str(k) for k in KEYS), "--out", out],
        "boundary": ["boundary", "--weights", irn_path, "--image", image_path, "--out", out],
        "sem": ["sem-seg", "--cam", cam_file, "--boundary", boundary_file, "--out", out],
        "ins": ["ins-seg", "--cam", cam_file, "--boundary", boundary_file, "--out", out],
    }
    times = {}
    for stage, arguments in commands.items():
        start = time.perf_counter()
        subprocess.run([irn_binary, *arguments], check=True, stdout=subprocess.DEVNULL)
        times[stage] = time.perf_counter() - start
        log("irn", stage, times[stage])
    # The same four stages in one process (`irn run` on a one-image folder): each checkpoint is
    # read once and the boundary maps are computed once for both label steps. Then the same on
    # four copies of the photo: (T4 - T1) / 3 is the per-image time once the checkpoints are
    # loaded (the reference's stage times above exclude its model loading too).
    def timed_run(copies):
        folder = os.path.join(WORK, "run_images_%d" % copies)
        subprocess.run(["rm", "-rf", folder], check=True)
        os.makedirs(folder)
        labels = os.path.join(WORK, "run_labels_%d.txt" % copies)
        with open(labels, "w") as f:
            for index in range(copies):
                name = stem if index == 0 else "%s_copy%d" % (stem, index)
                Image.open(image_path).save(os.path.join(folder, name + ".png"))
                f.write(name + " " + " ".join(str(k) for k in KEYS) + "\n")
        run_out = os.path.join(WORK, "run_out_%d" % copies)
        subprocess.run(["rm", "-rf", run_out], check=True)
        start = time.perf_counter()
        subprocess.run([irn_binary, "run", "--images", folder, "--labels", labels, "--cam-weights", cam_path,
                        "--irn-weights", irn_path, "--steps", "cam,boundary,sem-seg,ins-seg", "--out", run_out],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start, run_out

    times["run"], run_out = timed_run(1)
    log("irn", "run", times["run"])
    for step, suffix in (("sem_seg", ".png"), ("ins_seg", ".npz")):
        same = open(os.path.join(out, step, stem + suffix), "rb").read() == open(os.path.join(run_out, step, stem + suffix), "rb").read()
        print("irn run %s equals the single commands' file: %s" % (step, same))
    times["run4"], _ = timed_run(4)
    log("irn", "run4", times["run4"])
    times["per_image"] = (times["run4"] - times["run"]) / 3
    log("irn", "per-image", times["per_image"])
    return times


def compare(image_path):
    stem = os.path.splitext(os.path.basename(image_path))[0]
    ref_sem = np.load(os.path.join(WORK, "reference_sem.npy"))
    our_sem = np.asarray(Image.open(os.path.join(WORK, "out", "sem_seg", stem + ".png")))
    ref = np.load(os.path.join(WORK, "reference_ins.npz"))
    our = np.load(os.path.join(WORK, "out", "ins_seg", stem + ".npz"))
    print("sem-seg: %d of %d pixels differ; classes %s / %s" % (
        int((ref_sem != our_sem).sum()), ref_sem.size, np.unique(ref_sem).tolist(), np.unique(our_sem).tolist()))
    print("ins-seg: reference %d instances %s, irn %d instances %s" % (
        len(ref["klass"]), ref["klass"].tolist(), len(our["class"]), our["class"].tolist()))
    if len(ref["klass"]) == len(our["class"]):
        masks = (ref["mask"].astype(bool) != our["mask"].astype(bool)).sum()
        print("ins-seg: %d mask pixels differ, max score difference %.3g" % (
            int(masks), float(np.abs(ref["score"] - our["score"]).max()) if len(ref["score"]) else 0.0))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--irn", default=os.path.join(HERE, "..", ".build", "release", "irn"))
    parser.add_argument("--image", default="/tmp/irn-bench-coffee-375x500.png")
    parser.add_argument("--ours-only", action="store_true")
    parser.add_argument("--reference-only", action="store_true")
    parser.add_argument("--compare-only", action="store_true")
    parser.add_argument("--sparse-walk", action="store_true")
    args = parser.parse_args()
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(check_cam_cli.WORK, exist_ok=True)
    torch.set_num_threads(2)
    image_path = os.path.join(WORK, "photo.png")
    Image.open(args.image).convert("RGB").save(image_path)
    img = np.asarray(Image.open(image_path).convert("RGB"))
    assert img.shape[:2] == (375, 500), img.shape
    if args.compare_only:
        compare(image_path)
        return
    cam_path, irn_path = check_cam_cli.seeded_state_dicts()
    if not args.reference_only:
        times = ours(args.irn, cam_path, irn_path, image_path)
        with open(os.path.join(WORK, "irn.json"), "w") as f:
            json.dump(times, f)
    if not args.ours_only:
        times = reference(cam_path, irn_path, img, args.sparse_walk)
        name = "reference_sparse_walk.json" if args.sparse_walk else "reference.json"
        with open(os.path.join(WORK, name), "w") as f:
            json.dump(times, f)
    if os.path.exists(os.path.join(WORK, "reference_sem.npy")) and not args.reference_only:
        compare(image_path)


if __name__ == "__main__":
    main()
