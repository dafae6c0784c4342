"""Writes Fixtures/zip/ and Fixtures/npz/: archives made by Python's zipfile, numpy.savez,
numpy.savez_compressed and torch.save, each with a reference listing made by Python's zipfile
(<archive>.manifest.tsv: index, name, method, flags, CRC-32, sizes, local header offset, data
offset) and its entries' bytes as read by zipfile, concatenated in order (<archive>.contents.npy,
uint8), plus the arrays numpy.savez stored, one .npy each (npz/ref/<key>.npy).

It also cross-checks the archives our encoder wrote (Fixtures/*/ours_*; the Swift tests write
them when IRN_WRITE_FIXTURES=1 is set and otherwise require byte equality): zipfile.testzip()
must pass, numpy.load must return the arrays our encoder was given, and what they loaded is
re-saved with NumPy's own writer (npz/<name>.resaved.npz, zip/<name>.manifest.tsv/.contents.npy)
for the Swift tests to compare with what they encoded.
Run: venv/bin/python Fixtures/Generators/make_zip_npz.py  (NumPy, PyTorch), then
IRN_WRITE_FIXTURES=1 swift test --filter ZipWriterTests (and NPZTests), then this script again."""
import io
import os
import struct
import zipfile
import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
zdir = os.path.join(here, "..", "zip")
ndir = os.path.join(here, "..", "npz")
os.makedirs(zdir, exist_ok=True)
os.makedirs(os.path.join(ndir, "ref"), exist_ok=True)
rng = np.random.default_rng(77)


def describe(path):
    """Writes <path>.manifest.tsv and <path>.contents.npy from Python's zipfile."""
    raw = open(path, "rb").read()
    stem = os.path.splitext(path)[0]
    rows, contents = [], []
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None, path
        for i, info in enumerate(z.infolist()):
            o = info.header_offset
            name_length, extra_length = struct.unpack("<HH", raw[o + 26:o + 30])
            rows.append([i, info.filename, info.compress_type, info.flag_bits, info.CRC,
                         info.compress_size, info.file_size, o, o + 30 + name_length + extra_length])
            contents.append(z.read(info))
    with open(stem + ".manifest.tsv", "w", encoding="utf-8") as f:
        f.write("index\tname\tmethod\tflags\tcrc32\tcompressed\tuncompressed\tlocal_header\tdata\n")
        for row in rows:
            f.write("\t".join(str(v) for v in row) + "\n")
    np.save(stem + ".contents.npy", np.frombuffer(b"".join(contents), dtype=np.uint8))


# --- NumPy archives -------------------------------------------------------------------------
arrays = {
    "flags": rng.integers(0, 2, size=(2, 3)).astype(bool),
    "pixels": rng.integers(0, 256, size=(4, 5)).astype(np.uint8),
    "labels": rng.integers(-2**31, 2**31, size=(3,)).astype(np.int32),
    "keys": np.array([[[0, -1], [2**62, -2**63]], [[7, 2**40], [-5, 1]]], dtype=np.int64),
    "cam": rng.standard_normal((3, 4)).astype(np.float32),
    "scores": rng.standard_normal((5,)).astype(np.float64),
    "scalar": np.float32(0.25),
    "empty": np.zeros((0, 2), np.float32),
}
for key, value in arrays.items():
    np.save(os.path.join(ndir, "ref", f"{key}.npy"), value)
np.savez(os.path.join(ndir, "numpy_savez.npz"), **arrays)
np.savez_compressed(os.path.join(ndir, "numpy_savez_compressed.npz"), **arrays)
describe(os.path.join(ndir, "numpy_savez.npz"))
describe(os.path.join(ndir, "numpy_savez_compressed.npz"))

# --- Python zipfile archives ----------------------------------------------------------------
stored = bytes(range(256)) * 3 + rng.integers(0, 256, 200).astype(np.uint8).tobytes()
text = b"The quick brown fox jumps over the lazy dog. 0123456789\n" * 40
noisy = rng.integers(0, 256, 3000).astype(np.uint8).tobytes() + b"\x00" * 2000
date = (1980, 1, 1, 0, 0, 0)


def add(z, name, data, method, level=None):
    info = zipfile.ZipInfo(name, date_time=date)
    info.compress_type = method
    z.writestr(info, data, compresslevel=level)


