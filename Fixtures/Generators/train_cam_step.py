"""Golden data for one CAM training step (Sources/Training/CAMTrainer.swift, `irn train-cam`), for
Tests/TrainingTests/CAMTrainerGoldenTests.swift and Tests/irnTests/TrainCAMCommandTests.swift.

The reference's own pieces are used unchanged, imported from a checkout named by IRN_REFERENCE:
net/resnet50_cam.Net (forward with the stage-2 detach, its train() freezing conv1/bn1, its
trainable_parameters() groups), misc/torchutils.PolyOptimizer (as step/train_cam.py builds it:
lr and 10x lr, weight decay 1e-4 given positionally), F.multilabel_soft_margin_loss,
voc12/dataloader.TorchvisionNormalize and misc/imutils.top_left_crop (the non-random crop path =
`--no-augment`). Only the network size is narrowed at runtime (width 1/16: stem 4 channels,
and fewer bottlenecks) and its weights come from seeded_weights.py (seed 2019), the twin of
SeededWeights.swift, so nothing large is committed.

Writes Fixtures/train_cam/:
  images/<id>.png       the batch's photos (PNG, decoded once by Pillow from Fixtures/voc_mini
                        JPEGs and make_cam/chelsea_45x58.png)
  labels.txt            "id class ..." lines (the custom dataset layout of `irn train-cam`)
  inputs.npy            float32 [3, 3, 48, 48] the normalised top-left 48x48 crops, ids sorted
  <case>_loss.npy       float32 [1] the loss of the batch
  <case>_logits.npy     float32 [3, 20]
  <case>_after.npz      every parameter that the step changes, after the step (float32)
  <case>_grads.npz      a few gradients of the step
Cases: reference (blocks 1,1,2,2: stages 3-4 and the classifier learn) and backbone (blocks
1,1,1,1, conv1/bn1 unfrozen and no detach: what `--train-backbone` does).
Run:
  IRN_REFERENCE=/tmp/irn-ref /work/venv/bin/python Fixtures/Generators/train_cam_step.py
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import networks  # noqa: E402  (imports the reference modules; IRN_REFERENCE must be set)
from networks import R, CAM_MODULE, fill, WEIGHT_SEED  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "train_cam")
REFERENCE = os.environ["IRN_REFERENCE"]
sys.path.insert(0, REFERENCE)
_cwd = os.getcwd()
os.chdir(REFERENCE)  # the dataloader reads voc12/cls_labels.npy relative to the checkout
from voc12.dataloader import TorchvisionNormalize  # noqa: E402
from misc import imutils, torchutils  # noqa: E402
os.chdir(_cwd)

WIDTH = 0.0625
CROP = 48
BATCH = {  # id -> (source image, VOC classes, 0-based)
    "2007_000032": ("voc_mini/JPEGImages/2007_000032.jpg", [0, 14]),
    "chelsea": ("make_cam/chelsea_45x58.png", [7]),
    "street-scene": ("voc_mini/JPEGImages/street-scene.v2.jpg", [5, 6, 14]),
}
SAVED_GRADIENTS = {
    "reference": ["classifier.weight", "resnet50.layer3.0.conv1.weight", "resnet50.layer3.0.downsample.1.weight",
                  "resnet50.layer4.1.bn3.weight", "resnet50.layer4.1.conv2.weight"],
    "backbone": ["classifier.weight", "resnet50.conv1.weight", "resnet50.bn1.weight",
                 "resnet50.layer1.0.conv2.weight", "resnet50.layer2.0.downsample.0.weight"],
}


def narrow_factory(blocks):
    """A stand-in for net.resnet50.resnet50: random (not ImageNet) weights, every channel count
    times WIDTH, `blocks` bottlenecks per layer."""
    stem = int(64 * WIDTH)
    make_layer = R.ResNet._make_layer

    def narrow_layer(self, block, planes, n, stride=1, dilation=1):
        if planes == 64:
            self.inplanes = stem
        return make_layer(self, block, int(planes * WIDTH), n, stride, dilation)

    def factory(pretrained=True, **kwargs):
        R.ResNet._make_layer = narrow_layer
        try:
            model = R.ResNet(R.Bottleneck, blocks, **kwargs)
        finally:
            R.ResNet._make_layer = make_layer
        model.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=model.conv1.stride, padding=3, bias=False)
        model.bn1 = R.FixedBatchNorm(stem)
        return model
    return factory


def network(blocks):
    original = R.resnet50
    R.resnet50 = narrow_factory(blocks)
    try:
        model = CAM_MODULE.Net()
    finally:
        R.resnet50 = original
    model.classifier = nn.Conv2d(int(2048 * WIDTH), 20, 1, bias=False)
    model.newly_added = nn.ModuleList([model.classifier])
    return fill(model, WEIGHT_SEED)


def batch():
    normalize = TorchvisionNormalize()
    images, labels = [], []
    for name in sorted(BATCH):
        img = np.asarray(Image.open(os.path.join(OUT, "images", name + ".png")).convert("RGB"))
        img = imutils.HWC_to_CHW(imutils.top_left_crop(normalize(img), CROP, 0))
        images.append(img)
        label = np.zeros(20, np.float32)
        label[BATCH[name][1]] = 1
        labels.append(label)
    return torch.from_numpy(np.stack(images)), torch.from_numpy(np.stack(labels))


def canonical(name):
    return name.startswith(("resnet50.", "classifier."))


def run_case(case, blocks, train_backbone):
    torch.manual_seed(0)
    model = network(blocks)
    before = {k: v.clone() for k, v in model.state_dict().items() if canonical(k)}
    param_groups = model.trainable_parameters()
    optimizer = torchutils.PolyOptimizer([
        {"params": param_groups[0], "lr": 0.1, "weight_decay": 1e-4},
        {"params": param_groups[1], "lr": 1.0, "weight_decay": 1e-4},
    ], lr=0.1, weight_decay=1e-4, max_step=10)
    model.train()  # the reference's override: freezes conv1 and bn1
    if train_backbone:
        for p in model.parameters():
            p.requires_grad = True
        model.forward = lambda x: full_forward(model, x)
    images, labels = batch()
    np.save(os.path.join(OUT, "inputs.npy"), images.numpy())  # the same for both cases
    x = model(images)
    loss = F.multilabel_soft_margin_loss(x, labels)
    optimizer.zero_grad()
    loss.backward()
    named = dict(model.named_parameters())
    grads = {n: named[n].grad.numpy().copy() for n in SAVED_GRADIENTS[case]}
    optimizer.step()
    after = {}
    for k, v in model.state_dict().items():
        if canonical(k) and not torch.equal(v, before[k]):
            after[k] = v.numpy().astype(np.float32)
    np.save(os.path.join(OUT, case + "_loss.npy"), np.array([loss.item()], np.float32))
    np.save(os.path.join(OUT, case + "_logits.npy"), x.detach().numpy().astype(np.float32))
    np.savez(os.path.join(OUT, case + "_after.npz"), **after)
    np.savez(os.path.join(OUT, case + "_grads.npz"), **grads)
    print(case, "loss %.6f" % loss.item(), "changed tensors", len(after),
          "scalars", sum(v.size for v in after.values()))


def full_forward(model, x):
    """Net.forward without the detach (every stage learns)."""
    x = model.stage2(model.stage1(x))
    x = model.stage4(model.stage3(x))
    x = torchutils.gap2d(x, keepdims=True)
    return model.classifier(x).view(-1, 20)


def main():
    os.makedirs(os.path.join(OUT, "images"), exist_ok=True)
    torch.set_num_threads(2)
    for name, (source, classes) in BATCH.items():
        Image.open(os.path.join(ROOT, source)).convert("RGB").save(os.path.join(OUT, "images", name + ".png"))
    with open(os.path.join(OUT, "labels.txt"), "w") as f:
        for name in sorted(BATCH):
            f.write(name + " " + " ".join(str(c) for c in BATCH[name][1]) + "\n")
    run_case("reference", [1, 1, 2, 2], train_backbone=False)
    run_case("backbone", [1, 1, 1, 1], train_backbone=True)


if __name__ == "__main__":
    main()
