"""Golden outputs of the evaluation metrics, computed by chainercv and the IRNet reference.

Writes Fixtures/evaluation/{numpy,semantic,cam,instance}/*.npz: each archive holds a case's
inputs (small label maps, CAMs, masks, scores) and the reference's outputs (float64 unless said).
numpy/ holds the two NumPy behaviours the metrics' exact values rest on: argsort's order among
equal scores, and the rounding of np.sum / np.mean / np.nanmean (pairwise summation).

References, imported from checkouts outside this repository (nothing of them is copied here):
  CHAINERCV_REFERENCE  a checkout of chainer/chainercv: evaluations/eval_semantic_segmentation.py,
                       eval_instance_segmentation_voc.py, eval_detection_voc.py and
                       utils/mask/mask_iou.py are loaded file by file with importlib (the package's
                       __init__ needs chainer and compiled extensions, so chainer, six and the
                       package modules are stubbed at run time);
  IRN_REFERENCE        a checkout of jiwoon-ahn/irn: step/eval_cam.py, step/eval_sem_seg.py and
                       step/eval_ins_seg.py run unchanged on temporary files, with chainercv's VOC
                       datasets replaced by in-memory stand-ins and `print` captured.
Make the checkouts with `git clone` (or `git archive` of a mirror) and run from the repository root:
    CHAINERCV_REFERENCE=/tmp/chainercv IRN_REFERENCE=/path/to/irn \
        /path/to/venv/bin/python Fixtures/Generators/evaluation.py
(needs numpy and pillow; see Fixtures/README.md, "Regenerating goldens").

Tie order. chainercv sorts scores with `argsort()[::-1]`, NumPy's default "quicksort" kind. On x86
machines with AVX2 or AVX-512, NumPy 1.25+ hands that to x86-simd-sort, whose order among equal
scores depends on the instruction set; everywhere else (and in every NumPy before 1.25) it is
NumPy's introsort: median-of-three quicksort, insertion sort for partitions of at most 16
elements, heapsort past a depth limit. The Swift port reproduces the introsort, so this script
re-executes itself with NPY_DISABLE_CPU_FEATURES naming the SIMD feature groups, and checks that
NumPy's argsort then agrees with `introsort_argsort` below (an independent transcription used to
build adversarial inputs) before writing anything.
"""
import os
import platform
import sys

SIMD_FEATURES = "AVX2 AVX512F AVX512_SKX AVX512_ICL AVX512_SPR X86_V3 X86_V4"
if platform.machine().lower() in ("x86_64", "amd64") and \
        os.environ.get("NPY_DISABLE_CPU_FEATURES") != SIMD_FEATURES:
    os.environ["NPY_DISABLE_CPU_FEATURES"] = SIMD_FEATURES
    os.execv(sys.executable, [sys.executable] + sys.argv)

import contextlib  # noqa: E402
import importlib.util  # noqa: E402
import tempfile  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "evaluation")
THRESHOLDS = (0.25, 0.5, 0.7, 0.75)
warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 -> nan is part of the reference's output


# ---------------------------------------------------------------------------------------------
# Loading the references

def module(name, **attributes):
    m = types.ModuleType(name)
    m.__dict__.update(attributes)
    m.__path__ = []
    sys.modules[name] = m
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, m)
    return m


def load_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    sys.modules[name] = m
    spec.loader.exec_module(m)
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, m)
    return m


class SemanticDataset:
    """Stands in for chainercv's VOCSemanticSegmentationDataset: labels with 255 mapped to -1."""
    items = []

    def __init__(self, split=None, data_dir=None):
        self.ids = [name for name, _ in SemanticDataset.items]

    def __len__(self):
        return len(self.ids)

    def get_example_by_keys(self, i, keys):
        assert keys == (1,)
        label = SemanticDataset.items[i][1].astype(np.int32)
        label[label == 255] = -1
        return (label,)


class InstanceDataset:
    """Stands in for chainercv's VOCInstanceSegmentationDataset: (masks, 0-based labels)."""
    items = []

    def __init__(self, split=None, data_dir=None):
        self.ids = [name for name, _, _ in InstanceDataset.items]

    def __len__(self):
        return len(self.ids)

    def get_example_by_keys(self, i, keys):
        _, masks, labels = InstanceDataset.items[i]
        return {(1,): (masks,), (2,): (labels,)}[keys]


