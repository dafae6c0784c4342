#!/usr/bin/env python3
"""Small JPEG fixtures with libjpeg-turbo reference decodes, for Tests/CodecsTests/JPEG*Tests.

Run:  /path/to/python Fixtures/Generators/make_jpeg_fixtures.py   (from the repository root)
Needs: numpy, Pillow (its libjpeg-turbo decodes are the references), scikit-image (source
photographs, read from the files bundled in its wheel) and, for the cases Pillow cannot
encode (4:4:0 and mixed sampling, multi-scan sequential), the cjpeg tool of libjpeg-turbo
(Debian package libjpeg-turbo-progs); those cases are skipped when cjpeg is absent.

Writes Fixtures/jpeg/<name>.jpg and Fixtures/jpeg/<name>.rgb.npy (uint8 H x W x 3: Pillow's
decode converted to RGB, greyscale replicated), plus Fixtures/jpeg/manifest.tsv listing each
case. Damaged-but-decodable files (premature EOI, renumbered or missing restart markers) have
references too: libjpeg decodes them with grey fill / resynchronisation and so must we.
"""
import io
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import PIL
import skimage
from PIL import Image, features

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "jpeg")
SKD = os.path.join(os.path.dirname(skimage.__file__), "data")
os.makedirs(OUT, exist_ok=True)


def photo(name):
    with Image.open(os.path.join(SKD, name + ".png")) as im:
        im.load()
        return np.array(im.convert("L" if im.mode == "L" else "RGB"))


astronaut, coffee, chelsea, camera = (photo(n) for n in ("astronaut", "coffee", "chelsea", "camera"))


def crop(a, x, y, w, h):
    return np.ascontiguousarray(a[y:y + h, x:x + w])


def pillow_encode(a, **kw):
    b = io.BytesIO()
    Image.fromarray(a).save(b, "JPEG", **kw)
    return b.getvalue()


