"""Golden gradients for the Training module, computed by PyTorch autograd (CPU, float32).

Writes Fixtures/training_backward/<group>/<case>_<name>.npy for Tests/TrainingTests:
  conv/         dx, dw, db of F.conv2d for several geometries
  max_pool/     dx of F.max_pool2d on inputs full of ties
  gap/          dx of x.mean((2, 3), keepdim=True)
  group_norm/   dx, dweight, dbias of F.group_norm
  resize/       dx of F.interpolate(mode='bilinear'), both align_corners, scale and size forms
  sigmoid/      dx of torch.sigmoid
  multilabel/   loss and dlogits of F.multilabel_soft_margin_loss
  irn_loss/     the IRNet loss of the reference (net/resnet50_irn.py AffinityDisplacementLoss,
                weighted as step/train_irn.py does): its terms, the affinities (to_affinity), the
                directions, pair labels (0 none, 1 bg positive, 2 fg positive, 3 negative) and
                the gradients w.r.t. the edge logits and the displacement field
  sgd/          parameters after each step of the reference's PolyOptimizer and of torch.optim.SGD

Inputs, weights and upstream gradients come from SeededRandom (seeded_random.py, bit-identical to
Sources/Tensors/SeededRandom.swift) in the order each section states; the Swift tests rebuild them
from the same seeds, so each case here and its twin in Tests/TrainingTests must agree. Only the
label maps of irn_loss are stored as inputs (uint8).

The IRN loss and the optimiser come from the reference code itself, imported from a checkout
named by IRN_REFERENCE (nothing of it is copied here):
    git clone https://github.com/jiwoon-ahn/irn /tmp/irn-ref   (or `git archive` of a mirror)
    IRN_REFERENCE=/path/to/irn /path/to/venv/bin/python Fixtures/Generators/training_backward.py
Its network constructor would download ResNet50 weights, so Net.__init__ / Net.forward are
replaced at run time by a bare module / an identity on (edge, displacement); the loss code of
AffinityDisplacementLoss runs unchanged. pydensecrf (imported by misc/imutils.py) is stubbed.
"""
import os
import sys
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from seeded_random import SeededRandom

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training_backward")
torch.set_num_threads(1)


def save(group, name, array):
    folder = os.path.join(OUT, group)
    os.makedirs(folder, exist_ok=True)
    array = np.ascontiguousarray(array)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    np.save(os.path.join(folder, name + ".npy"), array)


def leaf(array):
    return torch.from_numpy(np.ascontiguousarray(array)).requires_grad_(True)


# Conv: (case, seed, x shape, w shape, stride, padding, dilation).
# Draw order: x (scale 1), w (scale 0.2), dy (scale 1). Outputs: dx, dw, db.
CONV = [
    ("1x1", 11, (2, 12, 7, 9), (10, 12, 1, 1), (1, 1), (0, 0), (1, 1)),
    ("1x1s2", 12, (1, 8, 9, 11), (6, 8, 1, 1), (2, 2), (0, 0), (1, 1)),
    ("3x3", 13, (2, 6, 9, 10), (7, 6, 3, 3), (1, 1), (1, 1), (1, 1)),
    ("3x3s2", 14, (1, 8, 11, 9), (5, 8, 3, 3), (2, 2), (1, 1), (1, 1)),
    ("3x3_dilated", 15, (1, 5, 12, 13), (4, 5, 3, 3), (1, 1), (2, 2), (2, 2)),
    ("7x7s2", 16, (1, 3, 19, 17), (8, 3, 7, 7), (2, 2), (3, 3), (1, 1)),
    ("asymmetric", 17, (2, 4, 10, 14), (3, 4, 3, 5), (1, 2), (1, 2), (2, 1)),
]


def conv():
    for case, seed, x_shape, w_shape, stride, padding, dilation in CONV:
        rng = SeededRandom(seed)
        x = leaf(rng.symmetric(x_shape, 1.0))
        w = leaf(rng.symmetric(w_shape, 0.2))
        b = leaf(np.zeros(w_shape[0], dtype=np.float32))
        y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
        y.backward(torch.from_numpy(rng.symmetric(tuple(y.shape), 1.0)))
        save("conv", case + "_dx", x.grad.numpy())
        save("conv", case + "_dw", w.grad.numpy())
        save("conv", case + "_db", b.grad.numpy())


