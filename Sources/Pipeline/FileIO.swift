// FileIO: reading input files with a size cap and writing outputs atomically.
// Every file the pipeline writes goes to a temporary file in the destination folder first and is
// renamed into place, so an interrupted run never leaves a half-written output and a resumed
// run can trust any output that exists. Missing parent folders are created.
import Foundation

public enum FileIOError: Error, Equatable, Sendable {
    case notFound(path: String)
    case unreadable(path: String, reason: String)
    case tooLarge(path: String, size: Int, limit: Int)
    case unwritable(path: String, reason: String)
}

public enum FileIO {
    /// Default cap on input files: 2 GiB (larger inputs are refused, not read).
    public static let defaultReadLimit = 1 << 31

    /// The bytes of the file at `path`, refusing files larger than `limit`.
    public static func read(_ path: String, limit: Int = defaultReadLimit) throws -> [UInt8] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw FileIOError.notFound(path: path) }
        guard !isDirectory.boolValue else { throw FileIOError.unreadable(path: path, reason: "it is a directory") }
        let size = (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= limit else { throw FileIOError.tooLarge(path: path, size: size, limit: limit) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileIOError.unreadable(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            guard data.count <= limit else { throw FileIOError.tooLarge(path: path, size: data.count, limit: limit) }
            return [UInt8](data)
        } catch let error as FileIOError {
            throw error
        } catch {
            throw FileIOError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
    }

    /// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FileIOError.unwritable(path: path, reason: "cannot create folder \(folder.path)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        // Written with plain POSIX calls: FileManager.createFile would stage the bytes in a
        // second, differently named temporary file that a killed process leaves behind.
        if let reason = writeAll(bytes, to: temporary.path) {
            try? FileManager.default.removeItem(at: temporary)
            throw FileIOError.unwritable(path: path, reason: "cannot write in \(folder.path): \(reason)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw FileIOError.unwritable(path: path, reason: reason)
        }
    }

    /// Creates (or truncates) the file at `path` and writes `bytes`; returns why it failed, or nil.
    static func writeAll(_ bytes: [UInt8], to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        var failure: String? = nil
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if close(descriptor) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        return failure
    }

    /// The file name without folder and extension ("dir/2007_000032.jpg" → "2007_000032").
    public static func stem(of path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    /// The lowercased extension without the dot ("x.JPG" → "jpg").
    public static func fileExtension(of path: String) -> String {
        URL(fileURLWithPath: path).pathExtension.lowercased()
    }
}
