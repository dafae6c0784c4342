"""Prototype of the demo's CAM training recipe in PyTorch, on `irn synth` output.

Trains the CAM network of `irn demo` — a ResNet50 (strides 2,2,2,1) at a reduced width, from
scratch, batch norms frozen at identity statistics (an affine layer each), the last batch norm
of every bottleneck starting at zero so each block starts as the identity — with the
multilabel soft-margin loss and SGD with the poly schedule, then scores its CAMs on the
validation scenes (mIoU at background 0.15, single scale plus mirror) and saves the weights
under the names `irn demo --weights-dir` reads (demo_cam.safetensors). It only explores crop
size, width, steps and learning rate; the bundled weights come from the Swift trainers.

    swift run -c release irn synth --out /tmp/synth-train --count 2000 --seed 1 --val 0
    swift run -c release irn synth --out /tmp/synth-val --count 100 --seed 1000 --val 100
    /work/venv/bin/python Benchmarks/demo_recipe.py --train /tmp/synth-train --val /tmp/synth-val \
        --width 0.25 --steps 600 --batch 16 --lr 0.1 --out /tmp/recipe
    /work/venv/bin/python Benchmarks/demo_recipe.py --val /tmp/synth-val --evaluate cam.safetensors

With --evaluate it only scores a checkpoint (for instance one `irn train-cam --init scratch`
wrote), so recipes of the Swift trainer can be compared the same way.
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


class FrozenNorm(nn.Module):
    """Batch norm in inference mode with trainable scale and shift (statistics 0 and 1)."""

    def __init__(self, channels, zero=False):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels) if zero else torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))

    def forward(self, x):
        scale = self.weight / torch.sqrt(self.running_var + 1e-5)
        shift = self.bias - self.running_mean * scale
        return x * scale[None, :, None, None] + shift[None, :, None, None]


class Block(nn.Module):
    def __init__(self, inplanes, planes, stride, project):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = FrozenNorm(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = FrozenNorm(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = FrozenNorm(planes * 4, zero=True)
        self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, stride, bias=False),
                                        FrozenNorm(planes * 4)) if project else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


class Backbone(nn.Module):
    def __init__(self, width, blocks=(3, 4, 6, 3), strides=(2, 2, 2, 1)):
        super().__init__()
        stem = int(64 * width)
        self.conv1 = nn.Conv2d(3, stem, 7, strides[0], 3, bias=False)
        self.bn1 = FrozenNorm(stem)
        inplanes = stem
        for i, count in enumerate(blocks):
            planes = stem << i
            layer = []
            for b in range(count):
                layer.append(Block(inplanes, planes, ([1] + list(strides[1:]))[i] if b == 0 else 1, b == 0))
                inplanes = planes * 4
            setattr(self, f"layer{i + 1}", nn.Sequential(*layer))
        self.channels = inplanes
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))


class CAMNet(nn.Module):
    def __init__(self, width, classes):
        super().__init__()
        self.resnet50 = Backbone(width)
        self.classifier = nn.Conv2d(self.resnet50.channels, classes, 1, bias=False)
        nn.init.normal_(self.classifier.weight, std=0.01)

    def forward(self, x):
        x = self.resnet50(x)
        return self.classifier(x.mean((2, 3), keepdim=True)).flatten(1)

    def cams(self, x):
        return F.relu(self.classifier(self.resnet50(x)))


def read_dataset(root, split):
    names = open(os.path.join(root, "class_names.txt")).read().strip().split(",")
    labels = {}
    for line in open(os.path.join(root, "labels.txt")):
        if line.startswith("#") or not line.strip():
            continue
        words = line.split()
        labels[words[0]] = [names.index(w) for w in words[1:]]
    ids = open(os.path.join(root, "ImageSets/Segmentation", split + ".txt")).read().split()
    images = np.stack([np.asarray(Image.open(os.path.join(root, "JPEGImages", i + ".png")).convert("RGB"))
                       for i in ids])
    targets = np.zeros((len(ids), len(names)), np.float32)
    for k, i in enumerate(ids):
        targets[k, labels[i]] = 1
    return ids, names, images, targets


def normalise(images):
    x = (images.astype(np.float32) / 255 - MEAN) / STD
    return torch.from_numpy(x.transpose(0, 3, 1, 2).copy())


def cam_miou(net, root, ids, images, targets, threshold=0.15):
    classes = targets.shape[1]
    confusion = np.zeros((classes + 1, classes + 1), np.int64)
    net.eval()
    with torch.no_grad():
        for k in range(len(ids)):
            x = normalise(images[k:k + 1])
            pair = torch.cat([x, x.flip(3)])
            maps = net.cams(pair)
            maps = maps[0] + maps[1].flip(2)
            h, w = images.shape[1:3]
            up = F.interpolate(maps[None], size=(h, w), mode="bilinear", align_corners=False)[0]
            keys = np.nonzero(targets[k])[0]
            m = up[keys].numpy()
            m = m / (m.reshape(len(keys), -1).max(1)[:, None, None] + 1e-5)
            scores = np.concatenate([np.full((1, h, w), threshold, np.float32), m])
            pred = np.concatenate([[0], keys + 1])[scores.argmax(0)]
            truth = np.asarray(Image.open(os.path.join(root, "SegmentationClass", ids[k] + ".png")))
            valid = truth != 255
            np.add.at(confusion, (truth[valid], pred[valid]), 1)
    net.train()
    iou = np.diag(confusion) / (confusion.sum(0) + confusion.sum(1) - np.diag(confusion))
    return np.nanmean(iou), iou


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train")
    parser.add_argument("--val", required=True)
    parser.add_argument("--width", type=float, default=0.25)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--out", default=None)
    parser.add_argument("--evaluate", default=None,
                        help="score the CAMs of this demo_cam.safetensors (e.g. from irn train-cam) instead of training")
    args = parser.parse_args()
    torch.manual_seed(0)
    if args.evaluate:
        from safetensors.torch import load_file
        state = load_file(args.evaluate)
        val_ids, names, val_images, val_targets = read_dataset(args.val, "val")
        width = state["resnet50.conv1.weight"].shape[0] / 64
        net = CAMNet(width, state["classifier.weight"].shape[0])
        net.load_state_dict({k: v for k, v in state.items() if not k.endswith("num_batches_tracked")})
        miou, iou = cam_miou(net, args.val, val_ids, val_images, val_targets)
        print("CAM mIoU %.1f (single scale + mirror, background 0.15), per class %s" % (miou * 100, np.round(iou * 100, 1)))
        return
    _, names, train_images, train_targets = read_dataset(args.train, "train")
    val_ids, _, val_images, val_targets = read_dataset(args.val, "val")
    net = CAMNet(args.width, len(names))
    optimiser = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=1e-4)
    rng = np.random.default_rng(0)
    start = time.time()
    for step in range(args.steps):
        for group in optimiser.param_groups:
            group["lr"] = args.lr * (1 - step / args.steps) ** 0.9
        pick = rng.integers(0, len(train_images), args.batch)
        batch = train_images[pick]
        flip = rng.random(args.batch) < 0.5
        batch[flip] = batch[flip, :, ::-1]
        logits = net(normalise(batch))
        loss = F.multilabel_soft_margin_loss(logits, torch.from_numpy(train_targets[pick]))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if (step + 1) % 100 == 0 or step + 1 == args.steps:
            miou, _ = cam_miou(net, args.val, val_ids[:40], val_images[:40], val_targets[:40])
            print(f"step {step + 1}: loss {loss.item():.4f}, CAM mIoU {miou * 100:.1f}, {time.time() - start:.0f} s",
                  flush=True)
    miou, iou = cam_miou(net, args.val, val_ids, val_images, val_targets)
    print("final CAM mIoU %.1f, per class %s" % (miou * 100, np.round(iou * 100, 1)))
    if args.out:
        from safetensors.torch import save_file  # noqa: only needed to export
        os.makedirs(args.out, exist_ok=True)
        state = {k: v.contiguous() for k, v in net.state_dict().items()}
        save_file(state, os.path.join(args.out, "demo_cam.safetensors"))


if __name__ == "__main__":
    main()
