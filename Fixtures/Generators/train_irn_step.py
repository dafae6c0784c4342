"""One training step of the reference IRNet (jiwoon-ahn/irn step/train_irn.py) on CPU, for
Tests/irnTests/TrainIRNGoldenTests.swift.

Model: the reference AffinityDisplacementLoss with a width-0.25 backbone (stem 16) and heads
narrowed to 8 boundary channels per level, displacement levels 8, 16, 32, 32, 32, 32 and a
32-channel merge (the group counts stay the reference's), every tensor filled by
seeded_weights.py with seed 808 (twin of Sources/Networks/SeededWeights.swift), so the Swift
test rebuilds it from the seed.
Data: two images drawn by seeded_random.py (uint8, one unit per sample: floor(u * 256)),
2007_000001 of 96 x 96 and 2007_000002 of 88 x 92 pixels, with hand-made relation labels
(0 background, classes, 255 unsure; saved as inputs). They go through the reference's
VOC12AffinityDataset unchanged (no rescale, no flip, top-left crop to 96: image padded with
0, labels with 255, labels reduced to 24 x 24 by Pillow NEAREST), read from PNG files in a
temporary folder (its image path function is pointed there).
Step: the reference's loss arithmetic of train_irn on the module's four outputs, its
PolyOptimizer (boundary branch lr 0.1, displacement branch lr 1.0, weight decay 1e-4,
max_step 3), one step. Then the mean shift as train_irn computes it (eval mode, top-left crop,
mean over pixels, then over the batch).
A second case (Fixtures/train_irn/unseen/, listed in CASES) repeats this with three other
images larger than the crop, seeded labels, other head widths and learning rate.
A third case (Fixtures/train_irn/backbone/) is what `irn train-irn --train-backbone` does: the
module's forward is replaced here by one without the .detach() of x1...x5 (otherwise the
same), and every backbone parameter joins the boundary branch's group (1x learning rate, weight
decay), after it; a width-1/16 backbone with one bottleneck per layer keeps the fixture small.
Written to Fixtures/train_irn/ (and unseen/, backbone/):
  labels_<id>.npy          the relation labels of each image (inputs, uint8)
  reduced_labels.npy       the dataset's stride-4 label maps of the images (uint8)
  terms.npy                pos, neg, dp_fg, dp_bg, total before the step (float32)
  updated_heads.npy        every head parameter after the step, flattened and concatenated in
                           trainable_parameters() order (float32)
  mean_shift.npy           the mean displacement after the step (float32, [2])
  updated_backbone.npz     (backbone case) every backbone parameter after the step, by name
Run:
  git --git-dir=<mirror of jiwoon-ahn/irn> archive HEAD | tar -x -C /tmp/irn-ref
  IRN_REFERENCE=/tmp/irn-ref /work/venv/bin/python Fixtures/Generators/train_irn_step.py
"""
import contextlib
import os
import sys
import tempfile
import types

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

from seeded_random import SeededRandom
import networks  # the reference modules, backbone_width, narrowing and seeded filling

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train_irn")
WIDTH = 0.25
# Cases: folder, weight seed, head widths (edge, displacement levels, merge), crop, learning
# rate, max_step, image ids and sizes (H, W); image k is drawn with seed image_seed + k.
CASES = [
    dict(folder="", seed=808, edge=8, displacement=[8, 16, 32, 32, 32, 32], merge=32, crop=96, lr=0.1,
         max_step=3, ids=["2007_000001", "2007_000002"], sizes=[(96, 96), (88, 92)], image_seed=100),
    # Data the implementation was not developed on: three images larger than the crop on one or
    # both sides, other widths, another learning rate.
    dict(folder="unseen", seed=909, edge=4, displacement=[8, 16, 16, 16, 16, 16], merge=16, crop=80, lr=0.05,
         max_step=5, ids=["2008_000011", "2008_000012", "2008_000013"], sizes=[(100, 84), (72, 120), (80, 80)],
         image_seed=200),
    # --train-backbone: no detach, the backbone in group 0.
    dict(folder="backbone", seed=707, edge=4, displacement=[8, 16, 16, 16, 16, 16], merge=16, crop=128, lr=0.05,
         max_step=4, ids=["2009_000021", "2009_000022"], sizes=[(132, 120), (120, 136)], image_seed=300,
         width=0.0625, blocks=[1, 1, 1, 1], train_backbone=True),
]


