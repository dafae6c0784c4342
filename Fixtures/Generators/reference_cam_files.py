"""Writes Fixtures/labels/reference_cam/: the CAM files of the label scenes (Fixtures/labels/cam/*.npz)
in the reference's own layout, one .npy per image holding a pickled dict, as jiwoon-ahn/irn's
step/make_cam.py saves them: np.save(path, {"keys": valid_cat, "cam": strided_cam.cpu(),
"high_res": highres_cam.cpu().numpy()}), where valid_cat = torch.nonzero(label)[:, 0] is an int64
tensor (a strided view of the nonzero result), strided_cam a float32 tensor and high_res a
float32 ndarray.

  <scene>.npy         written by numpy.save of this NumPy (numpy._core names, its pickle protocol)
  <scene>_numpy1.npy  the same object pickled at protocol 3 under the numpy.core names, as
                      NumPy 1.x's numpy.save writes it (the reference's era)

Run from the repository root after Fixtures/Generators/labels.py:
    python3 Fixtures/Generators/reference_cam_files.py
Needs NumPy and PyTorch (CPU).
"""
import os
import pickle

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
labels = os.path.join(here, "..", "labels")
out = os.path.join(labels, "reference_cam")
os.makedirs(out, exist_ok=True)


def reference_dict(scene):
    stored = np.load(os.path.join(labels, "cam", scene + ".npz"))
    label = torch.zeros(20)
    label[torch.from_numpy(stored["keys"])] = 1
    valid_cat = torch.nonzero(label)[:, 0]
    assert valid_cat.tolist() == stored["keys"].tolist()
    return {"keys": valid_cat, "cam": torch.from_numpy(stored["cam"].copy()), "high_res": stored["high_res"]}


def numpy1_file(obj):
    # numpy.lib.format writes a version 1.0 header for an object array and pickles it at
    # protocol 3; NumPy 1.x names the reconstructor numpy.core.multiarray.
    holder = np.empty((), dtype=object)
    holder[()] = obj
    payload = pickle.dumps(holder, protocol=3)
    old, new = b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n"
    assert payload.count(old) >= 1
    payload = payload.replace(old, new)
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (), }"
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1") + payload


for scene in ["touching", "smooth"]:
    obj = reference_dict(scene)
    np.save(os.path.join(out, scene + ".npy"), obj)
    with open(os.path.join(out, scene + "_numpy1.npy"), "wb") as f:
        f.write(numpy1_file(obj))
    for name in [scene + ".npy", scene + "_numpy1.npy"]:
        back = np.load(os.path.join(out, name), allow_pickle=True).item()
        assert back["keys"].tolist() == obj["keys"].tolist() and torch.equal(back["cam"], obj["cam"])
        assert np.array_equal(back["high_res"], obj["high_res"])
        print(name, os.path.getsize(os.path.join(out, name)), "bytes")
