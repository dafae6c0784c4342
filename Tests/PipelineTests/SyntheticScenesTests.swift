// Tests of the synthetic scenes (SyntheticScenes, SyntheticShape, SyntheticDataset): the same
// seed gives the same bytes and other seeds other scenes; the ground truth is consistent (the
// instance masks partition the class map, voids agree, labels are the instances' classes);
// shape coverage matches the analytic areas; the written dataset reads back through VOCDataset,
// LabeledImageList and the PNG decoder as exactly the generated scenes.
import XCTest
import Foundation
import Codecs
@testable import Pipeline

final class SyntheticScenesTests: XCTestCase {
    func testSameSeedSameBytesOtherSeedsDiffer() {
        let a = SyntheticScenes(size: 64, seed: 7), b = SyntheticScenes(size: 64, seed: 7)
        for index in [0, 1, 5] {
            XCTAssertEqual(a.scene(index), b.scene(index), "scene \(index) of seed 7 differs between runs")
        }
        // Order-free: scene 5 alone equals scene 5 after others.
        XCTAssertEqual(SyntheticScenes(size: 64, seed: 7).scene(5), a.scene(5))
        let other = SyntheticScenes(size: 64, seed: 8)
        XCTAssertNotEqual(a.scene(0).image.pixels, other.scene(0).image.pixels)
        XCTAssertNotEqual(a.scene(0).image.pixels, a.scene(1).image.pixels)
        XCTAssertEqual(a.scene(3).id, "syn7_00003")
    }

    func testInstanceMasksPartitionTheClassMap() {
        let scenes = SyntheticScenes(size: 96, seed: 3)
        var touching = 0, instances = 0, classCounts = Set<Int>()
        for index in 0 ..< 12 {
            let scene = scenes.scene(index)
            XCTAssertEqual(scene.image.channels, 3)
            XCTAssertEqual(scene.classMap.count, 96 * 96)
            XCTAssertFalse(scene.instanceClasses.isEmpty, "scene \(index) has no object")
            var pixels = [Int](repeating: 0, count: scene.instanceClasses.count)
            for p in scene.classMap.indices {
                let c = scene.classMap[p], o = scene.objectMap[p]
                XCTAssertEqual(c == 255, o == 255, "scene \(index) pixel \(p): void in one map only")
                XCTAssertEqual(c == 0, o == 0, "scene \(index) pixel \(p): background in one map only")
                if c != 0 && c != 255 {
                    XCTAssertTrue((1 ... scene.instanceClasses.count).contains(Int(o)))
                    XCTAssertEqual(Int(c) - 1, scene.instanceClasses[Int(o) - 1], "scene \(index) pixel \(p)")
                    pixels[Int(o) - 1] += 1
                }
            }
            XCTAssertTrue(pixels.allSatisfy { $0 >= 96 * 96 / 250 }, "scene \(index): an instance is (nearly) hidden: \(pixels)")
            XCTAssertEqual(scene.labels, Array(Set(scene.instanceClasses)).sorted())
            // The void border is thin: under a third of the labelled pixels.
            let void = scene.classMap.filter { $0 == 255 }.count
            XCTAssertLessThan(void, pixels.reduce(0, +) / 3 + 1)
            let truth = try? DemoScores.groundTruth(scene)
            XCTAssertEqual(truth?.labels, scene.instanceClasses)
            touching += DemoScores.touchingCount(scene)
            instances += scene.instanceClasses.count
            classCounts.formUnion(scene.instanceClasses)
        }
        XCTAssertGreaterThan(touching, 0, "no touching instances in 12 scenes")
        XCTAssertGreaterThan(instances, 12, "one instance per scene only")
        XCTAssertEqual(classCounts.count, SyntheticScenes.classNames.count, "a class never occurs in 12 scenes")
    }

