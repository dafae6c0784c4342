// Training benchmarks for `irn bench train-cam`: images per second of whole CAM training steps
// (forward, multilabel soft-margin loss, backward through stages 3-4 and the classifier, poly
// SGD update; Training/CAMTrainer.swift) with seeded weights — full width on 512×512 crops, and
// width 0.25 on 128×128 crops for small models. Benchmarks/train_reference.py times the
// reference's train step on the same shapes with PyTorch on the CPU (Docs/Benchmarks.md).
import Networks
import Tensors
import Training

enum TrainingBench {
    /// (label, width multiplier, crop side) of each case.
    static let cases: [(String, Double, Int)] = [("full width", 1, 512), ("width 0.25", 0.25, 128)]

    static func measure(batch: Int, repeats: Int) -> [BenchResult] {
        cases.map { label, width, crop in
            let configuration = ResNet50.Configuration(widthMultiplier: width)
            let weights = SeededWeights.parameters(for: CAMNetwork.parameterLayout(configuration: configuration), seed: 1)
            var trainer = CAMTrainer(stateDict: weights, configuration: configuration, maxStep: 1_000_000)
            var random = SeededRandom(seed: 3)
            let images = random.tensor(shape: [batch, 3, crop, crop], scale: 2)
            var labels = Tensor(shape: [batch, 20])
            for n in 0..<batch { labels.scalars[n * 20 + (n * 7) % 20] = 1 }
            var sink: Float = 0
            let seconds = bestTime(repeats: repeats) { sink += trainer.step(images: images, labels: labels).loss }
            precondition(sink.isFinite)
            let rate = Double(batch) / seconds
            return BenchResult(name: "train-cam step, \(label) (" + String(format: "%.2f", rate) + " img/s)",
                               shape: "\(batch)x3x\(crop)x\(crop)", milliseconds: seconds * 1e3, gflops: .nan,
                               parameters: [("batch", batch), ("crop", crop)])
        }
    }
}
