"""Golden outputs of the reference ResNet50, CAM network and IRNet (jiwoon-ahn/irn), for
Tests/NetworksTests.

The reference code is imported from a checkout outside this repository, named by the
environment variable IRN_REFERENCE (its net/ and misc/ folders are used unchanged; only at
runtime the ResNet50 factory is replaced so that no ImageNet weights are downloaded, and for
the reduced-width cases the channel counts are narrowed). Every parameter and buffer the
networks read is filled by seeded_weights.py (twin of Sources/Networks/SeededWeights.swift);
inputs come from seeded_random.py. Only outputs are written, to Fixtures/networks/:
  seeded_weights.npy            a few tensors of the weight rule, concatenated
  cam_state_dict.txt            every key of the reference CAM state dict with its shape and the
                                key it aliases (the first key sharing its storage)
  irn_state_dict.txt            the same for AffinityDisplacementLoss (as train_irn saves it)
  <case>_<output>.npy           network outputs (float32), cases listed in CASES below
Run:
  git --git-dir=<mirror of jiwoon-ahn/irn> archive HEAD | tar -x -C /tmp/irn-ref
  IRN_REFERENCE=/path/to/irn /path/to/python Fixtures/Generators/networks.py
(needs torch and numpy; CPU only).
"""
import contextlib
import importlib
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from seeded_random import SeededRandom
from seeded_weights import seeded_tensor

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "networks")
WEIGHT_SEED = 2019
CANONICAL_PREFIXES = ("resnet50.", "classifier.", "fc_edge", "fc_dp", "mean_shift.")

# Tensors of the weight rule checked directly (name, shape), seed 7.
RULE_SAMPLES = [
    ("resnet50.conv1.weight", (2, 3, 2, 2)),
    ("resnet50.layer1.0.bn1.weight", (5,)),
    ("resnet50.layer1.0.bn1.bias", (5,)),
    ("resnet50.layer1.0.bn1.running_mean", (5,)),
    ("resnet50.layer1.0.bn1.running_var", (5,)),
    ("mean_shift.running_mean", (2,)),
    ("fc_edge6.bias", (1,)),
    ("classifier.weight", (3, 4, 1, 1)),
]


def reference_modules():
    root = os.environ.get("IRN_REFERENCE")
    if not root:
        sys.exit("set IRN_REFERENCE to a checkout of jiwoon-ahn/irn")
    sys.path.insert(0, root)
    return (importlib.import_module("net.resnet50"), importlib.import_module("net.resnet50_cam"),
            importlib.import_module("net.resnet50_irn"), importlib.import_module("misc.indexing"))


R, CAM_MODULE, IRN_MODULE, INDEXING = reference_modules()


@contextlib.contextmanager
def backbone_width(width):
    """While active, the reference's resnet50() builds random (not ImageNet) weights, with every
    channel count scaled by `width` (stem 64*width, planes 64/128/256/512 * width)."""
    factory, make_layer = R.resnet50, R.ResNet._make_layer
    stem = int(64 * width)

    def narrow_layer(self, block, planes, blocks, stride=1, dilation=1):
        if planes == 64:
            self.inplanes = stem
        return make_layer(self, block, int(planes * width), blocks, stride, dilation)

    def random_backbone(pretrained=True, **kwargs):
        if width == 1:
            return factory(pretrained=False, **kwargs)
        R.ResNet._make_layer = narrow_layer
        try:
            model = factory(pretrained=False, **kwargs)
        finally:
            R.ResNet._make_layer = make_layer
        model.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=model.conv1.stride, padding=3, bias=False)
        model.bn1 = R.FixedBatchNorm(stem)
        return model

    R.resnet50 = random_backbone
    try:
        yield
    finally:
        R.resnet50 = factory


def level_channels(width):
    return [int(64 * width)] + [int(c * width) for c in (256, 512, 1024, 2048)]


def narrow_irn_heads(model, width):
    """Input convs of fc_edge1..5 and fc_dp1..5 sized for the narrowed backbone levels."""
    if width == 1:
        return
    for level, channels in enumerate(level_channels(width)):
        for name in ("fc_edge%d" % (level + 1), "fc_dp%d" % (level + 1)):
            head = getattr(model, name)
            head[0] = nn.Conv2d(channels, head[0].out_channels, 1, bias=False)


def fill(model, seed):
    """Every canonical parameter and buffer from the seeded rule (aliases share storage)."""
    state = model.state_dict()
    with torch.no_grad():
        for name, tensor in state.items():
            if not name.startswith(CANONICAL_PREFIXES) or name.endswith("num_batches_tracked"):
                continue
            if name == "fc_dp7.4.running_mean":  # the same buffer as mean_shift.running_mean
                continue
            tensor.copy_(torch.from_numpy(seeded_tensor(name, tuple(tensor.shape), seed)))
    return model


def cam_network(width):
    with backbone_width(width):
        model = CAM_MODULE.CAM()
    if width != 1:
        model.classifier = nn.Conv2d(level_channels(width)[4], 20, 1, bias=False)
        model.newly_added[0] = model.classifier
    fill(model, WEIGHT_SEED).eval()  # the reference's train() override returns None
    return model


def irn_network(width, crop_size=512):
    with backbone_width(width):
        model = IRN_MODULE.EdgeDisplacement(crop_size=crop_size)
    narrow_irn_heads(model, width)
    fill(model, WEIGHT_SEED).eval()
    return model


def image(seed, height, width):
    """One seeded image [1, 3, H, W], values in [-2, 2) like a normalised photograph."""
    return torch.from_numpy(SeededRandom(seed).symmetric((1, 3, height, width), 2.0))