def load_references():
    cv_root = os.environ.get("CHAINERCV_REFERENCE")
    irn_root = os.environ.get("IRN_REFERENCE")
    if not cv_root or not os.path.isdir(os.path.join(cv_root, "chainercv", "evaluations")):
        sys.exit("set CHAINERCV_REFERENCE to a checkout of chainer/chainercv")
    if not irn_root or not os.path.isdir(os.path.join(irn_root, "step")):
        sys.exit("set IRN_REFERENCE to a checkout of jiwoon-ahn/irn")
    module("six", moves=types.SimpleNamespace(zip=zip, range=range))
    module("chainer")
    module("chainer.backends")
    module("chainer.backends.cuda", get_array_module=lambda *arrays: np)
    module("imageio", imread=lambda path: np.asarray(Image.open(path)))
    for name in ("chainercv", "chainercv.utils", "chainercv.utils.mask", "chainercv.utils.bbox",
                 "chainercv.evaluations"):
        module(name)
    module("chainercv.datasets", VOCSemanticSegmentationDataset=SemanticDataset,
           VOCInstanceSegmentationDataset=InstanceDataset)
    pkg = os.path.join(cv_root, "chainercv")
    load_file("chainercv.utils.mask.mask_iou", os.path.join(pkg, "utils/mask/mask_iou.py"))
    load_file("chainercv.utils.bbox.bbox_iou", os.path.join(pkg, "utils/bbox/bbox_iou.py"))
    evaluations = sys.modules["chainercv.evaluations"]
    det = load_file("chainercv.evaluations.eval_detection_voc",
                    os.path.join(pkg, "evaluations/eval_detection_voc.py"))
    evaluations.calc_detection_voc_ap = det.calc_detection_voc_ap
    ins = load_file("chainercv.evaluations.eval_instance_segmentation_voc",
                    os.path.join(pkg, "evaluations/eval_instance_segmentation_voc.py"))
    sem = load_file("chainercv.evaluations.eval_semantic_segmentation",
                    os.path.join(pkg, "evaluations/eval_semantic_segmentation.py"))
    evaluations.eval_instance_segmentation_voc = ins.eval_instance_segmentation_voc
    evaluations.calc_semantic_segmentation_confusion = sem.calc_semantic_segmentation_confusion
    irn = {name: load_file("irn_step_" + name, os.path.join(irn_root, "step", name + ".py"))
           for name in ("eval_cam", "eval_sem_seg", "eval_ins_seg")}
    return det, ins, sem, irn


DET, INS, SEM, IRN = load_references()


def capture_prints(mod):
    """Replaces `print` inside one reference module; returns the list of argument tuples."""
    printed = []
    mod.print = lambda *args, **kwargs: printed.append(args)
    return printed


def save(folder, case, arrays):
    os.makedirs(os.path.join(OUT, folder), exist_ok=True)
    np.savez_compressed(os.path.join(OUT, folder, case + ".npz"), **arrays)


# ---------------------------------------------------------------------------------------------
# Argsort: NumPy's introsort order, including the heapsort fallback

