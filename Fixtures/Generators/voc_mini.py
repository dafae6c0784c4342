"""A four-image VOC-style folder with predictions, and the IRNet reference's scores for them.

Writes Fixtures/voc_mini/:
  JPEGImages/<id>.jpg, Annotations/<id>.xml, SegmentationClass/<id>.png,
  SegmentationObject/<id>.png (palette PNGs, 255 on object borders), ImageSets/Segmentation/val.txt
  (ids of several spellings, a comment and a blank line), and predictions/{sem_seg,ins_seg,cam}
  in the pipeline's formats (palette PNG; npz with score/mask/class; npz with keys/cam/high_res).
  expected.npz: what the reference computes on that folder:
    sem_fp (fp[0], fn[0], mean fp[1:], mean fn[1:]), sem_iou, sem_miou: step/eval_sem_seg.py;
    ins_ap_<t>, ins_map_<t> for t in 0.25/0.5/0.7/0.75: chainercv's
      eval_instance_segmentation_voc (step/eval_ins_seg.py for 0.5, checked equal);
    cam_thresholds (float32), cam_miou (one per threshold), cam_iou_015: step/eval_cam.py;
    labels_<k>: image-level labels from the XML by the rule of voc12/make_cls_labels.py (every
      <name> element that is a VOC class, difficult objects included);
    gt_labels_<k>, gt_masks_<k>: chainercv's VOC instance ground truth (read_label +
      voc_utils.image_wise_to_instance_wise from the checkout).
Ground truth is read from the written files the way chainercv reads it (palette indices, 255 as
-1). Uses the loaders of evaluation.py; run from the repository root:
    CHAINERCV_REFERENCE=/tmp/chainercv IRN_REFERENCE=/path/to/irn \
        /path/to/venv/bin/python Fixtures/Generators/voc_mini.py
"""
import os
import sys
import tempfile
import types
from xml.dom import minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluation as ev  # noqa: E402  (re-executes with NumPy's SIMD sort disabled, loads references)
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "voc_mini")
NAMES = ['aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
         'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa',
         'train', 'tvmonitor']
IDS = ["2007_000032", "2008_000123", "street-scene.v2", "x"]
SIZES = [(40, 50), (31, 23), (36, 44), (17, 29)]
PALETTE = []
for i in range(256):
    c, r, g, b = i, 0, 0, 0
    for j in range(8):
        r |= ((c >> 0) & 1) << (7 - j)
        g |= ((c >> 1) & 1) << (7 - j)
        b |= ((c >> 2) & 1) << (7 - j)
        c >>= 3
    PALETTE += [r, g, b]


def palette_png(array, path):
    image = Image.fromarray(array.astype(np.uint8), mode="P")
    image.putpalette(PALETTE)
    image.save(path)


def load_voc_utils():
    ev.module("filelock", FileLock=None)
    ev.module("chainer.dataset", download=types.SimpleNamespace())
    ev.module("chainer.dataset.download")
    return ev.load_file("chainercv.datasets.voc.voc_utils",
                        os.path.join(os.environ["CHAINERCV_REFERENCE"], "chainercv/datasets/voc/voc_utils.py"))


def read_label(path):
    """chainercv.utils.read_label with PIL: the stored indices, as int32."""
    return np.asarray(Image.open(path), dtype=np.int32)


def make_scene(rng, h, w, objects):
    cls = np.zeros((h, w), np.uint8)
    obj = np.zeros((h, w), np.uint8)
    yy, xx = np.mgrid[:h, :w]
    for k, (c, _) in enumerate(objects):
        cy, cx = rng.uniform(0.25, 0.75) * h, rng.uniform(0.25, 0.75) * w
        ry, rx = rng.uniform(0.2, 0.4) * h, rng.uniform(0.2, 0.4) * w
        inside = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 < 1
        cls[inside] = NAMES.index(c) + 1
        obj[inside] = k + 1
    # Borders between regions are void in both maps, as in VOC.
    border = np.zeros((h, w), bool)
    border[:-1, :] |= obj[:-1, :] != obj[1:, :]
    border[:, :-1] |= obj[:, :-1] != obj[:, 1:]
    cls[border] = 255
    obj[border] = 255
    return cls, obj


