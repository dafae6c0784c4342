// CAMFile, reference layout: the `cam/<name>.npy` files of the reference's make_cam step, one
// pickled dict per image, {"keys": int64 tensor [K] (0-based classes), "cam": float32 tensor
// [K, ⌈H/4⌉, ⌈W/4⌉], "high_res": float32 ndarray [K, H, W]} (step/make_cam.py). The image size
// comes from `high_res`, as the reference keeps no `size`. Read by ReferenceArrays (Checkpoints'
// restricted unpickler, nothing executed), then checked as the .npz form is, so a user of the
// reference can take its CAMs straight to `irn sem-seg` / `irn ins-seg`.
import Checkpoints
import Codecs
import Tensors

extension CAMFile {
    /// Reads a reference CAM file (.npy of a pickled dict); `decode` calls it for .npy content.
    static func decodeReference(_ bytes: [UInt8], file: String) throws -> CAMFile {
        let arrays = try ReferenceArrays.read(bytes) { StageFileError.unreadable(file: file, reason: $0) }
        func fail(_ name: String, _ reason: String) -> StageFileError { .badArray(file: file, array: name, reason: reason) }
        func array(_ name: String) throws -> CheckpointTensor {
            guard let array = arrays[name] else { throw StageFileError.missingArray(file: file, array: name) }
            return array
        }
        func floats(_ name: String) throws -> Tensor {
            let array = try array(name)
            guard let tensor = array.tensor else { throw fail(name, "expected float32, found \(array.dtype)") }
            guard tensor.rank == 3 else { throw fail(name, "expected 3 dimensions, found shape \(tensor.shape)") }
            guard tensor.scalars.allSatisfy({ $0.isFinite }) else { throw fail(name, "holds NaN or infinite values") }
            return tensor
        }
        let keyArray = try array("keys")
        guard let keyValues = keyArray.integers, keyArray.dtype != .bool, keyArray.shape.count == 1 else {
            throw fail("keys", "expected a 1-D integer array, found \(keyArray.dtype) of shape \(keyArray.shape)")
        }
        let keys = keyValues.map { Int($0) }
        guard keys.allSatisfy({ (0...254).contains($0) }) else { throw fail("keys", "classes must lie in 0...254") }
        guard Set(keys).count == keys.count else { throw fail("keys", "a class is listed twice") }
        let highRes = try floats("high_res")
        let (height, width) = (highRes.shape[1], highRes.shape[2])
        guard highRes.shape[0] == keys.count, (1...maximumImageSide).contains(height), (1...maximumImageSide).contains(width) else {
            throw fail("high_res", "expected [\(keys.count), H, W] with H, W in 1...\(maximumImageSide), found \(highRes.shape)")
        }
        let cam = try floats("cam")
        let expected = [keys.count, (height + 3) / 4, (width + 3) / 4]
        guard cam.shape == expected else {
            throw fail("cam", "expected shape \(expected) for \(keys.count) keys and a \(height)×\(width) image (from high_res), found \(cam.shape)")
        }
        return CAMFile(keys: keys, cam: cam, highRes: highRes, height: height, width: width)
    }
}