def load_dataloader(root):
    crf = types.ModuleType("pydensecrf")
    crf.densecrf = types.ModuleType("pydensecrf.densecrf")
    crf.utils = types.ModuleType("pydensecrf.utils")
    crf.utils.unary_from_labels = None
    sys.modules.update({"pydensecrf": crf, "pydensecrf.densecrf": crf.densecrf, "pydensecrf.utils": crf.utils})
    here = os.getcwd()
    os.chdir(root)
    try:
        import voc12.dataloader as dataloader
        from misc import torchutils
    finally:
        os.chdir(here)
    return dataloader, torchutils


@contextlib.contextmanager
def backbone(case):
    """While active, the reference's resnet50() builds a random backbone of the case's width and
    (if given) bottlenecks per layer."""
    width = case.get("width", WIDTH)
    if "blocks" not in case:
        with networks.backbone_width(width):
            yield
        return
    R = networks.R
    original, make_layer, stem = R.resnet50, R.ResNet._make_layer, int(64 * width)

    def narrow_layer(self, block, planes, n, stride=1, dilation=1):
        if planes == 64:
            self.inplanes = stem
        return make_layer(self, block, int(planes * width), n, stride, dilation)

    def factory(pretrained=True, **kwargs):
        R.ResNet._make_layer = narrow_layer
        try:
            model = R.ResNet(R.Bottleneck, case["blocks"], **kwargs)
        finally:
            R.ResNet._make_layer = make_layer
        model.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=model.conv1.stride, padding=3, bias=False)
        model.bn1 = R.FixedBatchNorm(stem)
        return model

    R.resnet50 = factory
    try:
        yield
    finally:
        R.resnet50 = original


def undetached_forward(self, x):
    """The reference Net.forward with x1...x5 left attached to the graph."""
    x1 = self.stage1(x)
    x2 = self.stage2(x1)
    x3 = self.stage3(x2)
    x4 = self.stage4(x3)
    x5 = self.stage5(x4)
    edge1 = self.fc_edge1(x1)
    edge2 = self.fc_edge2(x2)
    h, w = edge2.size(2), edge2.size(3)
    edge3 = self.fc_edge3(x3)[..., :h, :w]
    edge4 = self.fc_edge4(x4)[..., :h, :w]
    edge5 = self.fc_edge5(x5)[..., :h, :w]
    edge_out = self.fc_edge6(torch.cat([edge1, edge2, edge3, edge4, edge5], dim=1))
    dp1 = self.fc_dp1(x1)
    dp2 = self.fc_dp2(x2)
    dp3 = self.fc_dp3(x3)
    dp4 = self.fc_dp4(x4)[..., :dp3.size(2), :dp3.size(3)]
    dp5 = self.fc_dp5(x5)[..., :dp3.size(2), :dp3.size(3)]
    dp_up3 = self.fc_dp6(torch.cat([dp3, dp4, dp5], dim=1))[..., :dp2.size(2), :dp2.size(3)]
    dp_out = self.fc_dp7(torch.cat([dp1, dp2, dp_up3], dim=1))
    return edge_out, dp_out


def narrow_heads(model, case):
    """Head levels with the narrowed widths (inputs sized for the case's backbone)."""
    EDGE, DISPLACEMENT, MERGE = case["edge"], case["displacement"], case["merge"]
    levels = networks.level_channels(case.get("width", WIDTH))
    for level in range(5):
        head = getattr(model, "fc_edge%d" % (level + 1))
        head[0] = nn.Conv2d(levels[level], EDGE, 1, bias=False)
        head[1] = nn.GroupNorm(4, EDGE)
    model.fc_edge6 = nn.Conv2d(5 * EDGE, 1, 1, bias=True)
    model.edge_layers[5] = model.fc_edge6
    groups = [8, 16, 16, 16, 16, 16]
    inputs = levels + [DISPLACEMENT[2] + DISPLACEMENT[3] + DISPLACEMENT[4]]
    for level in range(6):
        head = getattr(model, "fc_dp%d" % (level + 1))
        head[0] = nn.Conv2d(inputs[level], DISPLACEMENT[level], 1, bias=False)
        head[1] = nn.GroupNorm(groups[level], DISPLACEMENT[level])
    model.fc_dp7[0] = nn.Conv2d(DISPLACEMENT[0] + DISPLACEMENT[1] + DISPLACEMENT[5], MERGE, 1, bias=False)
    model.fc_dp7[1] = nn.GroupNorm(16, MERGE)
    model.fc_dp7[3] = nn.Conv2d(MERGE, 2, 1, bias=False)