def write_xml(path, image_id, h, w, objects):
    parts = ['<annotation>', '  <!-- a comment <object> -->', '  <folder>VOC&amp;mini</folder>',
             '  <filename>%s.jpg</filename>' % image_id,
             '  <size><width>%d</width><height>%d</height><depth>3</depth></size>' % (w, h)]
    for name, difficult in objects:
        parts += ['  <object>', '    <name>%s</name>' % name, '    <pose>Unspecified</pose>',
                  '    <difficult>%d</difficult>' % difficult]
        if name == "person":
            parts += ['    <part><name>head</name><bndbox><xmin>1</xmin></bndbox></part>']
        parts += ['  </object>']
    parts.append('</annotation>')
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def main():
    rng = np.random.default_rng(7)
    voc_utils = load_voc_utils()
    for sub in ("JPEGImages", "Annotations", "SegmentationClass", "SegmentationObject",
                "ImageSets/Segmentation", "predictions/sem_seg", "predictions/ins_seg", "predictions/cam"):
        os.makedirs(os.path.join(ROOT, sub), exist_ok=True)
    scenes = [[("dog", 0), ("person", 0), ("dog", 1)], [("cat", 0), ("tvmonitor", 0)],
              [("car", 0), ("car", 0), ("person", 1), ("bicycle", 0)], [("bird", 0)]]
    expected = {}
    sem_gts, sem_preds, ins_items, cams = [], [], [], []
    for k, (image_id, (h, w), objects) in enumerate(zip(IDS, SIZES, scenes)):
        cls, obj = make_scene(rng, h, w, objects)
        # A difficult object is drawn in the annotation only when it is visible in the maps.
        write_xml(os.path.join(ROOT, "Annotations", image_id + ".xml"), image_id, h, w, objects)
        palette_png(cls, os.path.join(ROOT, "SegmentationClass", image_id + ".png"))
        palette_png(obj, os.path.join(ROOT, "SegmentationObject", image_id + ".png"))
        photo = (rng.random((h, w, 3)) * 255).astype(np.uint8)
        Image.fromarray(photo).save(os.path.join(ROOT, "JPEGImages", image_id + ".jpg"), quality=90)

        names = [e.firstChild.data for e in
                 minidom.parse(os.path.join(ROOT, "Annotations", image_id + ".xml")).getElementsByTagName("name")]
        labels = np.zeros(20, np.float32)
        for n in names:
            if n in NAMES:
                labels[NAMES.index(n)] = 1
        expected["labels_%d" % k] = labels

        label_img = read_label(os.path.join(ROOT, "SegmentationClass", image_id + ".png"))
        label_img[label_img == 255] = -1
        inst_img = read_label(os.path.join(ROOT, "SegmentationObject", image_id + ".png"))
        inst_img[inst_img == 0] = -1
        inst_img[inst_img == 255] = -1
        gt_masks, gt_labels = voc_utils.image_wise_to_instance_wise(label_img, inst_img)
        expected["gt_masks_%d" % k] = gt_masks.astype(np.uint8)
        expected["gt_labels_%d" % k] = gt_labels.astype(np.int64)

        # sem_seg prediction: the ground truth with noise, void as background, some unsure 255.
        pred = np.where(cls == 255, 0, cls).astype(np.uint8)
        noise = rng.random((h, w))
        pred[noise < 0.1] = rng.choice([0, 8, 12, 15], size=int((noise < 0.1).sum()))
        pred[noise > 0.97] = 255
        palette_png(pred, os.path.join(ROOT, "predictions/sem_seg", image_id + ".png"))

        # ins_seg prediction: shifted ground-truth masks, a false positive, tied scores.
        masks, classes, scores = [], [], []
        for m, l in zip(gt_masks, gt_labels):
            shifted = np.roll(m, rng.integers(-2, 3), axis=int(rng.integers(0, 2)))
            masks.append(shifted)
            classes.append(l)
            scores.append(rng.choice([0.9, 0.6, 0.3]))
        fp = np.zeros((h, w), bool)
        fp[: h // 3, : w // 3] = True
        masks.append(fp)
        classes.append(rng.choice([11, 14, 6]))
        scores.append(0.6)
        np.savez(os.path.join(ROOT, "predictions/ins_seg", image_id + ".npz"),
                 score=np.array(scores, np.float32), mask=np.array(masks, np.uint8),
                 **{"class": np.array(classes, np.int64)})
        ins_items.append((image_id, np.array(masks, bool), np.array(classes, np.int64),
                          np.array(scores, np.float32), gt_masks, gt_labels))

        # cam prediction: the image-level classes, maps higher inside their class's pixels.
        keys = np.flatnonzero(labels).astype(np.int64)
        high_res = (rng.random((len(keys), h, w)) * 0.3).astype(np.float32)
        for i, c in enumerate(keys):
            high_res[i][cls == c + 1] += np.float32(0.2 + 0.6 * rng.random())
        high_res /= high_res.reshape(len(keys), -1).max(axis=1)[:, None, None] + np.float32(1e-5)
        cam = high_res[:, ::4, ::4].copy()
        np.savez(os.path.join(ROOT, "predictions/cam", image_id + ".npz"), keys=keys, cam=cam,
                 high_res=high_res, size=np.array([h, w], np.int64))
        cams.append((image_id, keys, high_res))
        sem_gts.append(np.asarray(Image.open(os.path.join(ROOT, "SegmentationClass", image_id + ".png"))))
        sem_preds.append(pred)

    with open(os.path.join(ROOT, "ImageSets/Segmentation/val.txt"), "w") as f:
        f.write("# four images\n%s\n\n%s\r\n  %s\n%s\n" % tuple(IDS))

    # Semantic: step/eval_sem_seg.py on the written PNGs.
    ev.SemanticDataset.items = list(zip(IDS, sem_gts))
    printed = ev.capture_prints(ev.IRN["eval_sem_seg"])
    ev.IRN["eval_sem_seg"].run(types.SimpleNamespace(chainer_eval_set="val", voc12_root=ROOT,
                                                     sem_seg_out_dir=os.path.join(ROOT, "predictions/sem_seg")))
    (fp0, fn0), (fp_fg, fn_fg), (summary,) = printed
    expected["sem_fp"] = np.array([fp0, fn0, fp_fg, fn_fg], np.float64)
    expected["sem_iou"] = np.asarray(summary["iou"], np.float64)
    expected["sem_miou"] = np.float64(summary["miou"])

    # Instances: chainercv at four thresholds; step/eval_ins_seg.py at 0.5.
    for t in (0.25, 0.5, 0.7, 0.75):
        result = ev.INS.eval_instance_segmentation_voc(
            [i[1] for i in ins_items], [i[2] for i in ins_items], [i[3] for i in ins_items],
            [i[4] for i in ins_items], [i[5] for i in ins_items], iou_thresh=t)
        expected["ins_ap_%s" % t] = result["ap"].astype(np.float64)
        expected["ins_map_%s" % t] = np.float64(result["map"])
    with tempfile.TemporaryDirectory() as folder:
        for image_id, masks, classes, scores, _, _ in ins_items:
            np.save(os.path.join(folder, image_id + ".npy"),
                    {"score": scores, "mask": masks.astype(np.uint8), "class": classes})
        ev.InstanceDataset.items = [(i[0], i[4], i[5]) for i in ins_items]
        printed = ev.capture_prints(ev.IRN["eval_ins_seg"])
        ev.IRN["eval_ins_seg"].run(types.SimpleNamespace(chainer_eval_set="val", voc12_root=ROOT,
                                                         ins_seg_out_dir=folder))
    (title, result), = printed
    assert np.array_equal(result["ap"], expected["ins_ap_0.5"], equal_nan=True)

    # CAMs: step/eval_cam.py at each threshold of 0.05:0.5:0.05 (as float32).
    thresholds = np.array([np.float32(0.05 + i * 0.05) for i in range(10)], np.float32)
    miou = []
    with tempfile.TemporaryDirectory() as folder:
        for image_id, keys, high_res in cams:
            np.save(os.path.join(folder, image_id + ".npy"), {"keys": keys, "high_res": high_res})
        for t in list(thresholds) + [np.float32(0.15)]:
            printed = ev.capture_prints(ev.IRN["eval_cam"])
            ev.IRN["eval_cam"].run(types.SimpleNamespace(chainer_eval_set="val", voc12_root=ROOT,
                                                         cam_out_dir=folder, cam_eval_thres=float(t)))
            (summary,), = printed
            miou.append(summary["miou"])
            last_iou = summary["iou"]
    expected["cam_thresholds"] = thresholds
    expected["cam_miou"] = np.array(miou[:-1], np.float64)
    expected["cam_iou_015"] = np.asarray(last_iou, np.float64)
    np.savez_compressed(os.path.join(ROOT, "expected.npz"), **expected)
    print("voc_mini: %d images, sem mIoU %.4f, ins mAP@0.5 %.4f, cam best mIoU %.4f"
          % (len(IDS), expected["sem_miou"], expected["ins_map_0.5"], max(miou)))


if __name__ == "__main__":
    main()
