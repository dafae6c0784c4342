"""Writes Fixtures/checkpoints/: small PyTorch checkpoints and safetensors files with the exact
tensors they hold, for the Checkpoints module's tests.

  state_zip.pth, state_legacy.pth   one state dict saved by torch.save in both layouts: views
                                     (transpose, permute, slice with storage offset, step
                                     slice, zero-stride expand), two keys sharing a storage,
                                     float16/bfloat16/float64/int*/uint8/bool, 0-d tensors, an
                                     empty tensor and an nn.Parameter
  state_big_endian.pth               state_zip.pth rewritten as a big-endian machine would
                                     save it (byteorder "big", storages byte-swapped); torch
                                     loads it back to the same tensors
  wrapped.pth                        {'epoch': 3, 'state_dict': {'a': ..., 'sub': {'b': ...},
                                     'tagged': a tensor with a Python attribute}}
  module/module.pth (+ expected)     a real nn.Sequential's state_dict (conv, batch norm)
  complex.pth                        a complex64 tensor (valid, but a type we do not read)
  expected/<k>.npy, manifest.txt     every tensor as PyTorch holds it (16/32-bit floats as
                                     float32 via tensor.float(), float64, integers and bools in
                                     their own dtype); line k of the manifest is
                                     "dtype<TAB>name", in state-dict order
  malicious/*.pth|*.pkl              pickles whose globals would run a shell command or eval
                                     (posix.system, os.system, builtins.eval); the payload
                                     creates /tmp/irn-checkpoints-payload-ran, and this script
                                     proves it is live by letting pickle run it once
  safetensors/reference.safetensors  written by the `safetensors` package (+ expected .npy)
  pickles/containers_p{1..5}.pkl     one container literal (see plain_pickles) per protocol,
  pickles/scalars_p0.pkl             and scalars at protocol 0
  precision/*.npy                    float32 bit patterns with NumPy's float16 and PyTorch's
                                     bfloat16 roundings of them

Run: python3 Fixtures/Generators/make_checkpoints.py   (torch, numpy, safetensors from PyPI;
     torch.save output is not byte-stable across runs: storage keys and ids change).
     To (re)verify the Swift writer's output:
     IRN_WRITE_SAFETENSORS=1 swift test --filter SafeTensorsTests   (writes safetensors/ours.safetensors)
     python3 Fixtures/Generators/make_checkpoints.py --verify-ours
which reads ours.safetensors with the `safetensors` package, compares every tensor and the
metadata with the reference, and stores the verdict and the verified bytes as .npy.
"""
import collections
import io
import os
import pickle
import sys
import zipfile

import numpy as np
import torch

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkpoints")
MARKER = "/tmp/irn-checkpoints-payload-ran"


def state_dict():
    torch.manual_seed(7)
    sd = collections.OrderedDict()
    sd["conv.weight"] = torch.randn(2, 3, 3, 3)
    sd["conv.bias"] = torch.nn.Parameter(torch.randn(2))
    base = torch.randn(3, 4)
    sd["fc.weight"] = base
    sd["fc.weight_t"] = base.t()                      # shares base's storage, strides (1, 4)
    sd["permuted"] = torch.randn(2, 3, 2, 2).permute(0, 2, 3, 1)
    line = torch.arange(20, dtype=torch.float32) * 0.5 - 3
    sd["slice"] = line[5:12]                          # storage offset 5
    sd["every_third"] = line[1::3]                    # stride 3 into the same storage
    sd["expanded"] = torch.tensor([[1.5, -2.0, 3.25]]).expand(4, 3)   # stride (0, 1)
    sd["half"] = torch.tensor([1.0, -0.0, 65504.0, 6e-8, float("inf"), 1 / 3, -2.5e-5], dtype=torch.float16)
    sd["bfloat"] = torch.tensor([1.0, -3.140625, 1e30, 1e-30, float("-inf")], dtype=torch.bfloat16)
    sd["double"] = torch.tensor([[1 / 3, -1e-40], [1e300, 2.0 ** -149]], dtype=torch.float64)
    sd["bn.num_batches_tracked"] = torch.tensor(12345678901)          # int64, 0-d
    sd["int32"] = torch.tensor([-2147483648, 2147483647, 0, -1], dtype=torch.int32)
    sd["int16"] = torch.tensor([-32768, 32767, 5], dtype=torch.int16)
    sd["int8"] = torch.tensor([-128, 127, -1], dtype=torch.int8)
    sd["uint8"] = torch.tensor([0, 255, 17], dtype=torch.uint8)
    sd["mask"] = torch.tensor([[True, False, True], [False, False, True]])
    sd["scalar"] = torch.tensor(-7.75)
    sd["empty"] = torch.zeros(0, 3)
    return sd


