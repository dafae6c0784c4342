"""Writes Fixtures/pnm/: small PBM/PGM/PPM files (raw and plain, 8- and 16-bit, odd maxvals,
comments and unusual whitespace) with reference decodes by Pillow, and Pillow decodes of the
PNG twins of ../shared/testdata/photos (a subsampled grid plus row and column sums, to keep the
fixtures small) for checking our decode of the PNM photos.
Run: venv/bin/python Fixtures/Generators/make_pnm.py  (NumPy + Pillow)."""
import io
import os
import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "pnm")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20240611)


def pillow_decode(data):
    """Pillow's 8-bit decode as uint8 H x W (x 3): bitmaps become 0/255 grey."""
    im = Image.open(io.BytesIO(data))
    im.load()
    if im.mode == "1":
        im = im.convert("L")
    array = np.asarray(im)
    assert array.dtype == np.uint8, (im.mode, array.dtype)
    return array


def write(name, data, reference=None, samples=None):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    stem = os.path.splitext(name)[0]
    if reference is not None:
        np.save(os.path.join(out, f"{stem}.ref8.npy"), reference)
    if samples is not None:
        np.save(os.path.join(out, f"{stem}.samples.npy"), samples)


def raw(magic, w, h, maxval, samples, header=None):
    head = header if header is not None else b"%s\n%d %d\n%d\n" % (magic, w, h, maxval)
    dtype = ">u2" if maxval > 255 else "u1"
    return head + np.ascontiguousarray(samples).astype(dtype).tobytes()


def plain_text(values, per_line):
    lines = []
    flat = list(np.asarray(values).reshape(-1))
    for i in range(0, len(flat), per_line):
        lines.append(" ".join(str(int(v)) for v in flat[i:i + per_line]))
    return ("\n".join(lines) + "\n").encode()


# 8-bit grey, maxval 15 (scaled to 8 bits by the reader).
s = rng.integers(0, 16, size=(5, 9)).astype(np.uint16)
data = raw(b"P5", 9, 5, 15, s)
write("gray_maxval15.pgm", data, pillow_decode(data), s)

# Grey with maxval 6: every value 0..6, including the exact ties 42.5 and 212.5.
s = np.arange(7, dtype=np.uint16).reshape(1, 7)
data = raw(b"P5", 7, 1, 6, s)
write("gray_maxval6.pgm", data, pillow_decode(data), s)

# 16-bit RGB, maxval 65535 and maxval 1000.
s = rng.integers(0, 65536, size=(5, 7, 3)).astype(np.uint16)
s[0, :3] = [[0, 1, 255], [256, 32767, 32768], [65535, 65280, 65407]]
data = raw(b"P6", 7, 5, 65535, s)
write("rgb16.ppm", data, pillow_decode(data), s)
s = rng.integers(0, 1001, size=(4, 6, 3)).astype(np.uint16)
data = raw(b"P6", 6, 4, 1000, s)
write("rgb_maxval1000.ppm", data, pillow_decode(data), s)

# 16-bit grey, maxval 4095. Pillow decodes 16-bit grey to 32-bit "I", so the 8-bit reference
# is Pillow's decode of the same samples written as a pixmap (grey replicated), channel 0.
s = rng.integers(0, 4096, size=(6, 5)).astype(np.uint16)
data = raw(b"P5", 5, 6, 4095, s)
twin = raw(b"P6", 5, 6, 4095, np.repeat(s[:, :, None], 3, axis=2))
write("gray16.pgm", data, pillow_decode(twin)[:, :, 0].copy(), s)

# Raw 8-bit pixmap with comments between the header fields and TAB/CR/VT/FF whitespace. (Netpbm
# also lets a comment stand right after maxval, "255#...\n"; Pillow does not, so that case is
# tested against this file's samples in the Swift tests instead.)
s = rng.integers(0, 256, size=(3, 4, 3)).astype(np.uint16)
head = b"P6 # magic\n#only a comment line\r4\t\x0b3 \x0c# size\n\n# maxval next\n255\n"
data = raw(b"P6", 4, 3, 255, s, header=head)
write("comments.ppm", data, pillow_decode(data), s)

# Plain (ASCII) pixmap and graymap with comments between samples.
s = rng.integers(0, 256, size=(3, 5, 3)).astype(np.uint16)
body = plain_text(s, 7).replace(b"\n", b" # a comment 1 2 3\n", 2)
data = b"P3\n# plain pixmap\n5 3\n255\n" + body
write("plain_rgb.ppm", data, pillow_decode(data), s)
s = rng.integers(0, 101, size=(4, 6)).astype(np.uint16)
data = b"P2 6 4 100\n" + plain_text(s, 5).replace(b" ", b"\t", 3)
write("plain_gray.pgm", data, pillow_decode(data), s)

# Bitmaps, width 13 (rows padded to two bytes) raw, and plain with digits packed together.
bits = rng.integers(0, 2, size=(4, 13)).astype(np.uint8)  # 1 = black, as stored
packed = np.packbits(bits, axis=1)
data = b"P4\n13 4\n" + packed.tobytes()
write("bitmap.pbm", data, pillow_decode(data), (1 - bits).astype(np.uint16))
rows = [b"".join(b"%d" % v for v in row) for row in bits]
data = b"P1\n# packed digits\n13 4\n" + rows[0] + b"\n" + rows[1][:5] + b" " + rows[1][5:] + b"\n# c\n" + b"\n".join(rows[2:]) + b"\n"
write("bitmap_plain.pbm", data, pillow_decode(data), (1 - bits).astype(np.uint16))

# The shared photos: Pillow's decode of each PNG, as every 11th pixel, per-row sums
# (over x and channels) and per-column sums (per channel).
photos = os.path.join(here, "..", "..", "..", "shared", "testdata", "photos")
if os.path.isdir(photos):
    ref = os.path.join(out, "photos")
    os.makedirs(ref, exist_ok=True)
    for line in open(os.path.join(photos, "manifest.tsv")):
        if line.startswith("#") or line.startswith("png\t"):
            continue
        png, pnm = line.split("\t")[:2]
        stem = os.path.splitext(png)[0]
        array = np.asarray(Image.open(os.path.join(photos, png)))
        rows = array.astype(np.int64).reshape(array.shape[0], -1).sum(axis=1)
        np.save(os.path.join(ref, f"{stem}.grid11.npy"), np.ascontiguousarray(array[::11, ::11]))
        np.save(os.path.join(ref, f"{stem}.rowsums.npy"), rows.astype(np.int32))
        np.save(os.path.join(ref, f"{stem}.colsums.npy"), array.astype(np.int64).sum(axis=0).astype(np.int32))
else:
    print("shared/testdata/photos not found: photo references not written")
