// swift-tools-version:6.0
// IRN in Swift: weakly supervised segmentation label synthesis (IRNet, PAMR) in pure Swift.
// No package dependencies, no system libraries, no C targets: `swift build` needs only the
// toolchain. Release builds compile for the host CPU unless IRN_PORTABLE=1 is set (README).
import PackageDescription
import class Foundation.ProcessInfo

let portable = ProcessInfo.processInfo.environment["IRN_PORTABLE"] == "1"

/// Settings shared by every target: host-CPU code generation for release builds (AVX2/FMA or
/// AVX-512 where present), unless a portable build is asked for.
let speed: [SwiftSetting] = portable
    ? [.define("IRN_PORTABLE")]
    : [.unsafeFlags(["-Xcc", "-march=native"], .when(configuration: .release))]

func library(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, swiftSettings: speed)
}

func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies + ["TestSupport"], swiftSettings: speed)
}

let package = Package(
    name: "IRNSwift",
    products: [
        .executable(name: "irn", targets: ["irn"]),
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "Codecs", targets: ["Codecs"]),
        .library(name: "Checkpoints", targets: ["Checkpoints"]),
        .library(name: "Networks", targets: ["Networks"]),
        .library(name: "Propagation", targets: ["Propagation"]),
        .library(name: "Instances", targets: ["Instances"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Training", targets: ["Training"]),
    ],
    targets: [
        library("Tensors"),
        library("Codecs"),
        library("Evaluation"),
        library("Checkpoints", ["Tensors", "Codecs"]),
        library("Networks", ["Tensors"]),
        library("Instances", ["Tensors"]),
        library("Propagation", ["Tensors"]),
        library("Training", ["Tensors", "Networks"]),
        library("Pipeline", ["Tensors", "Codecs", "Checkpoints", "Networks", "Instances", "Propagation", "Evaluation"]),
        .target(name: "TestSupport", dependencies: ["Tensors", "Codecs"], swiftSettings: speed),
        .executableTarget(name: "irn",
                          dependencies: ["Tensors", "Codecs", "Checkpoints", "Networks", "Evaluation", "Instances",
                                         "Propagation", "Pipeline", "Training"],
                          swiftSettings: speed),
        tests("TensorsTests", ["Tensors"]),
        tests("CodecsTests", ["Codecs"]),
        tests("CheckpointsTests", ["Checkpoints"]),
        tests("NetworksTests", ["Networks"]),
        tests("InstancesTests", ["Instances"]),
        tests("EvaluationTests", ["Evaluation"]),
        tests("PropagationTests", ["Propagation"]),
        tests("TrainingTests", ["Training", "Networks"]),
        tests("PipelineTests", ["Pipeline", "Evaluation", "Checkpoints", "Networks"]),
        tests("irnTests", ["irn", "Pipeline", "Evaluation", "Checkpoints", "Networks", "Training"]),
    ],
    swiftLanguageModes: [.v5]
)