def cjpeg_encode(a, args, scans=None):
    """cjpeg's encode of `a` (None when cjpeg is not installed); `scans` is a scan script."""
    exe = shutil.which("cjpeg")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.ppm")
        h, w = a.shape[:2]
        with open(src, "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (w, h) + a.tobytes())
        if scans is not None:
            script = os.path.join(d, "scans.txt")
            with open(script, "w") as f:
                f.write(scans)
            args = args + ["-scans", script]
        return subprocess.run([exe] + args + [src], check=True, capture_output=True).stdout


def segments(data):
    """(marker, start, end) of each marker segment before the first SOS, end exclusive."""
    out, i = [], 2
    while data[i] == 0xFF and data[i + 1] != 0xDA:
        n = data[i + 2] << 8 | data[i + 3]
        out.append((data[i + 1], i, i + 2 + n))
        i += 2 + n
    return out


def adobe_rgb(data):
    """Drops JFIF APP0 and inserts Adobe APP14 with transform 0: components read as R, G, B."""
    body = bytearray(data[:2])
    app14 = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x00"
    body += app14
    pos = 2
    for m, s, e in segments(data):
        if m != 0xE0:
            body += data[s:e]
        pos = e
    body += data[pos:]
    return bytes(body)


def rst_positions(data):
    return [i for i in range(len(data) - 1) if data[i] == 0xFF and 0xD0 <= data[i + 1] <= 0xD7]


cases = []  # (name, bytes, note)


def add(name, data, note):
    if data is None:
        print("skipped (no cjpeg):", name)
        return
    cases.append((name, data, note))


a = crop(astronaut, 180, 60, 61, 45)
add("astronaut_61x45_420_base", pillow_encode(a, quality=85, subsampling="4:2:0"), "odd size 4:2:0 baseline")
add("astronaut_61x45_420_prog", pillow_encode(a, quality=85, subsampling="4:2:0", progressive=True),
    "odd size 4:2:0 progressive")
add("astronaut_61x45_422_base", pillow_encode(a, quality=85, subsampling="4:2:2"), "odd size 4:2:2 baseline")
add("astronaut_61x45_444_prog", pillow_encode(a, quality=85, subsampling="4:4:4", progressive=True),
    "odd size 4:4:4 progressive")
g = crop(camera, 200, 150, 40, 33)
add("camera_40x33_gray_base", pillow_encode(g, quality=90), "greyscale baseline")
add("camera_40x33_gray_prog", pillow_encode(g, quality=90, progressive=True), "greyscale progressive")
c = crop(coffee, 300, 120, 48, 40)
add("coffee_48x40_420_rst1_base", pillow_encode(c, quality=80, subsampling="4:2:0", restart_marker_blocks=1),
    "restart every MCU")
add("coffee_48x40_420_rst2_prog", pillow_encode(c, quality=80, subsampling="4:2:0", progressive=True,
                                                restart_marker_blocks=2), "progressive with restarts")
add("tiny1x1_420_base", pillow_encode(crop(astronaut, 200, 100, 1, 1), quality=90, subsampling="4:2:0"), "1x1")
add("tiny3x5_420_base", pillow_encode(crop(chelsea, 200, 120, 3, 5), quality=90, subsampling="4:2:0"),
    "chroma 2 wide: replicated, not filtered")
add("tiny4x2_422_base", pillow_encode(crop(chelsea, 210, 130, 4, 2), quality=90, subsampling="4:2:2"),
    "chroma 2 wide 4:2:2")
add("tiny5x3_420_base", pillow_encode(crop(chelsea, 230, 140, 5, 3), quality=90, subsampling="4:2:0"),
    "chroma 3 wide: filtered")
add("chelsea_17x9_420_prog", pillow_encode(crop(chelsea, 200, 120, 17, 9), quality=90, subsampling="4:2:0",
                                           progressive=True), "partial MCUs, progressive")
add("adobe_rgb_444_base", adobe_rgb(pillow_encode(crop(coffee, 100, 80, 24, 16), quality=90,
                                                  subsampling="4:4:4")), "Adobe APP14 transform 0 (RGB)")
p = crop(coffee, 150, 200, 64, 64)
full = pillow_encode(p, quality=90, subsampling="4:2:0")
add("premature_eoi_420_base", full[:len(full) * 6 // 10] + b"\xff\xd9", "EOI in mid scan: grey fill")
rst = pillow_encode(crop(coffee, 60, 60, 64, 32), quality=85, subsampling="4:2:0", restart_marker_blocks=1)
pos = rst_positions(rst)
skipped = bytearray(rst)
skipped[pos[2] + 1] = 0xD0 + 3  # RST2 written as RST3: decoder must resynchronise
add("rst_renumbered_420_base", bytes(skipped), "RST2 replaced by RST3 (libjpeg resync)")
missing = rst[:pos[4]] + rst[pos[4] + 2:]
add("rst_missing_420_base", missing, "fifth restart marker removed (libjpeg resync)")
def early_eoi(data, cut):
    """data[:cut] + EOI, moving the cut back until it is not inside a marker segment (Pillow,
    like us, refuses EOI inside a segment header)."""
    while True:
        candidate = data[:cut] + b"\xff\xd9"
        try:
            with Image.open(io.BytesIO(candidate)) as im:
                im.load()
            return candidate
        except OSError:
            cut -= 1


# Progressive files that stop early (EOI inside or between scans): libjpeg smooths the blocks
# whose low-frequency coefficients are incomplete (jdcoefct.c block smoothing).
prog = pillow_encode(crop(coffee, 200, 100, 48, 40), quality=90, subsampling="4:2:0", progressive=True)
sos = [i for i in range(len(prog) - 1) if prog[i] == 0xFF and prog[i + 1] == 0xDA]
for pct in (8, 25, 45, 65, 85):
    cut = sos[0] + (len(prog) - sos[0]) * pct // 100
    add("premature_eoi_prog_%02d" % pct, early_eoi(prog, cut),
        "progressive cut at %d%% of its scan data + EOI (block smoothing)" % pct)
for n in (2, 5, 8):
    add("premature_eoi_prog_scan%d" % n, prog[:sos[n]] + b"\xff\xd9", "progressive, EOI after %d scans" % n)
gprog = pillow_encode(crop(camera, 100, 100, 40, 33), quality=90, progressive=True)
g0 = gprog.index(b"\xff\xda")
add("premature_eoi_gray_prog_50", early_eoi(gprog, g0 + (len(gprog) - g0) // 2),
    "greyscale progressive cut at 50% of its scan data + EOI")
rprog = pillow_encode(crop(coffee, 200, 100, 48, 40), quality=90, subsampling="4:2:0", progressive=True,
                      restart_marker_blocks=1)
r0 = rprog.index(b"\xff\xda")
add("premature_eoi_prog_rst_60", early_eoi(rprog, r0 + (len(rprog) - r0) * 6 // 10),
    "progressive with restarts cut at 60% + EOI")
m = crop(astronaut, 250, 250, 37, 29)
add("astronaut_37x29_440_base", cjpeg_encode(m, ["-quality", "85", "-sample", "1x2,1x1,1x1"]), "4:4:0")
add("astronaut_37x29_440_prog", cjpeg_encode(m, ["-quality", "85", "-sample", "1x2,1x1,1x1", "-progressive"]),
    "4:4:0 progressive")
add("astronaut_37x29_mixed_base", cjpeg_encode(m, ["-quality", "85", "-sample", "2x2,1x2,2x1"]),
    "mixed sampling: Cb h2v1, Cr h1v2 upsampling")
add("astronaut_37x29_multiscan_seq", cjpeg_encode(m, ["-quality", "85"], scans="0;\n2;\n1;\n"),
    "sequential, one non-interleaved scan per component")

for f in os.listdir(OUT):
    if f.endswith(".jpg") or f.endswith(".npy"):
        os.remove(os.path.join(OUT, f))
rows = []
for name, data, note in cases:
    with open(os.path.join(OUT, name + ".jpg"), "wb") as f:
        f.write(data)
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        mode = im.mode
        rgb = np.array(im.convert("RGB"))
    np.save(os.path.join(OUT, name + ".rgb.npy"), rgb)
    rows.append((name + ".jpg", "ok", str(rgb.shape[1]), str(rgb.shape[0]), mode, note))
bad = cases[0][1]
with open(os.path.join(OUT, "corrupt_truncated_420_base.jpg"), "wb") as f:
    f.write(bad[:len(bad) // 2])
rows.append(("corrupt_truncated_420_base.jpg", "error", "-", "-", "-", "first half of astronaut_61x45_420_base.jpg"))
with open(os.path.join(OUT, "manifest.tsv"), "w") as f:
    f.write("# Made by Fixtures/Generators/make_jpeg_fixtures.py with Pillow %s (libjpeg-turbo %s)\n"
            % (PIL.__version__, features.version("libjpeg_turbo")))
    f.write("file\texpected\twidth\theight\tmode\tnote\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(len(rows), "files,", sum(os.path.getsize(os.path.join(OUT, x)) for x in os.listdir(OUT)), "bytes")