# Max pool: (case, seed, x shape, kernel, stride, padding). x = floor(U(-2, 2)) has values in
# {-2, -1, 0, 1}, so most windows hold several equal maxima. Draw order: x (scale 2), dy (scale 1).
MAX_POOL = [
    ("k3s2p1", 21, (2, 3, 9, 11), 3, 2, 1),
    ("k3s1p1", 22, (1, 2, 7, 8), 3, 1, 1),
    ("k2s2", 23, (1, 3, 8, 10), 2, 2, 0),
]


def max_pool():
    for case, seed, shape, kernel, stride, padding in MAX_POOL:
        rng = SeededRandom(seed)
        x = leaf(np.floor(rng.symmetric(shape, 2.0)))
        y = F.max_pool2d(x, kernel, stride, padding)
        y.backward(torch.from_numpy(rng.symmetric(tuple(y.shape), 1.0)))
        save("max_pool", case + "_dx", x.grad.numpy())


def gap():
    # Draw order: x (2, 5, 6, 7) scale 1, dy (2, 5, 1, 1) scale 1.
    rng = SeededRandom(31)
    x = leaf(rng.symmetric((2, 5, 6, 7), 1.0))
    y = x.mean((2, 3), keepdim=True)
    y.backward(torch.from_numpy(rng.symmetric((2, 5, 1, 1), 1.0)))
    save("gap", "dx", x.grad.numpy())


# Group norm: (case, seed, shape, groups, offset). Draw order: x (scale 2) + offset,
# weight = 1 + U(-0.5, 0.5), bias = U(-1, 1), dy (scale 1).
GROUP_NORM = [
    ("g4", 41, (2, 8, 5, 6), 4, 0.0),
    ("g2_offset", 42, (1, 16, 9, 13), 2, 3.0),
    ("g16", 43, (2, 32, 3, 4), 16, 0.0),
]


def group_norm():
    for case, seed, shape, groups, offset in GROUP_NORM:
        rng = SeededRandom(seed)
        x = leaf((rng.symmetric(shape, 2.0) + np.float32(offset)).astype(np.float32))
        w = leaf(rng.symmetric((shape[1],), 0.5) + np.float32(1))
        b = leaf(rng.symmetric((shape[1],), 1.0))
        y = F.group_norm(x, groups, w, b, eps=1e-5)
        y.backward(torch.from_numpy(rng.symmetric(tuple(y.shape), 1.0)))
        save("group_norm", case + "_dx", x.grad.numpy())
        save("group_norm", case + "_dweight", w.grad.numpy())
        save("group_norm", case + "_dbias", b.grad.numpy())


# Bilinear resize of x (1, 3, 5, 7): (case, seed, scale factor or None, size or None, align_corners).
# Draw order: x (scale 1), dy of the output's shape (scale 1).
RESIZE = [
    ("scale2", 51, 2.0, None, False),
    ("scale4", 52, 4.0, None, False),
    ("scale2_corners", 53, 2.0, None, True),
    ("size_9x4", 54, None, (9, 4), False),
    ("size_11x13_corners", 55, None, (11, 13), True),
    ("size_3x3", 56, None, (3, 3), False),
]


def resize():
    for case, seed, factor, size, corners in RESIZE:
        rng = SeededRandom(seed)
        x = leaf(rng.symmetric((1, 3, 5, 7), 1.0))
        if factor is not None:
            y = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=corners)
        else:
            y = F.interpolate(x, size=size, mode="bilinear", align_corners=corners)
        y.backward(torch.from_numpy(rng.symmetric(tuple(y.shape), 1.0)))
        save("resize", case + "_dx", x.grad.numpy())


def sigmoid():
    # Draw order: x (3, 17) scale 6, dy scale 1.
    rng = SeededRandom(61)
    x = leaf(rng.symmetric((3, 17), 6.0))
    torch.sigmoid(x).backward(torch.from_numpy(rng.symmetric((3, 17), 1.0)))
    save("sigmoid", "dx", x.grad.numpy())


