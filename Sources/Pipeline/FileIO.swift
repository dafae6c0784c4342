// FileIO: reading input files with a size cap and writing outputs atomically.
// Every file the pipeline writes goes to a temporary file in the destination folder first and is
// renamed into place, so an interrupted run never leaves a half-written output and a resumed
// run can trust any output that exists. Missing parent folders are created.
import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

public enum FileIOError: Error, Equatable, Sendable {
    case notFound(path: String)
    case unreadable(path: String, reason: String)
    case tooLarge(path: String, size: Int, limit: Int)
    case unwritable(path: String, reason: String)
}

public enum FileIO {
    /// Default cap on input files: 2 GiB (larger inputs are refused, not read).
    public static let defaultReadLimit = 1 << 31

    /// The bytes of the file at `path`, refusing files larger than `limit`. Read with POSIX
    /// calls straight into the array (checkpoints run to hundreds of MB: no second copy).
    public static func read(_ path: String, limit: Int = defaultReadLimit) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw FileIOError.notFound(path: path) }
            throw FileIOError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileIOError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else { throw FileIOError.unreadable(path: path, reason: "it is a directory") }
        let regular = (status.st_mode & S_IFMT) == S_IFREG
        let size = regular ? Int(status.st_size) : 0
        guard size <= limit else { throw FileIOError.tooLarge(path: path, size: size, limit: limit) }
        // A regular file is read into one array of its size plus one byte (to notice growth);
        // pipes, devices and grown files continue chunk by chunk up to the limit.
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: regular ? size + 1 : 0) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            failure = readFully(descriptor, into: base, count: buffer.count, done: &initialized)
        }
        if failure == 0 && (!regular || bytes.count > size) {
            failure = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1 << 16) { chunk in
                while bytes.count <= limit {
                    var got = 0
                    let code = readFully(descriptor, into: chunk.baseAddress!, count: chunk.count, done: &got)
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[..<got]))
                    if code != 0 { return code }
                    if got < chunk.count { return 0 }
                }
                return 0
            }
        }
        if failure != 0 { throw FileIOError.unreadable(path: path, reason: String(cString: strerror(failure))) }
        guard bytes.count <= limit else { throw FileIOError.tooLarge(path: path, size: bytes.count, limit: limit) }
        return bytes
    }

    /// Reads until `count` bytes, the end of the file or an error (its errno, else 0).
    private static func readFully(_ descriptor: Int32, into base: UnsafeMutablePointer<UInt8>, count: Int,
                                  done: inout Int) -> Int32 {
        while done < count {
            let n = systemRead(descriptor, base + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { break }
            done += n
        }
        return 0
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
