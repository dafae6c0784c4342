"""A five-image VOC-style folder of tiny photographs for the `irn run` tests.

Writes Fixtures/run_mini/:
  JPEGImages/<id>.jpg   real photographs (../shared/testdata/photos, scikit-image's CC0 test
                        images) shrunk with Pillow's LANCZOS to sides of 9...16 pixels, none a
                        multiple of 4, one of them greyscale; baseline JPEG, quality 92.
  Annotations/<id>.xml  the image-level classes, VOC style (a difficult object included).
  SegmentationClass/<id>.png, SegmentationObject/<id>.png
                        hand-made ground truth: rectangles per object, class values k + 1 and
                        instance values 1, 2, ... with a 255 border, as VOC palette PNGs.
  ImageSets/Segmentation/train.txt   the five ids.
  labels.txt            the same images in the custom layout ("id class class ..." with names
                        and 0-based indices mixed).
Nothing here comes from a reference implementation: the tests compare `irn run` with the
single-image commands and the Evaluation module on these files. Run from the repository root:
    /path/to/venv/bin/python Fixtures/Generators/run_mini.py [/path/to/shared/testdata/photos]
"""
import os
import sys

from PIL import Image

PHOTOS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../shared/testdata/photos")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "run_mini")
NAMES = ["aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
         "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
         "train", "tvmonitor"]

# id, photo, (width, height), objects as (class name, x0, y0, x1, y1, difficult) in output pixels
IMAGES = [
    ("2007_000001", "astronaut.png", (14, 14), [("person", 3, 1, 12, 13, 0)]),
    ("cat.photo", "chelsea.png", (15, 10), [("cat", 6, 1, 13, 10, 0), ("chair", 0, 5, 4, 10, 1)]),
    ("coffee", "coffee.png", (15, 10), [("diningtable", 0, 6, 15, 10, 0), ("bottle", 4, 1, 11, 7, 0)]),
    ("camera_grey", "camera.png", (13, 13), [("person", 3, 0, 10, 11, 0), ("tvmonitor", 9, 2, 13, 6, 0)]),
    ("odd", "odd333x201.png", (11, 6), [("bird", 1, 1, 5, 5, 0), ("bird", 6, 1, 10, 5, 0)]),
]

VOC_PALETTE = []
for i in range(256):
    r = g = b = 0
    c = i
    for j in range(8):
        r |= ((c >> 0) & 1) << (7 - j)
        g |= ((c >> 1) & 1) << (7 - j)
        b |= ((c >> 2) & 1) << (7 - j)
        c >>= 3
    VOC_PALETTE += [r, g, b]


def label_png(values, size, path):
    image = Image.new("P", size, 0)
    image.putpalette(VOC_PALETTE)
    image.putdata(values)
    image.save(path)


def main():
    for folder in ["JPEGImages", "Annotations", "SegmentationClass", "SegmentationObject", "ImageSets/Segmentation"]:
        os.makedirs(os.path.join(OUT, folder), exist_ok=True)
    labels = []
    for n, (image_id, photo, size, objects) in enumerate(IMAGES):
        source = Image.open(os.path.join(PHOTOS, photo))
        source.resize(size, Image.LANCZOS).save(os.path.join(OUT, "JPEGImages", image_id + ".jpg"), quality=92)
        width, height = size
        classes = [0] * (width * height)
        instances = [0] * (width * height)
        for k, (name, x0, y0, x1, y1, _) in enumerate(objects):
            for y in range(y0, y1):
                for x in range(x0, x1):
                    border = x in (x0, x1 - 1) or y in (y0, y1 - 1)
                    classes[y * width + x] = 255 if border and k % 2 == 1 else NAMES.index(name) + 1
                    instances[y * width + x] = 255 if border and k % 2 == 1 else k + 1
        label_png(classes, size, os.path.join(OUT, "SegmentationClass", image_id + ".png"))
        label_png(instances, size, os.path.join(OUT, "SegmentationObject", image_id + ".png"))
        xml = ["<annotation>", "  <folder>run_mini</folder>", f"  <filename>{image_id}.jpg</filename>",
               f"  <size><width>{width}</width><height>{height}</height><depth>3</depth></size>"]
        for name, x0, y0, x1, y1, difficult in objects:
            xml += ["  <object>", f"    <name>{name}</name>", f"    <difficult>{difficult}</difficult>",
                    f"    <bndbox><xmin>{x0 + 1}</xmin><ymin>{y0 + 1}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax></bndbox>",
                    "  </object>"]
        xml.append("</annotation>")
        with open(os.path.join(OUT, "Annotations", image_id + ".xml"), "w") as f:
            f.write("\n".join(xml) + "\n")
        names = sorted({o[0] for o in objects}, key=NAMES.index)
        labels.append(image_id + " " + " ".join(str(NAMES.index(c)) if (n + i) % 2 else c for i, c in enumerate(names)))
    with open(os.path.join(OUT, "ImageSets/Segmentation/train.txt"), "w") as f:
        f.write("\n".join(i[0] for i in IMAGES) + "\n")
    with open(os.path.join(OUT, "labels.txt"), "w") as f:
        f.write("# image id, then its classes (VOC names or 0-based indices)\n" + "\n".join(labels) + "\n")


if __name__ == "__main__":
    main()