def introsort_argsort(values, less, stats=None):
    """Ascending argsort by NumPy's introsort schedule (for checks and adversaries only)."""
    n = len(values)
    index = list(range(n))
    if n < 2:
        return index

    def heapsort(lo, count):
        a = lambda k: index[lo + k - 1]  # noqa: E731  (1-based view)

        def put(k, v):
            index[lo + k - 1] = v

        def sift(i, top, end):
            j = 2 * i
            while j <= end:
                if j < end and less(values[a(j)], values[a(j + 1)]):
                    j += 1
                if less(values[top], values[a(j)]):
                    put(i, a(j))
                    i = j
                    j += j
                else:
                    break
            put(i, top)

        for start in range(count >> 1, 0, -1):
            sift(start, a(start), count)
        end = count
        while end > 1:
            top = a(end)
            put(end, a(1))
            end -= 1
            sift(1, top, end)

    depth = 2 * (n.bit_length() - 1)
    stack = []
    lo, hi = 0, n - 1
    while True:
        if depth < 0:
            if stats is not None:
                stats["heapsort"] += 1
            heapsort(lo, hi - lo + 1)
        else:
            while hi - lo > 15:
                mid = lo + ((hi - lo) >> 1)
                if less(values[index[mid]], values[index[lo]]):
                    index[mid], index[lo] = index[lo], index[mid]
                if less(values[index[hi]], values[index[mid]]):
                    index[hi], index[mid] = index[mid], index[hi]
                if less(values[index[mid]], values[index[lo]]):
                    index[mid], index[lo] = index[lo], index[mid]
                pivot = values[index[mid]]
                i, j = lo, hi - 1
                index[mid], index[j] = index[j], index[mid]
                while True:
                    i += 1
                    while less(values[index[i]], pivot):
                        i += 1
                    j -= 1
                    while less(pivot, values[index[j]]):
                        j -= 1
                    if i >= j:
                        break
                    index[i], index[j] = index[j], index[i]
                index[i], index[hi - 1] = index[hi - 1], index[i]
                depth -= 1
                if i - lo < hi - i:
                    stack.append((i + 1, hi, depth))
                    hi = i - 1
                else:
                    stack.append((lo, i - 1, depth))
                    lo = i + 1
            for i in range(lo + 1, hi + 1):
                moving = index[i]
                j = i
                while j > lo and less(values[moving], values[index[j - 1]]):
                    index[j] = index[j - 1]
                    j -= 1
                index[j] = moving
        if not stack:
            break
        lo, hi, depth = stack.pop()
    return index


def float_less(a, b):
    return a < b or (b != b and a == a)


def killer(n):
    """McIlroy's adversary against the introsort schedule: values that drive it into heapsort."""
    gas = n
    value = [gas] * n
    state = {"solid": 0, "candidate": -1}

    def freeze(k):
        value[k] = state["solid"]
        state["solid"] += 1

    def less(x, y):  # x, y are item identities (the adversary compares items, not values)
        if value[x] == gas and value[y] == gas:
            freeze(x if x == state["candidate"] else y)
        if value[x] == gas:
            state["candidate"] = x
        elif value[y] == gas:
            state["candidate"] = y
        return value[x] < value[y]

    introsort_argsort(list(range(n)), less)
    for k in range(n):
        if value[k] == gas:
            freeze(k)
    return np.array(value, dtype=np.float64)