def image_pixels(seed, height, width):
    return (SeededRandom(seed).unit(height * width * 3) * np.float32(256)).astype(np.uint8).reshape(height, width, 3)


def relation_labels(case, index, height, width):
    """Case 1: background, two class rectangles (one per image touching the border), unsure
    bands. Case 2: three seeded rectangles (class, top, left, height, width drawn in that order)
    and about 5 % unsure pixels."""
    labels = np.zeros((height, width), np.uint8)
    if case["folder"]:
        rng = SeededRandom(case["seed"] + 10 + index)
        for _ in range(3):
            u = rng.unit(5)
            top, left = int(u[1] * height), int(u[2] * width)
            labels[top:top + 8 + int(u[3] * height / 2), left:left + 8 + int(u[4] * width / 2)] = 1 + int(u[0] * 20)
        labels[rng.unit(height * width).reshape(height, width) < np.float32(0.05)] = 255
    elif index == 0:
        labels[10:60, 8:50] = 15
        labels[40:90, 56:94] = 3
        labels[8:12, 8:50] = 255
        labels[60:64, 8:50] = 255
    else:
        labels[0:50, 30:92] = 7
        labels[56:88, 0:40] = 12
        labels[50:56, 20:70] = 255
    return labels


def main():
    root = os.environ.get("IRN_REFERENCE")
    dataloader, torchutils = load_dataloader(root)
    from misc import indexing
    torch.set_num_threads(2)
    torch.Tensor.cuda = lambda self, *a, **k: self
    nn.Module.cuda = lambda self, *a, **k: self
    irn = networks.IRN_MODULE
    only = sys.argv[1:]  # optional folder names ("", "unseen", "backbone") to regenerate
    for case in CASES:
        if only and case["folder"] not in only:
            continue
        detached = irn.Net.forward
        if case.get("train_backbone", False):
            irn.Net.forward = undetached_forward  # AffinityDisplacementLoss calls Net.forward
        try:
            run_case(case, dataloader, torchutils, indexing)
        finally:
            irn.Net.forward = detached


