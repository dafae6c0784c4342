"""Goldens for the dense CRF (Sources/Propagation/DenseCRF*.swift) from pydensecrf.

Writes Fixtures/densecrf/<case>_{image,labels,probabilities,map}.npy (and _softmax.npy for the
probability-unary case) for small crops of the photographs in ../shared/testdata/photos:
  image          uint8 [H, W, 3]   the RGB input
  labels         uint8 [H, W]      input label map (for the label unary)
  softmax        float32 [K, H, W] input class probabilities (for the probability unary)
  probabilities  float32 [K, H, W] pydensecrf's Q after inference(t)
  map            uint8 [H, W]      argmax of Q over labels (NumPy's rule: ties to the lower one)

and unary_*.npy: pydensecrf.utils' unary energies float32 [K, H·W] for a 6x7 label map
(unary_labels.npy, values 0...4) with K = 4 / gt_prob 0.7 / zero_unsure False (values 0...3
only: unary_labels_plain.npy) and K = 4 / gt_prob 0.6 / zero_unsure True (unary_labels_unsure),
and for random class probabilities [4, 6, 7] (unary_softmax_input.npy) without scale
(unary_softmax_plain) and with scale 0.8 (unary_softmax_scaled), clip 1e-5 (zeros included).

Cases (the Swift tests list the same parameters):
  chelsea_irn   130x100 crop, labels from colour clusters (0 = background class), K = 3,
                IRNet's relation-mining call (gt_prob 0.7, zero_unsure False, Gaussian sxy 3
                compat 3, bilateral sxy 50 srgb 5 compat 10, t = 10)
  coffee_irn    coffee.png downscaled to 131x99 (N = 12969, not a multiple of 4), labels as the
                reference makes them: random CAM-like blobs padded with a 0.30 background and
                argmaxed, K = 4, same relation-mining call
  astronaut_general  128x96 crop, colour clusters with 0 = unsure where the nearest two cluster
                centres are nearly equidistant, K = 3 classes (label values 1...3),
                gt_prob 0.6, zero_unsure True, Gaussian sxy 5 compat 4, bilateral sxy 30
                srgb 13 compat 6, t = 5
  camera_two    90x70 crop of the greyscale camera.png as RGB, one CAM-like blob padded with a
                0.30 background and argmaxed: K = 2 (the common single-class image, where
                densecrf takes its one/two-channel code path), relation-mining call
  rocket_softmax  rocket.png downscaled to 87x65 (N = 5655), unary_from_softmax of smooth random
                class probabilities (K = 5, clip 1e-5), Gaussian sxy (2, 4) compat 2, bilateral
                sxy 20 srgb 9 compat 5, t = 8

Run from the repository root with NumPy, Pillow and pydensecrf (PyPI "pydensecrf2"):
    python3 Fixtures/Generators/densecrf.py [--photos ../shared/testdata/photos]
"""
import argparse
import os

import numpy as np
from PIL import Image
import pydensecrf.densecrf as dcrf
from pydensecrf.utils import unary_from_labels, unary_from_softmax

here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.join(here, "..", "densecrf")


def load(photos, name):
    return np.asarray(Image.open(os.path.join(photos, name)).convert("RGB"))


def colour_clusters(img, k, seed, iterations=6):
    """Nearest-centre colour clusters (k-means from seeded pixels); returns ids and distances."""
    pixels = img.reshape(-1, 3).astype(np.float64)
    rng = np.random.default_rng(seed)
    centres = pixels[rng.choice(len(pixels), k, replace=False)]
    for _ in range(iterations):
        dist = ((pixels[:, None, :] - centres[None]) ** 2).sum(-1)
        ids = dist.argmin(1)
        for c in range(k):
            if (ids == c).any():
                centres[c] = pixels[ids == c].mean(0)
    dist = ((pixels[:, None, :] - centres[None]) ** 2).sum(-1)
    return dist.argmin(1).reshape(img.shape[:2]), np.sqrt(np.sort(dist, 1)[:, :2]).reshape(*img.shape[:2], 2)


