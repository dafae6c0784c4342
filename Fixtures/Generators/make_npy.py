"""Writes Fixtures/npy/*.npy with NumPy itself: every dtype the NPY codec supports, odd shapes,
a 0-d array, an empty array, a version 2.0 header, and Fortran-order and big-endian files that
must be refused. Run: python3 Fixtures/Generators/make_npy.py  (NumPy only)."""
import os
import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "npy")
os.makedirs(out, exist_ok=True)
values = np.arange(-7, 17).reshape(2, 3, 4)
for name in ["bool", "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
             "float16", "float32", "float64"]:
    array = (values % 2 == 0) if name == "bool" else values.astype(name)
    if name.startswith("float"):
        array = array / np.asarray(3, dtype=name)
    np.save(os.path.join(out, f"{name}.npy"), array)
np.save(os.path.join(out, "scalar.npy"), np.float32(2.5))
np.save(os.path.join(out, "empty.npy"), np.zeros((0, 3), np.float32))
np.lib.format.write_array(open(os.path.join(out, "version2.npy"), "wb"),
                          np.arange(6, dtype=np.float32).reshape(2, 3), version=(2, 0))
np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save(os.path.join(out, "bigendian.npy"), np.arange(6, dtype=">f4"))