def multilabel():
    # Draw order: logits (4, 20) scale 4, then u (4, 20) in [0, 1): target = u < 0.3.
    rng = SeededRandom(71)
    x = leaf(rng.symmetric((4, 20), 4.0))
    target = torch.from_numpy((rng.unit(80) < np.float32(0.3)).astype(np.float32).reshape(4, 20))
    loss = F.multilabel_soft_margin_loss(x, target)
    loss.backward()
    save("multilabel", "loss", np.array([loss.item()], dtype=np.float32))
    save("multilabel", "dlogits", x.grad.numpy())


def load_reference():
    root = os.environ.get("IRN_REFERENCE")
    if not root or not os.path.isdir(os.path.join(root, "net")):
        sys.exit("set IRN_REFERENCE to a checkout of jiwoon-ahn/irn")
    crf = types.ModuleType("pydensecrf")
    crf.densecrf = types.ModuleType("pydensecrf.densecrf")
    crf.utils = types.ModuleType("pydensecrf.utils")
    crf.utils.unary_from_labels = None
    sys.modules.update({"pydensecrf": crf, "pydensecrf.densecrf": crf.densecrf,
                        "pydensecrf.utils": crf.utils})
    sys.path.insert(0, root)
    here = os.getcwd()
    os.chdir(root)
    try:
        from misc import indexing, torchutils
        from net import resnet50_irn
        import voc12.dataloader as dataloader
    finally:
        os.chdir(here)
    # No backbone: the constructor makes a bare module, the forward hands back its input.
    resnet50_irn.Net.__init__ = lambda self: nn.Module.__init__(self)
    resnet50_irn.Net.forward = lambda self, outputs: outputs
    return indexing, torchutils, resnet50_irn, dataloader


def label_map(rng, height, width):
    """Background with three class rectangles and about 8% unsure (255) pixels.
    Draw order per rectangle: class, top, left, height, width (units); then one unit per pixel."""
    labels = np.zeros((height, width), dtype=np.uint8)
    for _ in range(3):
        u = rng.unit(5)
        cls = 1 + int(u[0] * 20)
        top, left = int(u[1] * height), int(u[2] * width)
        h, w = 2 + int(u[3] * height / 2), 2 + int(u[4] * width / 2)
        labels[top:top + h, left:left + w] = cls
    unsure = rng.unit(height * width).reshape(height, width) < np.float32(0.08)
    labels[unsure] = 255
    return labels


# IRN loss: (case, seed, radius, batch, height, width, ties). Draw order: for each image its label
# map (label_map above), then edge logits (batch, 1, h, w) scale 4 (with ties: floored, so paths
# hold equal maxima and max_pool2d's first-maximum rule decides which pixel gets the gradient),
# displacement (batch, 2, h, w) scale 3.
IRN_LOSS = [
    ("r5_16x16", 81, 5, 2, 16, 16, False),
    ("r10_24x24", 82, 10, 1, 24, 24, False),
    ("r5_16x21_ties", 85, 5, 2, 16, 21, True),
]


def irn_loss(indexing, resnet50_irn, dataloader):
    for case, seed, radius, batch, height, width, ties in IRN_LOSS:
        rng = SeededRandom(seed)
        maps = np.stack([label_map(rng, height, width) for _ in range(batch)])
        logits = rng.symmetric((batch, 1, height, width), 4.0)
        edge = leaf(np.floor(logits) if ties else logits)
        dp = leaf(rng.symmetric((batch, 2, height, width), 3.0))

        path_index = indexing.PathIndex(radius=radius, default_size=(height, width))
        model = resnet50_irn.AffinityDisplacementLoss(path_index)
        labeler = dataloader.GetAffinityLabelFromIndices(path_index.src_indices, path_index.dst_indices)
        per_image = [labeler(m) for m in maps]
        bg_pos, fg_pos, neg = (torch.stack([p[k] for p in per_image]) for k in range(3))

        pos_aff, neg_aff, dp_fg, dp_bg = model.forward((edge, dp), True)
        # The weighting of step/train_irn.py: label-masked means, positives averaged over bg / fg.
        bg_term = torch.sum(bg_pos * pos_aff) / (torch.sum(bg_pos) + 1e-5)
        fg_term = torch.sum(fg_pos * pos_aff) / (torch.sum(fg_pos) + 1e-5)
        pos_term = bg_term / 2 + fg_term / 2
        neg_term = torch.sum(neg * neg_aff) / (torch.sum(neg) + 1e-5)
        dp_fg_term = torch.sum(dp_fg * torch.unsqueeze(fg_pos, 1)) / (2 * torch.sum(fg_pos) + 1e-5)
        dp_bg_term = torch.sum(dp_bg * torch.unsqueeze(bg_pos, 1)) / (2 * torch.sum(bg_pos) + 1e-5)
        total = (pos_term + neg_term) / 2 + (dp_fg_term + dp_bg_term) / 2
        total.backward()

        with torch.no_grad():
            affinity = model.to_affinity(torch.sigmoid(edge))
        kinds = (bg_pos.numpy() * 1 + fg_pos.numpy() * 2 + neg.numpy() * 3).astype(np.uint8)
        save("irn_loss", case + "_labelmaps", maps)
        save("irn_loss", case + "_directions", np.asarray(path_index.search_dst, dtype=np.int64))
        save("irn_loss", case + "_pairlabels", kinds)
        save("irn_loss", case + "_affinity", affinity.numpy())
        save("irn_loss", case + "_terms", np.array([t.item() for t in
                                                    (pos_term, neg_term, dp_fg_term, dp_bg_term, total)],
                                                   dtype=np.float32))
        save("irn_loss", case + "_dedge", edge.grad.numpy())
        save("irn_loss", case + "_ddisplacement", dp.grad.numpy())


