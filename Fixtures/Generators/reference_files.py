"""Writes stage outputs in the reference's own file layout (jiwoon-ahn/irn), one .npy per image
holding a pickled dict, from this package's .npz fixtures:

  labels/reference_cam/<scene>.npy          the label scenes' CAM files as step/make_cam.py saves
                                            them: np.save(path, {"keys": valid_cat, "cam":
                                            strided_cam.cpu(), "high_res": highres_cam.cpu().numpy()}),
                                            where valid_cat = torch.nonzero(label)[:, 0] is an int64
                                            tensor (a strided view of the nonzero result), strided_cam
                                            a float32 tensor and high_res a float32 ndarray
  labels/reference_cam/<scene>_numpy1.npy   the same object pickled at protocol 3 under the
                                            numpy.core names, as NumPy 1.x's numpy.save writes it
  voc_mini/reference_predictions/cam/<id>.npy      voc_mini's CAM predictions, as make_cam saves them
  voc_mini/reference_predictions/ins_seg/<id>.npy  voc_mini's instance predictions as
                                            step/make_ins_seg_labels.py saves them: np.save of
                                            detect_instance's {"score": np.stack of the scores,
                                            "mask": bool array, "class": int64 array}

The storage keys PyTorch writes into each pickle are memory addresses, so the bytes differ from
run to run while the arrays stay the same. Run from the repository root after
Fixtures/Generators/labels.py and voc_mini.py:
    python3 Fixtures/Generators/reference_files.py
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


def reference_dict(path):
    stored = np.load(path)
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
    obj = reference_dict(os.path.join(labels, "cam", scene + ".npz"))
    np.save(os.path.join(out, scene + ".npy"), obj)
    with open(os.path.join(out, scene + "_numpy1.npy"), "wb") as f:
        f.write(numpy1_file(obj))
    for name in [scene + ".npy", scene + "_numpy1.npy"]:
        back = np.load(os.path.join(out, name), allow_pickle=True).item()
        assert back["keys"].tolist() == obj["keys"].tolist() and torch.equal(back["cam"], obj["cam"])
        assert np.array_equal(back["high_res"], obj["high_res"])
        print(name, os.path.getsize(os.path.join(out, name)), "bytes")


voc_mini = os.path.join(here, "..", "voc_mini")
for kind in ["cam", "ins_seg"]:
    source = os.path.join(voc_mini, "predictions", kind)
    target = os.path.join(voc_mini, "reference_predictions", kind)
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(source)):
        stem = name[:-len(".npz")]
        if kind == "cam":
            obj = reference_dict(os.path.join(source, name))
        else:
            stored = np.load(os.path.join(source, name))
            obj = {"score": np.stack([np.float32(v) for v in stored["score"]]),
                   "mask": np.stack([m.astype(bool) for m in stored["mask"]]),
                   "class": np.stack([np.int64(c) for c in stored["class"]])}
        np.save(os.path.join(target, stem + ".npy"), obj)
    print(kind, len(os.listdir(target)), "reference files")