def run_case(case, dataloader, torchutils, indexing):
    irn = networks.IRN_MODULE
    out = os.path.join(OUT, case["folder"])
    os.makedirs(out, exist_ok=True)
    IDS, SIZES, CROP, SEED = case["ids"], case["sizes"], case["crop"], case["seed"]
    folder = tempfile.mkdtemp()
    for index, (name, (h, w)) in enumerate(zip(IDS, SIZES)):
        Image.fromarray(image_pixels(case["image_seed"] + index, h, w)).save(os.path.join(folder, name + ".png"))
        labels = relation_labels(case, index, h, w)
        np.save(os.path.join(out, "labels_%s.npy" % name), labels)
        Image.fromarray(labels).save(os.path.join(folder, name + "_label.png"))
    with open(os.path.join(folder, "list.txt"), "w") as f:
        f.write("\n".join(name.replace("_", "") for name in IDS) + "\n")
    dataloader.get_img_path = lambda name, voc12_root: os.path.join(folder, name + ".png")
    label_folder = os.path.join(folder, "labels")
    os.makedirs(label_folder)
    for name in IDS:
        os.rename(os.path.join(folder, name + "_label.png"), os.path.join(label_folder, name + ".png"))

    path_index = indexing.PathIndex(radius=10, default_size=(CROP // 4, CROP // 4))
    with backbone(case):
        model = irn.AffinityDisplacementLoss(path_index)
    narrow_heads(model, case)
    networks.fill(model, SEED)

    dataset = dataloader.VOC12AffinityDataset(os.path.join(folder, "list.txt"), label_dir=label_folder,
                                              voc12_root=folder, indices_from=path_index.src_indices,
                                              indices_to=path_index.dst_indices, hor_flip=False,
                                              crop_size=CROP, crop_method="top_left", rescale=None)
    packs = [dataset[i] for i in range(len(dataset))]
    img = torch.stack([torch.from_numpy(p["img"]) for p in packs])
    bg_pos = torch.stack([p["aff_bg_pos_label"] for p in packs])
    fg_pos = torch.stack([p["aff_fg_pos_label"] for p in packs])
    neg = torch.stack([p["aff_neg_label"] for p in packs])
    reduced = np.stack([dataloader.imutils.pil_rescale(p["label"], 0.25, 0) for p in packs])
    np.save(os.path.join(out, "reduced_labels.npy"), reduced.astype(np.uint8))

    param_groups = model.trainable_parameters()
    trains_backbone = case.get("train_backbone", False)
    if trains_backbone:
        param_groups = (param_groups[0] + tuple(model.resnet50.parameters()), param_groups[1])
    optimizer = torchutils.PolyOptimizer([
        {"params": param_groups[0], "lr": 1 * case["lr"], "weight_decay": 1e-4},
        {"params": param_groups[1], "lr": 10 * case["lr"], "weight_decay": 1e-4},
    ], lr=case["lr"], weight_decay=1e-4, max_step=case["max_step"])
    model.train()

    pos_aff_loss, neg_aff_loss, dp_fg_loss, dp_bg_loss = model(img, True)
    # The loss arithmetic of train_irn.
    bg_pos_aff_loss = torch.sum(bg_pos * pos_aff_loss) / (torch.sum(bg_pos) + 1e-5)
    fg_pos_aff_loss = torch.sum(fg_pos * pos_aff_loss) / (torch.sum(fg_pos) + 1e-5)
    pos_aff_loss = bg_pos_aff_loss / 2 + fg_pos_aff_loss / 2
    neg_aff_loss = torch.sum(neg * neg_aff_loss) / (torch.sum(neg) + 1e-5)
    dp_fg_loss = torch.sum(dp_fg_loss * torch.unsqueeze(fg_pos, 1)) / (2 * torch.sum(fg_pos) + 1e-5)
    dp_bg_loss = torch.sum(dp_bg_loss * torch.unsqueeze(bg_pos, 1)) / (2 * torch.sum(bg_pos) + 1e-5)
    total_loss = (pos_aff_loss + neg_aff_loss) / 2 + (dp_fg_loss + dp_bg_loss) / 2
    terms = [pos_aff_loss, neg_aff_loss, dp_fg_loss, dp_bg_loss, total_loss]
    np.save(os.path.join(out, "terms.npy"), np.array([t.item() for t in terms], np.float32))
    optimizer.zero_grad()
    total_loss.backward()
    optimizer.step()

    names = [n for n, _ in model.named_parameters() if n.startswith(("fc_edge", "fc_dp"))]
    heads = model.trainable_parameters()
    flat = [p.detach().numpy().reshape(-1) for p in heads[0] + heads[1]]
    if trains_backbone:
        np.savez(os.path.join(out, "updated_backbone.npz"),
                 **{"resnet50." + n: p.detach().numpy().astype(np.float32)
                    for n, p in model.resnet50.named_parameters()})
    np.save(os.path.join(out, "updated_heads.npy"), np.concatenate(flat).astype(np.float32))
    print("%d head tensors, %d values; terms %s" % (len(flat), sum(a.size for a in flat), [t.item() for t in terms]))
    print(names)

    # The mean shift as train_irn computes it: eval mode, the top-left crop of each image.
    infer = dataloader.VOC12ImageDataset(os.path.join(folder, "list.txt"), voc12_root=folder,
                                         crop_size=CROP, crop_method="top_left")
    model.eval()
    with torch.no_grad():
        batch = torch.stack([torch.from_numpy(infer[i]["img"]) for i in range(len(infer))])
        model.mean_shift.running_mean.zero_()  # the module starts from zeros in train_irn
        _, dp = model(batch, False)
        mean = torch.mean(torch.stack([torch.mean(dp, dim=(0, 2, 3))]), dim=0)
    np.save(os.path.join(out, "mean_shift.npy"), mean.numpy().astype(np.float32))
    print("mean shift", mean.numpy())


if __name__ == "__main__":
    main()