def make_argsort():
    rng = np.random.default_rng(20190601)
    cases = []
    for n in (0, 1, 2, 3, 5, 8, 15, 16, 17, 18, 24, 31, 32, 33, 50, 64, 100, 257, 600):
        cases.append(rng.integers(0, 4, n).astype(np.float32))              # heavy ties
        cases.append(rng.integers(0, max(n // 3, 1), n).astype(np.float32))  # some ties
        cases.append(rng.random(n).astype(np.float32))                      # distinct
    for n in (20, 100, 300):
        cases.append(np.zeros(n, np.float32))
        cases.append(np.arange(n, dtype=np.float32))
        cases.append(np.arange(n, 0, -1).astype(np.float32))
        cases.append(np.concatenate([np.arange(n // 2), np.arange(n - n // 2, 0, -1)]).astype(np.float32))
        with_nan = rng.integers(0, 5, n).astype(np.float64)
        with_nan[rng.random(n) < 0.1] = np.nan
        cases.append(with_nan)
    heapsorted = 0
    for n in (40, 100, 333, 600):
        values = killer(n)
        stats = {"heapsort": 0}
        introsort_argsort(values.tolist(), float_less, stats)
        assert stats["heapsort"] > 0, "adversary did not reach the heapsort fallback"
        heapsorted += 1
        cases.append(values)
    orders = []
    for k, values in enumerate(cases):
        order = np.argsort(values)
        twin = introsort_argsort(values.tolist(), float_less)
        if list(order) != twin:
            sys.exit("NumPy's argsort is not the introsort here (SIMD sort still active?): case %d" % k)
        orders.append(order)
    # Cases laid end to end: case k is values[start:start + lengths[k]], start = sum of earlier lengths.
    arrays = {"lengths": np.array([len(v) for v in cases], np.int64),
              "values": np.concatenate([v.astype(np.float64) for v in cases]),
              "orders": np.concatenate(orders).astype(np.int64)}
    save("numpy", "argsort", arrays)
    print("argsort: %d cases (%d reach heapsort), NumPy agrees with the introsort twin"
          % (len(cases), heapsorted))


def make_reductions():
    rng = np.random.default_rng(5)
    lengths = list(range(0, 40)) + [63, 64, 65, 127, 128, 129, 130, 257, 1031]
    columns = {name: [] for name in ("values", "nan", "sum", "mean", "nanmean", "mean_with_nan")}
    for n in lengths:
        values = rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 6, n)
        with_nan = values.copy()
        with_nan[rng.random(n) < 0.2] = np.nan
        columns["values"].append(values)
        columns["nan"].append(np.isnan(with_nan))  # where the NaN variant holds NaN
        columns["sum"].append(np.sum(values))
        columns["mean"].append(np.mean(values))
        columns["nanmean"].append(np.nanmean(with_nan))
        columns["mean_with_nan"].append(np.mean(with_nan))
    # Arrays laid end to end as in argsort.npz; one result per length.
    arrays = {"lengths": np.array(lengths, np.int64),
              "values": np.concatenate(columns["values"]), "nan": np.concatenate(columns["nan"])}
    for name in ("sum", "mean", "nanmean", "mean_with_nan"):
        arrays[name] = np.array(columns[name], np.float64)
    save("numpy", "reductions", arrays)
    print("reductions: %d lengths" % len(lengths))


# ---------------------------------------------------------------------------------------------
# Semantic segmentation: chainercv's metrics and the IRNet reference's eval_sem_seg / eval_cam

def semantic_outputs(preds, gts):
    """chainercv on (prediction, ground truth) maps; the ground truth's 255 becomes -1."""
    gts = [np.where(g == 255, -1, g.astype(np.int32)).astype(np.int32) for g in gts]
    confusion = SEM.calc_semantic_segmentation_confusion(preds, gts)
    result = SEM.eval_semantic_segmentation(preds, gts)
    iou = SEM.calc_semantic_segmentation_iou(confusion)
    assert np.array_equal(iou, result["iou"], equal_nan=True)
    return {"confusion": confusion.astype(np.int64), "iou": result["iou"],
            "miou": np.float64(result["miou"]),
            "pixel_accuracy": np.float64(result["pixel_accuracy"]),
            "class_accuracy": result["class_accuracy"],
            "mean_class_accuracy": np.float64(result["mean_class_accuracy"])}


def irn_eval_sem_seg(preds, gts):
    """Runs step/eval_sem_seg.py on PNG files of `preds`; returns what it prints."""
    with tempfile.TemporaryDirectory() as folder:
        ids = ["img%d" % i for i in range(len(preds))]
        for name, pred in zip(ids, preds):
            Image.fromarray(pred).save(os.path.join(folder, name + ".png"))
        SemanticDataset.items = list(zip(ids, gts))
        printed = capture_prints(IRN["eval_sem_seg"])
        IRN["eval_sem_seg"].run(types.SimpleNamespace(chainer_eval_set="val", voc12_root=None,
                                                      sem_seg_out_dir=folder))
    (fp0, fn0), (fp_fg, fn_fg), (summary,) = printed
    return {"irn_fp": np.array([fp0, fn0, fp_fg, fn_fg], np.float64),
            "irn_iou": np.asarray(summary["iou"], np.float64),
            "irn_miou": np.float64(summary["miou"])}


def label_map(rng, shape, labels, ignore_fraction):
    m = rng.choice(np.asarray(labels), size=shape).astype(np.uint8)
    if ignore_fraction > 0:
        m[rng.random(shape) < ignore_fraction] = 255
    return m


def make_semantic():
    rng = np.random.default_rng(7)
    # Random maps, 255 in the ground truth, the matrix growing from image to image; class 5
    # nowhere, class 11 only in the ground truth, class 12 only in the predictions.
    shapes = [(7, 9), (5, 6), (8, 8)]
    label_sets = [[0, 1, 2, 3, 4, 6], [0, 2, 6, 7, 8, 9, 10], [0, 1, 3, 8, 10]]
    preds, gts = [], []
    for shape, labels in zip(shapes, label_sets):
        gt = label_map(rng, shape, labels, 0.12)
        pred = gt.copy()
        flip = rng.random(shape) < 0.35
        pred[flip] = rng.choice(labels, size=int(flip.sum()))
        pred[pred == 255] = labels[0]
        preds.append(pred)
        gts.append(gt)
    gts[1][0, :3] = 11
    preds[2][-1, -2:] = 12
    save("semantic", "random", dict(
        count=np.array(len(preds), np.int64),
        **{"pred%d" % i: p for i, p in enumerate(preds)},
        **{"gt%d" % i: g for i, g in enumerate(gts)},
        **semantic_outputs(preds, gts)))

    # A label seen only in predictions at ignored pixels still grows the matrix (NaN IoU).
    gt = label_map(rng, (6, 7), [0, 1, 2], 0.0)
    gt[2:4, 2:5] = 255
    pred = gt.copy()
    pred[gt == 255] = 15
    pred[0, 0] = 2
    save("semantic", "ignored_growth", dict(
        count=np.array(1, np.int64), pred0=pred, gt0=gt, **semantic_outputs([pred], [gt])))

    # IRNet's eval_sem_seg: predictions with 255 (it maps them to 0), VOC's 21 classes, the
    # matrix cut to 21 x 21; and a case with few classes and one absent foreground class.
    for case, shapes, labels in (
            ("voc21", [(9, 11), (12, 10), (7, 13), (10, 10)], list(range(21))),
            ("few_classes", [(6, 8), (7, 5)], [0, 1, 2, 4])):
        preds, gts = [], []
        for shape in shapes:
            gt = label_map(rng, shape, labels, 0.1)
            pred = gt.copy()
            flip = rng.random(shape) < 0.4
            pred[flip] = rng.choice(labels + [255], size=int(flip.sum()))
            preds.append(pred)
            gts.append(gt)
        irn_preds = [np.where(p == 255, 0, p).astype(np.uint8) for p in preds]
        save("semantic", case, dict(
            count=np.array(len(preds), np.int64),
            **{"pred%d" % i: p for i, p in enumerate(preds)},
            **{"gt%d" % i: g for i, g in enumerate(gts)},
            **semantic_outputs(irn_preds, gts), **irn_eval_sem_seg(preds, gts)))
    print("semantic: random, ignored_growth, voc21, few_classes")


def make_cam():
    """step/eval_cam.py at several background thresholds; CAMs on a 1/20 grid so that ties
    between classes and with the threshold occur."""
    rng = np.random.default_rng(11)
    images = [((9, 12), [2, 7]), ((8, 8), [14]), ((10, 7), [0, 3, 19]), ((6, 9), [])]
    thresholds = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5)
    arrays = {"count": np.array(len(images), np.int64),
              "thresholds": np.array(thresholds, np.float64)}
    items = []
    with tempfile.TemporaryDirectory() as folder:
        for i, (shape, keys) in enumerate(images):
            keys = np.array(keys, np.int64)
            cams = (rng.integers(0, 20, (len(keys),) + shape) / 20).astype(np.float32)
            gt = np.zeros(shape, np.uint8)
            fg = rng.random(shape) < 0.5
            if len(keys):
                gt[fg] = rng.choice(keys + 1, size=int(fg.sum()))
            gt[rng.random(shape) < 0.1] = 255
            gt[0, 0] = 9  # a class the image-level labels miss
            if len(keys) > 1:
                cams[1, 2, 3] = np.nan  # NumPy's argmax lets a NaN win
            np.save(os.path.join(folder, "img%d.npy" % i), {"keys": keys, "high_res": cams})
            arrays.update({"cams%d" % i: cams, "keys%d" % i: keys, "gt%d" % i: gt})
            items.append(("img%d" % i, gt))
        SemanticDataset.items = items
        module_ = IRN["eval_cam"]
        for t, threshold in enumerate(thresholds):
            seen = []
            reference_confusion = SEM.calc_semantic_segmentation_confusion

            def recording(preds, labels, seen=seen, reference=reference_confusion):
                preds = list(preds)
                seen.extend(preds)
                return reference(preds, labels)

            module_.calc_semantic_segmentation_confusion = recording
            printed = capture_prints(module_)
            module_.run(types.SimpleNamespace(chainer_eval_set="val", voc12_root=None,
                                              cam_out_dir=folder, cam_eval_thres=threshold))
            module_.calc_semantic_segmentation_confusion = reference_confusion
            (summary,), = printed
            arrays["iou_t%d" % t] = np.asarray(summary["iou"], np.float64)
            arrays["miou_t%d" % t] = np.float64(summary["miou"])
            for i, labels in enumerate(seen):
                arrays["labels%d_t%d" % (i, t)] = labels.astype(np.int64)
    save("cam", "sweep", arrays)
    print("cam: %d images, %d thresholds" % (len(images), len(thresholds)))


# ---------------------------------------------------------------------------------------------
# Instance segmentation: chainercv's VOC AP^r (and, for difficult flags, its detection AP with
# boxes standing for masks)

def blob(rng, shape):
    h, w = shape
    y0, x0 = rng.integers(0, h - 2), rng.integers(0, w - 2)
    y1, x1 = rng.integers(y0 + 1, h + 1), rng.integers(x0 + 1, w + 1)
    m = np.zeros(shape, bool)
    m[y0:y1, x0:x1] = True
    m &= rng.random(shape) < 0.9
    if not m.any():
        m[y0, x0] = True
    return m


def jitter(rng, mask):
    m = mask.copy()
    m ^= rng.random(mask.shape) < 0.08
    return m


def stack(masks, shape):
    return np.array(masks, bool).reshape((len(masks),) + shape)


def random_image(rng, shape, n_gt, n_pred, classes, score_levels):
    gt_masks = [blob(rng, shape) for _ in range(n_gt)]
    gt_labels = rng.choice(classes, n_gt).astype(np.int32)
    pred_masks, pred_labels = [], []
    for _ in range(n_pred):
        if n_gt and rng.random() < 0.7:
            k = rng.integers(0, n_gt)
            pred_masks.append(jitter(rng, gt_masks[k]))
            pred_labels.append(gt_labels[k] if rng.random() < 0.85 else rng.choice(classes))
        else:
            pred_masks.append(blob(rng, shape))
            pred_labels.append(rng.choice(classes))
    if score_levels:
        scores = rng.integers(0, score_levels, n_pred) / (score_levels - 1)
    else:
        scores = rng.random(n_pred)
    return dict(pred_masks=stack(pred_masks, shape), pred_labels=np.array(pred_labels, np.int32),
                pred_scores=scores.astype(np.float32), gt_masks=stack(gt_masks, shape),
                gt_labels=gt_labels)


def instance_outputs(images, difficult=None):
    """chainercv's precision, recall and both APs at each threshold."""
    keys = ("pred_masks", "pred_labels", "pred_scores", "gt_masks", "gt_labels")
    columns = [[image[k] for image in images] for k in keys]
    arrays = {}
    for threshold in THRESHOLDS:
        tag = "t%d" % round(threshold * 100)
        if difficult is None:
            prec, rec = INS.calc_instance_segmentation_voc_prec_rec(*columns, iou_thresh=threshold)
            for metric, suffix in ((False, ""), (True, "07")):
                result = INS.eval_instance_segmentation_voc(*columns, iou_thresh=threshold,
                                                            use_07_metric=metric)
                arrays[tag + "_ap" + suffix] = result["ap"].astype(np.float64)
                arrays[tag + "_map" + suffix] = np.float64(result["map"])
            # The detection routine with no difficult flags must agree (it is used below).
            check = detection_prec_rec(images, None, threshold)
            for a, b in zip(prec + rec, check[0] + check[1]):
                assert (a is None) == (b is None) and (a is None or np.array_equal(a, b, equal_nan=True))
        else:
            prec, rec = detection_prec_rec(images, difficult, threshold)
            for metric, suffix in ((False, ""), (True, "07")):
                ap = DET.calc_detection_voc_ap(prec, rec, use_07_metric=metric)
                arrays[tag + "_ap" + suffix] = ap.astype(np.float64)
                arrays[tag + "_map" + suffix] = np.float64(np.nanmean(ap))
        arrays[tag + "_classes"] = np.array(len(prec), np.int64)
        for l, (p, r) in enumerate(zip(prec, rec)):
            if p is not None:
                arrays["%s_prec%d" % (tag, l)] = np.asarray(p, np.float64)
            if r is not None:
                arrays["%s_rec%d" % (tag, l)] = np.asarray(r, np.float64)
    return arrays


def detection_prec_rec(images, difficult, threshold):
    """chainercv's calc_detection_voc_prec_rec with each mask named by a one-row 'box' whose
    first coordinate is the mask's index, and bbox_iou replaced by chainercv's mask_iou on the
    named masks. Its matching loop is the instance one plus the difficult-flag handling."""
    registry = []

    def boxes(masks):
        first = len(registry)
        registry.extend(masks)
        b = np.zeros((len(masks), 4), np.int64)
        b[:, 0] = np.arange(first, first + len(masks))
        return b

    def iou_of_named(a, b):
        pick = lambda rows: np.array([registry[k] for k in rows[:, 0]], bool).reshape(  # noqa: E731
            (len(rows),) + registry[0].shape)
        return sys.modules["chainercv.utils.mask.mask_iou"].mask_iou(pick(a), pick(b))

    saved = DET.bbox_iou
    DET.bbox_iou = iou_of_named
    try:
        return DET.calc_detection_voc_prec_rec(
            [boxes(im["pred_masks"]) for im in images], [im["pred_labels"] for im in images],
            [im["pred_scores"] for im in images], [boxes(im["gt_masks"]) for im in images],
            [im["gt_labels"] for im in images], gt_difficults=difficult, iou_thresh=threshold)
    finally:
        DET.bbox_iou = saved


def irn_eval_ins_seg(images):
    """step/eval_ins_seg.py on .npy dictionaries like the ones step/make_ins_seg_labels.py saves."""
    with tempfile.TemporaryDirectory() as folder:
        ids = ["img%d" % i for i in range(len(images))]
        for name, im in zip(ids, images):
            np.save(os.path.join(folder, name + ".npy"),
                    {"score": im["pred_scores"], "mask": im["pred_masks"],
                     "class": im["pred_labels"].astype(np.int64)})
        InstanceDataset.items = [(name, im["gt_masks"], im["gt_labels"]) for name, im in zip(ids, images)]
        printed = capture_prints(IRN["eval_ins_seg"])
        IRN["eval_ins_seg"].run(types.SimpleNamespace(chainer_eval_set="val", voc12_root=None,
                                                      ins_seg_out_dir=folder))
    (title, result), = printed
    assert title == "0.5iou:"
    return {"irn_ap": result["ap"].astype(np.float64), "irn_map": np.float64(result["map"])}


def image_arrays(images, difficult=None):
    arrays = {"count": np.array(len(images), np.int64)}
    for i, im in enumerate(images):
        for key, value in im.items():
            arrays["%s%d" % (key, i)] = value
        if difficult is not None:
            arrays["gt_difficult%d" % i] = difficult[i]
    return arrays


def empty_image(shape, gt=None, pred=None):
    """An image with only ground truth or only predictions (None: none of that side)."""
    im = dict(pred_masks=np.zeros((0,) + shape, bool), pred_labels=np.zeros(0, np.int32),
              pred_scores=np.zeros(0, np.float32), gt_masks=np.zeros((0,) + shape, bool),
              gt_labels=np.zeros(0, np.int32))
    if gt is not None:
        im["gt_masks"], im["gt_labels"] = gt
    if pred is not None:
        im["pred_masks"], im["pred_labels"], im["pred_scores"] = pred
    return im


def make_instance():
    rng = np.random.default_rng(2019)
    shape = (10, 12)

    # Ties: scores on a 5-level grid; one image holds 20 predictions of one class, so the
    # per-image sort takes the quicksort branch; every class collects more than 16 scores.
    ties = [random_image(rng, shape, rng.integers(1, 6), rng.integers(3, 10), [0, 1, 2, 3], 5)
            for _ in range(8)]
    crowd = random_image(rng, shape, 4, 20, [1], 5)
    ties.insert(3, crowd)
    save("instance", "ties", dict(**image_arrays(ties), **instance_outputs(ties),
                                  **irn_eval_ins_seg(ties)))

    # Empty and one-sided classes and images: class 0 has ground truth but no prediction,
    # class 2 predictions but no ground truth, class 3 nothing (NaN), class 4 both; images with
    # no predictions, no ground truth, nothing at all.
    a = random_image(rng, shape, 3, 0, [0, 4], 0)
    b = random_image(rng, shape, 0, 4, [2, 4], 0)
    c = random_image(rng, shape, 2, 5, [4], 0)
    c["pred_labels"][:2] = 2
    empties = [empty_image(shape, gt=(a["gt_masks"], a["gt_labels"])),
               empty_image(shape, pred=(b["pred_masks"], b["pred_labels"], b["pred_scores"])),
               c, empty_image(shape)]
    save("instance", "empty", dict(**image_arrays(empties), **instance_outputs(empties)))

    # IoUs exactly at the thresholds (1/4, 1/2, 7/10, 3/4 of float32) and just under them; an
    # empty prediction against a non-empty truth (IoU 0) and against an empty truth (0/0, NaN,
    # which argmax/max let through as a match).
    def rows(n):
        m = np.zeros(shape, bool)
        m.flat[:n] = True
        return m

    exact_pred, exact_gt, exact_label, exact_score = [], [], [], []
    for inter, union in ((1, 4), (2, 4), (7, 10), (3, 4), (24, 100), (49, 100), (69, 100), (74, 100)):
        exact_gt.append(rows(union))
        exact_pred.append(rows(inter))
        exact_label.append(len(exact_gt) - 1)
        exact_score.append(0.5)
    exact = [dict(pred_masks=stack(exact_pred, shape), pred_labels=np.array(exact_label, np.int32),
                  pred_scores=np.array(exact_score, np.float32), gt_masks=stack(exact_gt, shape),
                  gt_labels=np.array(exact_label, np.int32))]
    # Class 2: IoUs (0, NaN, 0) for the empty predictions; the NaN truth is taken, the third
    # prediction then finds its own truth free.
    block = np.zeros(shape, bool)
    block.flat[50:60] = True
    empty = np.zeros(shape, bool)
    degenerate = dict(pred_masks=stack([empty, empty, rows(5), empty, empty, block], shape),
                      pred_labels=np.array([0, 1, 1, 2, 2, 2], np.int32),
                      pred_scores=np.array([0.9, 0.3, 0.8, 0.9, 0.8, 0.7], np.float32),
                      gt_masks=stack([rows(6), empty, rows(5), rows(3), empty, block], shape),
                      gt_labels=np.array([0, 1, 1, 2, 2, 2], np.int32))
    exact.append(degenerate)
    save("instance", "exact", dict(**image_arrays(exact), **instance_outputs(exact)))

    # Difficult flags (chainercv's detection routine): matches to a difficult truth count
    # neither way and difficult truths are not positives; a class whose only truth is difficult.
    hard = [random_image(rng, shape, rng.integers(1, 6), rng.integers(2, 9), [0, 1, 2], 4)
            for _ in range(7)]
    difficult = [rng.random(len(im["gt_labels"])) < 0.3 for im in hard]
    hard.append(random_image(rng, shape, 1, 3, [3], 4))
    difficult.append(np.array([True]))
    save("instance", "difficult", dict(**image_arrays(hard, difficult), **instance_outputs(hard, difficult)))

    # Many images with continuous scores (no ties), for the area-under-curve sums.
    many = [random_image(rng, shape, rng.integers(0, 5), rng.integers(0, 8), list(range(6)), 0)
            for _ in range(30)]
    save("instance", "many", dict(**image_arrays(many), **instance_outputs(many),
                                  **irn_eval_ins_seg(many)))
    print("instance: ties, empty, exact, difficult, many")


if __name__ == "__main__":
    make_argsort()
    make_reductions()
    make_semantic()
    make_cam()
    make_instance()