def blob_cams(h, w, classes, seed):
    """CAM-like maps in [0, 1]: a few Gaussian bumps per class, each map divided by its max."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    cams = np.zeros((classes, h, w))
    for c in range(classes):
        for _ in range(3):
            cy, cx = rng.uniform(0, h), rng.uniform(0, w)
            s = rng.uniform(0.08, 0.2) * min(h, w)
            cams[c] += rng.uniform(0.5, 1.0) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
        cams[c] /= cams[c].max() + 1e-5
    return cams


def crf(img, unary, n_labels, gauss, bilateral, t):
    h, w = img.shape[:2]
    d = dcrf.DenseCRF2D(w, h, n_labels)
    d.setUnaryEnergy(unary)
    d.addPairwiseGaussian(sxy=gauss[0], compat=gauss[1])
    d.addPairwiseBilateral(sxy=bilateral[0], srgb=bilateral[1], rgbim=np.ascontiguousarray(np.copy(img)),
                           compat=bilateral[2])
    q = np.array(d.inference(t), dtype=np.float32).reshape((n_labels, h, w))
    return q, np.argmax(q, axis=0)


def save(case, **arrays):
    for key, value in arrays.items():
        np.save(os.path.join(out_dir, f"{case}_{key}.npy"), np.ascontiguousarray(value))
    q, m = arrays["probabilities"], arrays["map"]
    print(f"{case}: image {arrays['image'].shape}, Q {q.shape}, map label counts {np.bincount(m.ravel())}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", default=os.path.join(here, "..", "..", "..", "shared", "testdata", "photos"))
    args = parser.parse_args()
    os.makedirs(out_dir, exist_ok=True)

    # 0. Unary energies alone.
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 5, size=(6, 7)).astype(np.uint8)
    np.save(os.path.join(out_dir, "unary_labels.npy"), labels)
    np.save(os.path.join(out_dir, "unary_labels_plain.npy"),
            unary_from_labels(np.minimum(labels, 3).astype(np.int64), 4, gt_prob=0.7, zero_unsure=False))
    np.save(os.path.join(out_dir, "unary_labels_unsure.npy"),
            unary_from_labels(labels.astype(np.int64), 4, gt_prob=0.6, zero_unsure=True))
    probs = np.ascontiguousarray(rng.dirichlet(np.ones(4), size=(6, 7)).transpose(2, 0, 1).astype(np.float32))
    probs[0, 0, :3] = 0
    np.save(os.path.join(out_dir, "unary_softmax_input.npy"), probs)
    np.save(os.path.join(out_dir, "unary_softmax_plain.npy"), np.ascontiguousarray(unary_from_softmax(probs)))
    np.save(os.path.join(out_dir, "unary_softmax_scaled.npy"),
            np.ascontiguousarray(unary_from_softmax(probs, scale=0.8)))

    # 1. IRNet's call on colour clusters.
    img = np.ascontiguousarray(load(args.photos, "chelsea.png")[80:180, 150:280])
    labels, _ = colour_clusters(img, 3, seed=1)
    unary = unary_from_labels(labels, 3, gt_prob=0.7, zero_unsure=False)
    q, m = crf(img, unary, 3, (3, 3), (50, 5, 10), 10)
    save("chelsea_irn", image=img, labels=labels.astype(np.uint8), probabilities=q, map=m.astype(np.uint8))

    # 2. IRNet's call on CAM-style labels, N not a multiple of 4.
    img = np.asarray(Image.fromarray(load(args.photos, "coffee.png")).resize((131, 99), Image.BILINEAR))
    img = np.ascontiguousarray(img)
    cams = blob_cams(99, 131, 3, seed=2)
    labels = np.argmax(np.pad(cams, ((1, 0), (0, 0), (0, 0)), mode="constant", constant_values=0.30), axis=0)
    unary = unary_from_labels(labels, 4, gt_prob=0.7, zero_unsure=False)
    q, m = crf(img, unary, 4, (3, 3), (50, 5, 10), 10)
    save("coffee_irn", image=img, labels=labels.astype(np.uint8), probabilities=q, map=m.astype(np.uint8))

    # 3. A general parameter set with an unsure label 0.
    img = np.ascontiguousarray(load(args.photos, "astronaut.png")[40:136, 200:328])
    ids, dist = colour_clusters(img, 3, seed=3)
    labels = ids + 1
    labels[dist[..., 0] > 0.8 * dist[..., 1]] = 0
    unary = unary_from_labels(labels, 3, gt_prob=0.6, zero_unsure=True)
    q, m = crf(img, unary, 3, (5, 4), (30, 13, 6), 5)
    save("astronaut_general", image=img, labels=labels.astype(np.uint8), probabilities=q, map=m.astype(np.uint8))

    # 4. Two labels (one foreground class), greyscale photo.
    img = np.ascontiguousarray(load(args.photos, "camera.png")[100:170, 200:290])
    cams = blob_cams(70, 90, 1, seed=6)
    labels = np.argmax(np.pad(cams, ((1, 0), (0, 0), (0, 0)), mode="constant", constant_values=0.30), axis=0)
    unary = unary_from_labels(labels, 2, gt_prob=0.7, zero_unsure=False)
    q, m = crf(img, unary, 2, (3, 3), (50, 5, 10), 10)
    save("camera_two", image=img, labels=labels.astype(np.uint8), probabilities=q, map=m.astype(np.uint8))

    # 5. Unary from class probabilities, anisotropic Gaussian.
    img = np.asarray(Image.fromarray(load(args.photos, "rocket.png")).resize((87, 65), Image.BILINEAR))
    img = np.ascontiguousarray(img)
    logits = 4 * blob_cams(65, 87, 5, seed=4)
    softmax = np.exp(logits) / np.exp(logits).sum(0, keepdims=True)
    softmax = softmax.astype(np.float32)
    unary = unary_from_softmax(softmax)
    q, m = crf(img, unary, 5, ((2, 4), 2), (20, 9, 5), 8)
    save("rocket_softmax", image=img, softmax=softmax, probabilities=q, map=m.astype(np.uint8))


if __name__ == "__main__":
    main()
