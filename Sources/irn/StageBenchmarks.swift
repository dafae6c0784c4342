// Stage benchmarks for `irn bench walk|pamr|crf|decode`: milliseconds of the memory-bound stages
// (DESIGN §7) on the sizes the reference is usually run at — the random walk on a 94×125 map
// with 21 channels (a VOC image at stride 4), PAMR and the dense CRF on a 375×500 image with
// 21 classes — and decoding speed of image files. Inputs are a given photo or a seeded synthetic
// image; timing does not depend on the values. Benchmarks/compare_stages.py runs the reference
// implementations on the same sizes in the same session.
import Foundation
import Codecs
import Networks
import Pipeline
import Propagation
import Tensors

enum StageBench {
    static let subjects = ["walk", "pamr", "crf", "decode", "networks", "train-irn"]

    /// A 375×500 RGB image: the given file, or seeded smooth colour noise.
    static func benchImage(path: String?) throws -> Image {
        if let path { return try ImageFiles.load(path).rgb() }
        let width = 500, height = 375
        var random = SeededRandom(seed: 11)
        let coarse = (0..<(3 * 12 * 16)).map { _ in random.nextUnit() * 255 }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    let noise = random.nextUnit() * 24 - 12
                    let value = coarse[(c * 12 + y * 12 / height) * 16 + x * 16 / width] + noise
                    pixels[(y * width + x) * 3 + c] = UInt8(max(0, min(255, value)))
                }
            }
        }
        return Image(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// The process's peak resident memory so far, in MB (Linux; nil elsewhere).
    static func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first
            return kilobytes.map { $0 / 1024 }
        }
        return nil
    }

    static func measure(_ subject: String, imagePath: String?, files: [String], repeats: Int) throws -> [BenchResult] {
        switch subject {
        case "walk": return walk(repeats: repeats)
        case "pamr": return [try pamr(image: benchImage(path: imagePath), repeats: repeats)]
        case "crf": return [try crf(image: benchImage(path: imagePath), repeats: repeats)]
        case "networks": return try NetworkBench.measure(imagePath: imagePath, repeats: repeats)
        case "train-irn": return try TrainIRNBench.measure(repeats: min(repeats, 2))
        default: return try decode(files: files, repeats: repeats)
        }
    }

    /// Random walk, radius 5, β 10, 2^8 steps, 21 channels on 94×125: the whole walk
    /// (affinities, the weights of the stencil it takes, propagation), the affinities alone, and
    /// the whole walk with 1 and 3 channels (the planar stencil).
    static func walk(repeats: Int) -> [BenchResult] {
        let height = 94, width = 125, channels = 21
        var random = SeededRandom(seed: 5)
        let boundary = Tensor(shape: [height, width], scalars: (0..<(height * width)).map { _ in random.nextUnit() })
        let cams = Tensor(shape: [channels, height, width],
                          scalars: (0..<(channels * height * width)).map { _ in random.nextUnit() })
        var output = Tensor(shape: [0])
        let seconds = bestTime(repeats: repeats) {
            let walk = RandomWalk(boundary: boundary, radius: 5, beta: 10)
            output = walk.propagate(cams, expTimes: 8)
        }
        precondition(output.count == cams.count)
        let peak = peakResidentMegabytes().map { String(format: ", peak RSS %.0f MB", $0) } ?? ""
        var degree = 0
        let setupSeconds = bestTime(repeats: repeats) {
            degree = RandomWalk(boundary: boundary, radius: 5, beta: 10).chebyshevDegree(steps: 256) ?? 256
        }
        // Typical VOC images have 1-3 classes: the walk with few channels.
        let few = [1, 3].map { count -> BenchResult in
            let x = Tensor(shape: [count, height, width], scalars: Array(cams.scalars[0..<(count * height * width)]))
            let seconds = bestTime(repeats: repeats) {
                output = RandomWalk(boundary: boundary, radius: 5, beta: 10).propagate(x, expTimes: 8)
            }
            return BenchResult(name: "random walk, \(count) channel" + (count == 1 ? "" : "s"),
                               shape: "\(count)x94x125 r5 b10 2^8", milliseconds: seconds * 1e3, gflops: .nan,
                               parameters: [("channels", count), ("height", height), ("width", width)])
        }
        return [
            BenchResult(name: "random walk" + peak, shape: "21x94x125 r5 b10 2^8",
                        milliseconds: seconds * 1e3, gflops: .nan,
                        parameters: [("channels", channels), ("height", height), ("width", width),
                                     ("passes", degree)]),
            BenchResult(name: "random walk affinities only", shape: "94x125 r5 b10",
                        milliseconds: setupSeconds * 1e3, gflops: .nan,
                        parameters: [("height", height), ("width", width)]),
        ] + few
    }

    /// PAMR, 10 iterations, dilations 1,2,4,8,12,24, a 21-class stride-4 mask on the image.
    static func pamr(image: Image, repeats: Int) -> BenchResult {
        let classes = 21
        let input = MaskRefinement.imageTensor(image)
        let h = (image.height - 1) / 4 + 1, w = (image.width - 1) / 4 + 1
        var random = SeededRandom(seed: 6)
        let mask = Tensor(shape: [1, classes, h, w], scalars: (0..<(classes * h * w)).map { _ in random.nextUnit() })
        var output = Tensor(shape: [0])
        let seconds = bestTime(repeats: repeats) {
            output = PAMR().refine(image: input, mask: mask)
        }
        precondition(output.count == classes * image.height * image.width)
        return BenchResult(name: "PAMR", shape: "21x\(image.height)x\(image.width) 10 it",
                           milliseconds: seconds * 1e3, gflops: .nan,
                           parameters: [("classes", classes), ("height", image.height), ("width", image.width)])
    }

    /// Dense CRF with the relation-mining preset, unary from 21-class labels.
    static func crf(image: Image, repeats: Int) -> BenchResult {
        let classes = 21
        let labels = crfBenchLabels(image, classes: classes)
        var output: [Int] = []
        let seconds = bestTime(repeats: repeats) {
            output = DenseCRF.refine(labels: labels, labelCount: classes, rgb: image.pixels,
                                     width: image.width, height: image.height, parameters: .relationMining)
        }
        precondition(output.count == labels.count)
        return BenchResult(name: "dense CRF (irn preset)", shape: "21x\(image.height)x\(image.width) 10 it",
                           milliseconds: seconds * 1e3, gflops: .nan,
                           parameters: [("classes", classes), ("height", image.height), ("width", image.width)])
    }

    /// Labels from colour: (r + 3g + 7b) / 16 mod classes (Benchmarks/compare_stages.py uses the same rule).
    static func crfBenchLabels(_ image: Image, classes: Int) -> [Int] {
        (0..<(image.width * image.height)).map { p in
            let r = Int(image.pixels[3 * p]), g = Int(image.pixels[3 * p + 1]), b = Int(image.pixels[3 * p + 2])
            return ((r + 3 * g + 7 * b) / 16) % classes
        }
    }

    /// Decoding speed of each file: ms per decode, megapixels per second in the GFLOP/s column.
    static func decode(files: [String], repeats: Int) throws -> [BenchResult] {
        guard !files.isEmpty else {
            throw UsageError(message: "'irn bench decode' needs --files", hint: "for example: --files photo.jpg,labels.png")
        }
        return try files.map { path in
            let bytes = try FileIO.read(path)
            var image = try ImageFiles.decode(bytes, path: path)
            let seconds = bestTime(repeats: repeats) { image = (try? ImageFiles.decode(bytes, path: path)) ?? image }
            let megapixels = Double(image.width * image.height) / 1e6
            return BenchResult(name: "decode " + URL(fileURLWithPath: path).lastPathComponent,
                               shape: "\(image.width)x\(image.height)x\(image.channels) \(bytes.count / 1024) KB",
                               milliseconds: seconds * 1e3, gflops: megapixels / seconds * 1e-3,
                               parameters: [("bytes", bytes.count), ("width", image.width), ("height", image.height)])
        }
    }
}