with zipfile.ZipFile(os.path.join(zdir, "python_mixed.zip"), "w") as z:
    add(z, "stored.bin", stored, zipfile.ZIP_STORED)
    add(z, "deflated.txt", text, zipfile.ZIP_DEFLATED)
    add(z, "empty.txt", b"", zipfile.ZIP_STORED)
    add(z, "dir/", b"", zipfile.ZIP_STORED)
    add(z, "dir/caf\u00e9 \u00fcn\u00ef.txt", "na\u00efve\n".encode() * 3, zipfile.ZIP_DEFLATED)
    add(z, "level9.bin", noisy, zipfile.ZIP_DEFLATED, 9)
    z.comment = b"an archive comment"
describe(os.path.join(zdir, "python_mixed.zip"))


class Unseekable(io.RawIOBase):
    """A write-only stream that cannot seek, so zipfile writes data descriptors (flag bit 3)."""
    def __init__(self):
        self.buffer = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.buffer += b
        return len(b)

    def tell(self):
        return len(self.buffer)

    def seek(self, *args):
        raise OSError("unseekable")


stream = Unseekable()
with zipfile.ZipFile(stream, "w") as z:
    add(z, "first.bin", stored[:300], zipfile.ZIP_STORED)
    add(z, "second.txt", text, zipfile.ZIP_DEFLATED)
with open(os.path.join(zdir, "python_stream.zip"), "wb") as f:
    f.write(bytes(stream.buffer))
describe(os.path.join(zdir, "python_stream.zip"))


def handmade_zip(name_bytes, flags, data):
    """One stored entry, written field by field (APPNOTE 4.3.7, 4.3.12, 4.3.16)."""
    import zlib
    crc = zlib.crc32(data)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 0, 0, 0x21, crc, len(data), len(data),
                        len(name_bytes), 0) + name_bytes + data
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 0, 0, 0x21, crc, len(data),
                          len(data), len(name_bytes), 0, 0, 0, 0, 0, 0) + name_bytes
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


# A name in code page 437 (no UTF-8 flag): byte 0x82 is "é", 0xE1 is "ß".
with open(os.path.join(zdir, "cp437_name.zip"), "wb") as f:
    f.write(handmade_zip(b"caf\x82 stra\xe1e.txt", 0, b"code page 437\n"))
describe(os.path.join(zdir, "cp437_name.zip"))

# --- torch.save (zip format: stored entries, 64-byte aligned data, data descriptors, zip64
# end records) ----------------------------------------------------------------------------------
generator = torch.Generator().manual_seed(5)
state = {
    "conv1.weight": torch.randn(4, 3, 3, 3, generator=generator),
    "bn1.running_mean": torch.randn(4, generator=generator),
    "bn1.num_batches_tracked": torch.tensor(17),
    "fc.weight": torch.randn(2, 4, generator=generator).to(torch.float64),
}
torch.save(state, os.path.join(zdir, "torch_state.pth"))
describe(os.path.join(zdir, "torch_state.pth"))
# Each tensor's values, and which storage entry holds its bytes (found by comparing bytes).
with zipfile.ZipFile(os.path.join(zdir, "torch_state.pth")) as z, \
        open(os.path.join(zdir, "torch_state.storages.tsv"), "w") as f:
    storages = {n: z.read(n) for n in z.namelist() if "/data/" in n}
    for key, value in state.items():
        np.save(os.path.join(zdir, f"torch_state.{key}.npy"), value.numpy())
        holders = [n for n, b in storages.items() if b == value.numpy().tobytes()]
        assert len(holders) == 1, (key, holders)
        f.write(f"{key}\t{holders[0]}\n")

# --- Cross-check of our encoder's files --------------------------------------------------------
for name in ["ours_stored", "ours_deflated"]:
    path = os.path.join(ndir, f"{name}.npz")
    if not os.path.exists(path):
        print(f"{path} missing: run the Swift tests with IRN_WRITE_FIXTURES=1, then this again")
        continue
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None, path
    loaded = np.load(path)
    assert list(loaded.files) == list(arrays.keys()), loaded.files
    for key, value in arrays.items():
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape, key
        assert np.array_equal(loaded[key], value), key
    np.savez(os.path.join(ndir, f"{name}.resaved.npz"), **{k: loaded[k] for k in loaded.files})
for name in ["ours_zip64", "ours_aligned"]:
    path = os.path.join(zdir, f"{name}.zip")
    if os.path.exists(path):
        describe(path)
    else:
        print(f"{path} missing: run the Swift tests with IRN_WRITE_FIXTURES=1, then this again")