def write_expected(sd, folder, manifest):
    """expected/<k>.npy for the k-th tensor (float16/bfloat16/float32 as float32 via
    tensor.float(), float64, integers and bools in their own dtype); the manifest's k-th line
    is "<torch dtype>\t<name>"."""
    os.makedirs(folder, exist_ok=True)
    lines = []
    for k, (name, t) in enumerate(sd.items()):
        t = t.detach()
        exact = not t.is_floating_point() or t.dtype == torch.float64
        array = t.contiguous().numpy() if exact else t.float().contiguous().numpy()
        np.save(os.path.join(folder, f"{k}.npy"), array)
        lines.append(f"{str(t.dtype).replace('torch.', '')}\t{name}")
    with open(manifest, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def bits(t):
    return t.detach().contiguous().reshape(-1).view(torch.uint8)


def same(a, b):
    """Same dtype, shape and bit patterns."""
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(bits(a), bits(b))


def big_endian_copy(source, target):
    """Rewrites a zip checkpoint as a big-endian machine writes it (byte-swapped storages)."""
    src = zipfile.ZipFile(source)
    prefix = src.namelist()[0].split("/")[0] + "/"
    sizes = {}
    pickled = src.read(prefix + "data.pkl")

    class Probe(pickle.Unpickler):
        def persistent_load(self, pid):
            sizes[pid[2]] = pid[1](0).element_size()
            return torch.UntypedStorage(0)

        def find_class(self, module, name):
            if module == "torch._utils" and name.startswith("_rebuild"):
                return lambda *a: None
            return super().find_class(module, name)

    Probe(io.BytesIO(pickled)).load()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename[len(prefix):]
            if name == "byteorder":
                data = b"big"
            elif name.startswith("data/"):
                size = sizes[name[5:]]
                data = np.frombuffer(data, dtype=f"<u{size}").astype(f">u{size}").tobytes() if size > 1 else data
            dst.writestr(info.filename.replace(prefix, "state_big_endian/"), data)


class Payload:
    """Unpickling this runs `func(arg)`: the shape of every pickle exploit."""

    def __init__(self, func, arg):
        self.func, self.arg = func, arg

    def __reduce__(self):
        return (self.func, (self.arg,))


def malicious(folder):
    os.makedirs(folder, exist_ok=True)
    command = f"touch {MARKER}"
    weights = collections.OrderedDict(w=torch.ones(2))
    # 1. zip .pth whose pickle calls posix.system (what os.system pickles as on Linux).
    torch.save(collections.OrderedDict(w=weights["w"], x=Payload(os.system, command)),
               os.path.join(folder, "posix_system_zip.pth"))
    # 2. legacy .pth (pickle protocol 4, so the name is builtins.eval via STACK_GLOBAL; protocol
    #    2 would spell it __builtin__.eval) whose pickle calls eval.
    torch.save(collections.OrderedDict(w=weights["w"], x=Payload(eval, f"open({MARKER!r}, 'w').close()")),
               os.path.join(folder, "builtins_eval_legacy.pth"), _use_new_zipfile_serialization=False,
               pickle_protocol=4)
    # 3. legacy .pth whose object pickle names os.system with GLOBAL (hand-assembled).
    evil = b"\x80\x02cos\nsystem\nq\x00X" + len(command).to_bytes(4, "little") + command.encode() + b"\x85R."
    legacy = io.BytesIO()
    torch.save(weights, legacy, _use_new_zipfile_serialization=False)
    head = io.BytesIO(legacy.getvalue())
    for _ in range(3):
        pickle.load(head)  # magic, protocol, sys_info
    with open(os.path.join(folder, "os_system_legacy.pth"), "wb") as f:
        f.write(legacy.getvalue()[:head.tell()] + evil + pickle.dumps([], protocol=2))
    # 4. a bare protocol-4 pickle naming os.system with STACK_GLOBAL.
    stack = (b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x93\x94\x8c" + bytes([len(command)]) + command.encode()
             + b"\x94\x85\x94R\x94.")
    with open(os.path.join(folder, "os_system_stack_global.pkl"), "wb") as f:
        f.write(stack)
    # Prove the payloads are live: plain pickle / torch.load(weights_only=False) runs them.
    for name, load in [("posix_system_zip.pth", lambda p: torch.load(p, weights_only=False)),
                       ("builtins_eval_legacy.pth", lambda p: torch.load(p, weights_only=False)),
                       ("os_system_legacy.pth", lambda p: torch.load(p, weights_only=False)),
                       ("os_system_stack_global.pkl", lambda p: pickle.load(open(p, "rb")))]:
        if os.path.exists(MARKER):
            os.remove(MARKER)
        load(os.path.join(folder, name))
        assert os.path.exists(MARKER), f"{name}: payload did not run"
        os.remove(MARKER)
        print(f"{name}: payload is live under pickle")


def safetensors_reference(folder):
    from safetensors.torch import save_file
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(11)
    tensors = {
        "a.weight": torch.randn(3, 4),
        "a.half": torch.randn(5).half(),
        "a.bf16": torch.randn(2, 3).bfloat16(),
        "b.double": torch.randn(3, dtype=torch.float64),
        "b.long": torch.tensor([[-(2 ** 40), 3], [4, 2 ** 62]]),
        "b.int": torch.tensor([-5, 7, 2 ** 31 - 1], dtype=torch.int32),
        "c.bytes": torch.tensor([0, 200, 255], dtype=torch.uint8),
        "c.mask": torch.tensor([True, False, True, True]),
        "c.int8": torch.tensor([-100, 100], dtype=torch.int8),
        "c.int16": torch.tensor([-30000, 30000, 1], dtype=torch.int16),
        "d.scalar": torch.tensor(2.5),
        "d.empty": torch.zeros(0, 2),
        "ü.naïve \"quoted\"": torch.tensor([1.0, 2.0]),
    }
    save_file(tensors, os.path.join(folder, "reference.safetensors"), metadata={"format": "pt", "note": "tiny test"})
    ordered = collections.OrderedDict(sorted(tensors.items(), key=lambda kv: kv[0].encode()))
    write_expected(ordered, os.path.join(folder, "expected"), os.path.join(folder, "manifest.txt"))
    return tensors


def plain_pickles(folder):
    """The same container literal pickled at protocols 1-5 (bytes only from protocol 3, which
    has opcodes for them; earlier protocols route them through the _codecs.encode global),
    and a few scalars at protocol 0 (its text opcodes INT, LONG, FLOAT, TUPLE, PUT)."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "scalars_p0.pkl"), "wb") as f:
        pickle.dump((True, 42, -7, 2 ** 40, 2.5, None, False), f, protocol=0)
    shared = [1]
    for protocol in range(1, 6):
        obj = {
            "ints": [0, 1, -1, 255, 256, 65535, 65536, -2 ** 31, 2 ** 31 - 1, 2 ** 31, 2 ** 63 - 1, -2 ** 63, 2 ** 64],
            "floats": [0.0, -0.0, 1.5, 1e308, 5e-324, float("inf"), -1 / 3],
            "strings": ["", "abc", "\u00fc\u20ac\U0001d11e", "x" * 300],
            "nested": ({"k": (1, 2)}, [], (), {}),
            "flags": [True, False, None],
            "tuples": [(1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
            "shared": [shared, shared],
            "ordered": collections.OrderedDict([("z", 1), ("a", 2)]),
            "long_list": list(range(1200)),
            "big_dict": {i: -i for i in range(1100)},
        }
        if protocol >= 3:
            obj["bytes"] = [b"", b"\x00\xff" * 130]
        with open(os.path.join(folder, f"containers_p{protocol}.pkl"), "wb") as f:
            pickle.dump(obj, f, protocol=protocol)


def precision(folder):
    """Float32 inputs (edge cases and random bit patterns) with NumPy's float16 and PyTorch's
    bfloat16 roundings (both round to nearest, ties to even)."""
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(5)
    edges = np.array([0.0, -0.0, 1.0, 65504.0, 65519.99, 65520.0, 6e-8, 2.0 ** -24, 2.0 ** -25,
                      1.5 * 2.0 ** -25, 2.0 ** -26, 3 * 2.0 ** -26, 1e-30, 1e30, np.inf, -np.inf,
                      1 + 2.0 ** -11, 1 + 3 * 2.0 ** -11, 1 + 2.0 ** -8, 1 + 3 * 2.0 ** -8, 3.4e38],
                     dtype=np.float32).view(np.uint32)
    random = rng.integers(0, 2 ** 32, size=2000, dtype=np.uint64).astype(np.uint32)
    near_half = (rng.uniform(-70000, 70000, size=1000).astype(np.float32)).view(np.uint32)
    small = (rng.uniform(-1e-4, 1e-4, size=1000).astype(np.float32)).view(np.uint32)
    bits = np.concatenate([edges, random, near_half, small])
    values = bits.view(np.float32)
    finite = ~np.isnan(values)  # NaN payloads differ between libraries; tested separately
    bits, values = bits[finite], values[finite]
    np.save(os.path.join(folder, "float32_bits.npy"), bits)
    with np.errstate(over="ignore"):
        np.save(os.path.join(folder, "float16_bits.npy"), values.astype(np.float16).view(np.uint16))
    bf16 = torch.from_numpy(values.copy()).bfloat16().view(torch.int16).numpy().view(np.uint16)
    np.save(os.path.join(folder, "bfloat16_bits.npy"), bf16)


def verify_ours(folder):
    """Reads the Swift writer's file with the safetensors package and records the verdict."""
    from safetensors import safe_open
    from safetensors.torch import load_file
    reference = load_file(os.path.join(folder, "reference.safetensors"))
    path = os.path.join(folder, "ours.safetensors")
    ours = load_file(path)
    with safe_open(path, "pt") as f:
        metadata = f.metadata()
    verdict = [int(set(ours) == set(reference)), int(metadata == {"format": "pt", "note": "tiny test"})]
    verdict += [int(name in ours and same(ours[name], reference[name])) for name in sorted(reference, key=str.encode)]
    np.save(os.path.join(folder, "ours_verdict.npy"), np.array(verdict, dtype=np.int64))
    np.save(os.path.join(folder, "ours_verified_bytes.npy"), np.frombuffer(open(path, "rb").read(), dtype=np.uint8))
    print("verdict", verdict)


def main():
    if "--verify-ours" in sys.argv:
        verify_ours(os.path.join(out, "safetensors"))
        return
    os.makedirs(out, exist_ok=True)
    sd = state_dict()
    torch.save(sd, os.path.join(out, "state_zip.pth"))
    torch.save(sd, os.path.join(out, "state_legacy.pth"), _use_new_zipfile_serialization=False)
    big_endian_copy(os.path.join(out, "state_zip.pth"), os.path.join(out, "state_big_endian.pth"))
    write_expected(sd, os.path.join(out, "expected"), os.path.join(out, "manifest.txt"))
    for name in ["state_zip.pth", "state_legacy.pth", "state_big_endian.pth"]:
        loaded = torch.load(os.path.join(out, name), weights_only=True)
        assert list(loaded) == list(sd), name
        for key in sd:
            assert same(loaded[key].detach(), sd[key].detach()), (name, key)
    torch.manual_seed(3)
    tagged = torch.randn(3)
    tagged.note = "a Python attribute: pickled through torch._tensor._rebuild_from_type_v2"
    wrapped = {"epoch": 3, "state_dict": {"a": torch.randn(2, 2), "sub": {"b": torch.arange(3)}, "tagged": tagged}}
    torch.save(wrapped, os.path.join(out, "wrapped.pth"))
    np.save(os.path.join(out, "wrapped_a.npy"), wrapped["state_dict"]["a"].numpy())
    np.save(os.path.join(out, "wrapped_sub.b.npy"), wrapped["state_dict"]["sub"]["b"].numpy())
    np.save(os.path.join(out, "wrapped_tagged.npy"), tagged.numpy())
    # A real module's state_dict: an OrderedDict carrying `_metadata` (set by BUILD), BatchNorm
    # running statistics after one training step and num_batches_tracked = 1.
    torch.manual_seed(5)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                              torch.nn.Conv2d(4, 2, 1, bias=False))
    net(torch.randn(2, 3, 5, 5))
    module = net.state_dict()
    os.makedirs(os.path.join(out, "module"), exist_ok=True)
    torch.save(module, os.path.join(out, "module", "module.pth"))
    write_expected(module, os.path.join(out, "module", "expected"), os.path.join(out, "module", "manifest.txt"))
    # Valid but unsupported: complex values (storage class torch.ComplexFloatStorage).
    torch.save({"c": torch.zeros(2, dtype=torch.complex64)}, os.path.join(out, "complex.pth"))
    malicious(os.path.join(out, "malicious"))
    safetensors_reference(os.path.join(out, "safetensors"))
    plain_pickles(os.path.join(out, "pickles"))
    precision(os.path.join(out, "precision"))


if __name__ == "__main__":
    main()
