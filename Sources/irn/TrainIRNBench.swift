// `irn bench train-irn`: training speed of IRNet (one IRNetTrainer step: frozen backbone
// forward, heads forward and backward, the loss, the optimiser update) in images per second, on
// seeded weights and images with hand-made relation labels. Two cases, as Docs/Benchmarks.md
// reports them beside the reference on PyTorch CPU (Benchmarks/train_irn_reference.py): the
// real network on 512 crops, and the width-0.25 backbone on 128 crops (DESIGN §7).
import Foundation
import Networks
import Tensors
import Training

enum TrainIRNBench {
    /// (name, backbone width, crop side, batch).
    static let cases: [(String, Double, Int, Int)] = [
        ("train-irn step, full width", 1, 512, 2),
        ("train-irn step, width 0.25", 0.25, 128, 8),
    ]

    static func measure(repeats: Int) throws -> [BenchResult] {
        try cases.map { name, width, crop, batch in
            let configuration = ResNet50.Configuration(widthMultiplier: width)
            let backbone = SeededWeights.parameters(
                for: ResNet50.parameterLayout(prefix: "resnet50.", configuration: configuration), seed: 3)
            let heads = IRNetHeads.initialParameters(levelChannels: configuration.featureChannels, seed: 4)
            var trainer = try IRNetTrainer(backboneParameters: backbone, configuration: configuration,
                                           headParameters: heads, learningRate: 0.1, weightDecay: 1e-4,
                                           maxStep: 1000)
            var random = SeededRandom(seed: 9)
            let images = random.tensor(shape: [batch, 3, crop, crop], scale: 2)
            let side = trainer.strideFourSize(height: crop, width: crop)
            let labels = (0 ..< batch).map { k in benchLabels(height: side.height, width: side.width, shift: k) }
            let seconds = bestTime(repeats: repeats) { trainer.step(images: images, labelMaps: labels) }
            let rate = Double(batch) / seconds
            return BenchResult(name: name, shape: "\(batch)x3x\(crop)x\(crop) " + String(format: "%.2f img/s", rate),
                               milliseconds: seconds * 1e3, gflops: .nan,
                               parameters: [("batch", batch), ("crop", crop)])
        }
    }

    /// Background with two class rectangles and an unsure band, so every loss term has pairs.
    static func benchLabels(height: Int, width: Int, shift: Int) -> [UInt8] {
        var labels = [UInt8](repeating: 0, count: height * width)
        for y in 0 ..< height {
            for x in 0 ..< width {
                if y > height / 8 && y < height / 2 && x > width / 8 + shift && x < width / 2 {
                    labels[y * width + x] = 15
                } else if y > height / 2 + 2 && x > width / 2 {
                    labels[y * width + x] = 7
                } else if y >= height / 2 && y <= height / 2 + 2 {
                    labels[y * width + x] = 255
                }
            }
        }
        return labels
    }
}