# SGD: parameters p0 (3, 4), p1 (5,) in group 0 and p2 (2, 3, 1, 1) in group 1, drawn (scale 1)
# in that order; then per step, per parameter in order, its gradient (scale 1) unless the case
# withholds it (p1 has no gradient at step 1: PyTorch then skips it). Output: all parameters
# flattened and concatenated after each step, [steps, 23].
def sgd_parameters(seed):
    rng = SeededRandom(seed)
    return rng, [torch.nn.Parameter(torch.from_numpy(rng.symmetric(s, 1.0))) for s in ((3, 4), (5,), (2, 3, 1, 1))]


def run_steps(rng, params, optimizer, steps):
    history = []
    for step in range(steps):
        optimizer.zero_grad()
        for i, p in enumerate(params):
            if i == 1 and step == 1:
                p.grad = None
            else:
                p.grad = torch.from_numpy(rng.symmetric(tuple(p.shape), 1.0))
        optimizer.step()
        history.append(np.concatenate([p.detach().numpy().reshape(-1) for p in params]))
    return np.stack(history)


def sgd(torchutils):
    # The reference's optimiser as train_cam / train_irn build it: lr 0.1 (group 1: 10x),
    # weight decay 1e-4, max_step 4, five steps (the last one past max_step).
    rng, params = sgd_parameters(91)
    opt = torchutils.PolyOptimizer([
        {"params": params[:2], "lr": 0.1, "weight_decay": 1e-4},
        {"params": params[2:], "lr": 1.0, "weight_decay": 1e-4},
    ], lr=0.1, weight_decay=1e-4, max_step=4)
    save("sgd", "poly_reference", run_steps(rng, params, opt, 5))
    # Same construction with a large weight decay, so its use as momentum shows in the numbers.
    rng, params = sgd_parameters(92)
    opt = torchutils.PolyOptimizer([
        {"params": params[:2], "lr": 0.05, "weight_decay": 0.3},
        {"params": params[2:], "lr": 0.5, "weight_decay": 0.3},
    ], lr=0.05, weight_decay=0.3, max_step=3)
    save("sgd", "poly_large_decay", run_steps(rng, params, opt, 4))
    # Plain torch.optim.SGD: momentum with dampening, and Nesterov.
    rng, params = sgd_parameters(93)
    opt = torch.optim.SGD(params, lr=0.2, momentum=0.5, dampening=0.25, weight_decay=0.05)
    save("sgd", "momentum_dampening", run_steps(rng, params, opt, 3))
    rng, params = sgd_parameters(94)
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)
    save("sgd", "nesterov", run_steps(rng, params, opt, 3))


def main():
    conv()
    max_pool()
    gap()
    group_norm()
    resize()
    sigmoid()
    multilabel()
    indexing, torchutils, resnet50_irn, dataloader = load_reference()
    irn_loss(indexing, resnet50_irn, dataloader)
    sgd(torchutils)


if __name__ == "__main__":
    main()
