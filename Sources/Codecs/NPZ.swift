// NPZ: NumPy's archive of arrays (numpy.savez / savez_compressed), a zip file whose entries
// are .npy files named "<key>.npy". It is how the pipeline's stages store their outputs (CAMs,
// boundaries, instances; DESIGN.md section 5). Built on ZipArchive / ZipWriter and the NPY
// codec; decoding keeps the archive's entry order and strips the ".npy" suffix as numpy.load does.

/// Why an NPZ archive could not be decoded (zip-level problems throw `ZipError`).
public enum NPZError: Error, Equatable, Sendable {
    /// The entry `name` is not a valid .npy file.
    case badArray(name: String, NPYError)
}

public enum NPZ {
    /// The arrays of an .npz file in archive order, named without their ".npy" suffix.
    /// Directory entries are skipped; every other entry must be an .npy file.
    public static func decode(_ bytes: [UInt8], limits: ZipLimits = .init(),
                              elementLimit: Int = NPY.defaultElementLimit) throws -> [(name: String, array: NPYArray)] {
        let archive = try ZipArchive(bytes, limits: limits)
        var arrays: [(name: String, array: NPYArray)] = []
        for entry in archive.entries where !entry.isDirectory {
            let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            let data = try archive.data(for: entry)
            do {
                arrays.append((name, try NPY.decode(data, elementLimit: elementLimit)))
            } catch let error as NPYError {
                throw NPZError.badArray(name: name, error)
            }
        }
        return arrays
    }

    /// An .npz file holding `arrays` as "<name>.npy" entries, in order; stored like
    /// numpy.savez, or deflated like numpy.savez_compressed. Names must be distinct.
    public static func encode(_ arrays: [(String, NPYArray)], compressed: Bool = false) -> [UInt8] {
        precondition(Set(arrays.map { $0.0 }).count == arrays.count, "NPZ array names must be distinct")
        var writer = ZipWriter()
        for (name, array) in arrays {
            writer.append(name: name + ".npy", data: NPY.encode(array),
                          compression: compressed ? .deflated(.default) : .stored)
        }
        return writer.finish()
    }
}
