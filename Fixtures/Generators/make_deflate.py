"""Golden data for the deflate / zlib codec (Fixtures/deflate/), made with Python's zlib.

Writes:
  input_<name>.npy           uint8 inputs: empty, one, text, random (big is rebuilt, see below)
  zlib_<name>_<level>.npy    zlib.compress(input, level) for levels 0, 1, 6, 9 (level 0 is
                             skipped for `big`, whose stored copy would be 66 KB)
  checksums.npy              uint64 [5, 2]: zlib.crc32 and zlib.adler32 of empty, one, text,
                             random, big (in that order)
  scanlines.npy              the filtered scanline stream of a 96x128 RGB photo crop
                             (skimage's astronaut) as Pillow writes it into a PNG, i.e. the
                             IDAT data decompressed; scanlines_zlib_sizes.npy = len(zlib.compress(
                             stream, level)) for levels 1, 6, 9
  ours/<file>.check.npy      for every ours/<file>.zlib (our encoder's output, written by the
                             Swift test DeflateGoldenTests with IRN_WRITE_FIXTURES=1): uint64
                             [length, crc32, adler32] of zlib.decompress(<file>), proving that
                             zlib reads our streams; the Swift test compares them with the input.

`big` (66,000 bytes, never committed): 11 segments of 6,000 bytes; byte i of segment s is the
next random byte from the 64-bit LCG x = x * 6364136223846793005 + 1442695040888963407 (seed 7,
top byte of each new state) when s % 4 == 1 and i % 6000 < 2000, else text[(i + 17 * s) %
len(text)], i being the absolute index.

Run: /path/to/python Fixtures/Generators/make_deflate.py   (NumPy, Pillow, scikit-image)
"""
import glob
import io
import os
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "deflate")
os.makedirs(os.path.join(OUT, "ours"), exist_ok=True)

WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
         "which but have an they you were her she there one all we their been has more if will "
         "would who no so what up out about into than them can only other new some could time "
         "segmentation label random walk boundary displacement affinity pixel instance class").split()


def make_text():
    rng = np.random.default_rng(1950)
    words = []
    length = 0
    while length < 5000:
        w = WORDS[int(rng.integers(len(WORDS)))]
        if rng.random() < 0.08:
            w = w.capitalize() + "."
        words.append(w)
        length += len(w) + 1
    return " ".join(words).encode("ascii")


def make_big(text):
    out = bytearray(66000)
    x = 7
    mask = (1 << 64) - 1
    for i in range(66000):
        s = i // 6000
        if s % 4 == 1 and i % 6000 < 2000:
            x = (x * 6364136223846793005 + 1442695040888963407) & mask
            out[i] = x >> 56
        else:
            out[i] = text[(i + 17 * s) % len(text)]
    return bytes(out)


def save_bytes(path, data):
    np.save(path, np.frombuffer(data, dtype=np.uint8))


text = make_text()
inputs = {
    "empty": b"",
    "one": b"A",
    "text": text,
    "random": np.random.default_rng(1951).integers(0, 256, 2000, dtype=np.uint8).tobytes(),
    "big": make_big(text),
}
for name, data in inputs.items():
    if name != "big":
        save_bytes(os.path.join(OUT, f"input_{name}.npy"), data)
    for level in (0, 1, 6, 9):
        if name == "big" and level == 0:
            continue
        save_bytes(os.path.join(OUT, f"zlib_{name}_{level}.npy"), zlib.compress(data, level))
np.save(os.path.join(OUT, "checksums.npy"),
        np.array([[zlib.crc32(d), zlib.adler32(d)] for d in inputs.values()], dtype=np.uint64))

# Photo-like PNG scanlines: what libpng (through Pillow) deflates for a real photograph.
from PIL import Image
import skimage.data

crop = skimage.data.astronaut()[40:136, 160:288]
buffer = io.BytesIO()
Image.fromarray(crop).save(buffer, format="PNG")
png = buffer.getvalue()
pos, idat = 8, b""
while pos < len(png):
    length = int.from_bytes(png[pos:pos + 4], "big")
    if png[pos + 4:pos + 8] == b"IDAT":
        idat += png[pos + 8:pos + 8 + length]
    pos += 12 + length
stream = zlib.decompress(idat)
assert len(stream) == 96 * (128 * 3 + 1)
save_bytes(os.path.join(OUT, "scanlines.npy"), stream)
np.save(os.path.join(OUT, "scanlines_zlib_sizes.npy"),
        np.array([len(zlib.compress(stream, level)) for level in (1, 6, 9)], dtype=np.int64))

# Our encoder's streams, decoded by zlib.
for path in sorted(glob.glob(os.path.join(OUT, "ours", "*.zlib"))):
    decoded = zlib.decompress(open(path, "rb").read())
    raw = zlib.decompress(open(path, "rb").read()[2:-4], wbits=-15)
    assert raw == decoded
    np.save(path[:-len(".zlib")] + ".check.npy",
            np.array([len(decoded), zlib.crc32(decoded), zlib.adler32(decoded)], dtype=np.uint64))
    print("zlib decoded", os.path.basename(path), len(decoded), "bytes")