    func testCoverageMatchesAnalyticAreas() {
        let r: Float = 20
        let star = 10 * 0.5 * (r * 1.45) * (r * 0.62) * Float(sin(Double.pi / 5))
        let triangleSide = r * 1.55 * Float(3.0).squareRoot()
        let expected: [SyntheticShapeKind: Float] = [
            .disc: .pi * r * r,
            .square: 2 * (r * 1.25) * (r * 1.25),
            .triangle: Float(3.0).squareRoot() / 4 * triangleSide * triangleSide,
            .ring: .pi * (r * r - (r * 0.44) * (r * 0.44)),
            .star: star,
            .bar: 4 * (r * 0.3 * 5) * (r * 0.3),
            .ellipse: .pi * (r * 0.5 * 2.5) * (r * 0.5),
        ]
        for (kind, area) in expected {
            let radius: Float = kind == .bar ? r * 0.3 : kind == .ellipse ? r * 0.5 : r
            let aspect: Float = kind == .bar ? 5 : kind == .ellipse ? 2.5 : 1
            let shape = SyntheticShape(kind: kind, centerX: 50.3, centerY: 49.7, radius: radius, angle: 0.37, aspect: aspect)
            var covered: Float = 0
            for y in 0 ..< 100 { for x in 0 ..< 100 { covered += shape.coverage(Float(x) + 0.5, Float(y) + 0.5) } }
            XCTAssertEqual(covered, area, accuracy: area * 0.02, "\(kind): coverage \(covered), analytic area \(area)")
        }
    }

    func testPolygonDistanceMatchesDenseOutlineSamples() {
        for kind in [SyntheticShapeKind.square, .triangle, .star] {
            let shape = SyntheticShape(kind: kind, centerX: 20, centerY: 21, radius: 9, angle: 1.1)
            // Naive twin: distance to 4000 points along the outline.
            let vertices = SyntheticShape.outline(kind: kind, radius: 9, angle: 1.1).map { (x: $0.x + 20, y: $0.y + 21) }
            var samples: [(Float, Float)] = []
            for i in vertices.indices {
                let a = vertices[i], b = vertices[(i + 1) % vertices.count]
                for k in 0 ..< 400 {
                    let t = Float(k) / 400
                    samples.append((a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
                }
            }
            for y in stride(from: Float(3), to: 40, by: 2.7) {
                for x in stride(from: Float(2), to: 40, by: 3.1) {
                    let naive = samples.map { hypot($0.0 - x, $0.1 - y) }.min()!
                    XCTAssertEqual(abs(shape.signedDistance(x, y)), naive, accuracy: 0.05, "\(kind) at (\(x), \(y))")
                }
            }
            XCTAssertLessThan(shape.signedDistance(20, 21), 0, "\(kind): centre not inside")
            XCTAssertGreaterThan(shape.signedDistance(0, 0), 0, "\(kind): corner inside")
        }
    }

    func testWrittenDatasetReadsBackAsTheScenes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let scenes = SyntheticScenes(size: 48, seed: 11)
        let summary = try SyntheticDataset.write(scenes, count: 5, validationCount: 2, to: root)
        XCTAssertEqual(summary.trainIDs, (0 ..< 3).map { scenes.id($0) })
        XCTAssertEqual(summary.validationIDs, (3 ..< 5).map { scenes.id($0) })

        let dataset = try VOCDataset(root: root)
        XCTAssertEqual(try dataset.ids(list: "train"), summary.trainIDs)
        XCTAssertEqual(try dataset.ids(list: "val"), summary.validationIDs)
        let namesText = String(decoding: try FileIO.read(root + "/class_names.txt"), as: UTF8.self)
        let names = try XCTUnwrap(LabeledImageList.classNames(namesText.trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(names, SyntheticScenes.classNames)
        let labels = try LabeledImageList.read(root + "/labels.txt", classNames: names)
        let images = try ImageFolder(root: root + "/JPEGImages")
        for (index, entry) in labels.entries.enumerated() {
            let scene = scenes.scene(index)
            XCTAssertEqual(entry.id, scene.id)
            XCTAssertEqual(entry.classes, scene.labels)
            XCTAssertEqual(try ImageFiles.load(try images.imagePath(entry.id)), scene.image)
            XCTAssertEqual(try ImageFiles.load(dataset.imagePath(entry.id)), scene.image)
            XCTAssertEqual(try dataset.classMap(entry.id).values, scene.classMap)
            XCTAssertEqual(try LabelMapFile.read(dataset.objectMapPath(entry.id)).values, scene.objectMap)
            let truth = try dataset.instances(entry.id)
            XCTAssertEqual(truth.instances.labels, scene.instanceClasses)
        }
    }
}