/// Network forward passes for `irn bench networks`: the CAM network on one [image, mirror]
/// pair of 375×500 (and of the image resized to the other CAM scales), the multi-scale CAM of that image (4 scales), and IRNet's EdgeDisplacement
/// on the pair padded to 512×512 — full-width ResNet50 with seeded weights (speed does not
/// depend on the values). Benchmarks/networks_reference.py times the reference on the same.
enum NetworkBench {
    static func measure(imagePath: String?, repeats: Int) throws -> [BenchResult] {
        let image = try StageBench.benchImage(path: imagePath)
        let cam = try CAMNetwork(parameters: SeededWeights.parameters(for: CAMNetwork.parameterLayout(), seed: 1))
        let irn = try IRNetwork(parameters: SeededWeights.parameters(for: IRNetwork.parameterLayout(), seed: 2))
        let pair = preprocessForCAM(image, scale: 1)
        var sink = 0
        let size = "\(image.height)x\(image.width)"
        let camSeconds = bestTime(repeats: repeats) { sink &+= cam.classActivationMaps(pair).count }
        var scaleRows: [BenchResult] = []
        for scale in [0.5, 1.5, 2] {
            let scaled = preprocessForCAM(image, scale: scale)
            let seconds = bestTime(repeats: repeats) { sink &+= cam.classActivationMaps(scaled).count }
            scaleRows.append(BenchResult(name: "CAM forward at scale \(scale)",
                                         shape: "2x3x\(scaled.shape[2])x\(scaled.shape[3])",
                                         milliseconds: seconds * 1e3, gflops: .nan))
        }
        let multiScaleSeconds = bestTime(repeats: max(1, repeats / 2)) {
            sink &+= classActivationMaps(of: image, network: cam, keys: [0, 1]).cam.count
        }
        let edgeDisplacement = EdgeDisplacement(network: irn, cropSize: 512)
        let irnSeconds = bestTime(repeats: repeats) { sink &+= edgeDisplacement(pair).boundary.count }
        precondition(sink > 0)
        return [
            BenchResult(name: "CAM forward (image + mirror)", shape: "2x3x\(size)", milliseconds: camSeconds * 1e3, gflops: .nan),
        ] + scaleRows + [
            BenchResult(name: "multi-scale CAM (1,0.5,1.5,2)", shape: size, milliseconds: multiScaleSeconds * 1e3, gflops: .nan),
            BenchResult(name: "IRNet EdgeDisplacement", shape: "2x3x\(size) -> 512x512", milliseconds: irnSeconds * 1e3, gflops: .nan),
        ]
    }
}