def pair(seed, height, width, flipped=True):
    """[image, flip(image)] or, with flipped=False, two independent images (seeds seed, seed+1)."""
    first = image(seed, height, width)
    second = first.flip(-1) if flipped else image(seed + 1, height, width)
    return torch.cat([first, second], 0)


def save(name, tensor):
    array = tensor.detach().numpy().astype(np.float32)
    np.save(os.path.join(OUT, name + ".npy"), array)
    print("%-40s %-18s max|x| %.4g" % (name, tuple(array.shape), float(np.abs(array).max())))


def backbone_features(model, x):
    """x1..x5 as the reference IRNet names them (stage1..stage5 of the CAM model's backbone)."""
    net = model.resnet50
    x1 = net.maxpool(net.relu(net.bn1(net.conv1(x))))
    x2 = net.layer1(x1)
    x3 = net.layer2(x2)
    x4 = net.layer3(x3)
    x5 = net.layer4(x4)
    return [x1, x2, x3, x4, x5]


def padded_edge_displacement(model, x, padded_height, padded_width):
    """EdgeDisplacement.forward with the pad target given (used where the image is larger
    than the crop size and the Swift code pads to the next multiple of 16)."""
    feat = ((x.size(2) - 1) // 4 + 1, (x.size(3) - 1) // 4 + 1)
    x = F.pad(x, [0, padded_width - x.size(3), 0, padded_height - x.size(2)])
    edge, dp = IRN_MODULE.Net.forward(model, x)
    edge = edge[..., :feat[0], :feat[1]]
    dp = dp[..., :feat[0], :feat[1]]
    return torch.sigmoid(edge[0] / 2 + edge[1].flip(-1) / 2), dp[0]


def write_state_dict_keys(name, state):
    """One line per key: name, shape, and the first key (in state-dict order) whose tensor
    shares its storage, i.e. the name the key is an alias of (or the key itself)."""
    first_owner = {}
    with open(os.path.join(OUT, name), "w") as f:
        for key, tensor in state.items():
            owner = first_owner.setdefault(tensor.data_ptr(), key)
            f.write("%s\t%s\t%s\n" % (key, ",".join(str(d) for d in tensor.shape), owner))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    samples = [seeded_tensor(n, s, 7).reshape(-1) for n, s in RULE_SAMPLES]
    np.save(os.path.join(OUT, "seeded_weights.npy"), np.concatenate(samples).astype(np.float32))

    with torch.no_grad():
        for width, tag in ((1, "full"), (0.25, "quarter")):
            cam = cam_network(width)
            irn = irn_network(width)
            if width == 1:
                write_state_dict_keys("cam_state_dict.txt", cam.state_dict())
                path_index = INDEXING.PathIndex(radius=10, default_size=(128, 128))
                with backbone_width(1):
                    loss_module = IRN_MODULE.AffinityDisplacementLoss(path_index)
                write_state_dict_keys("irn_state_dict.txt", loss_module.state_dict())

            if width == 1:
                full_width_cases(cam, irn)
            else:
                reduced_width_cases(cam, irn, tag)


def full_width_cases(cam, irn):
    """Few and small (a full-width forward is slow in debug builds): one backbone pass of a
    34 x 42 pair gives x1..x5 (first image), the logits and the CAM; one EdgeDisplacement run
    pads a 34 x 42 pair to 48 x 48."""
    x = pair(11, 34, 42, flipped=False)
    features = backbone_features(cam, x)
    for level, feature in enumerate(features):
        save("full_features_x%d" % (level + 1), feature[:1])
    save("full_cam_34x42_logits", CAM_MODULE.Net.forward(cam, x))
    save("full_cam_34x42_cams", cam(x))
    irn.crop_size = 48
    boundary, dp = irn(pair(41, 34, 42))
    save("full_edisp_34x42_crop48_boundary", boundary)
    save("full_edisp_34x42_crop48_dp", dp)


def reduced_width_cases(cam, irn, tag):
    x = image(12, 50, 66)
    for level, feature in enumerate(backbone_features(cam, x)):
        save("%s_features_x%d" % (tag, level + 1), feature)

    # CAM: training logits and the inference CAM of a batch of two.
    for case, (seed, h, w, flipped) in {"48x56": (21, 48, 56, True),
                                         "34x42": (22, 34, 42, False)}.items():
        x = pair(seed, h, w, flipped)
        save("%s_cam_%s_logits" % (tag, case), CAM_MODULE.Net.forward(cam, x))
        save("%s_cam_%s_cams" % (tag, case), cam(x))

    # IRNet: raw branch outputs (eval mode, mean shift subtracted).
    x = pair(31, 40, 56, flipped=False)
    edge, dp = IRN_MODULE.Net.forward(irn, x)
    save("%s_irn_40x56_edge" % tag, edge)
    save("%s_irn_40x56_dp" % tag, dp)

    # EdgeDisplacement with a smaller crop size (the reference's module parameter).
    irn.crop_size = 64
    boundary, dp = irn(pair(42, 50, 58))
    save("%s_edisp_50x58_crop64_boundary" % tag, boundary)
    save("%s_edisp_50x58_crop64_dp" % tag, dp)

    # Taller than the crop size (48): padded to 64 x 48 (the next multiple of 16).
    boundary, dp = padded_edge_displacement(irn, pair(43, 58, 30), 64, 48)
    save("%s_edisp_58x30_crop48_boundary" % tag, boundary)
    save("%s_edisp_58x30_crop48_dp" % tag, dp)


if __name__ == "__main__":
    main()
