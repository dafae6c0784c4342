// Shared loading of the label fixtures (Fixtures/labels, made by Fixtures/Generators/labels.py
// from the reference's sem-seg / ins-seg steps): stage files and the reference's outputs.
import Foundation
import Codecs
import Instances
import Pipeline
import TestSupport

struct LabelScene {
    let name: String
    let cam: CAMFile
    let boundary: BoundaryFile

    init(_ name: String) throws {
        self.name = name
        cam = try CAMFile.decode(Fixtures.bytes("labels/cam/\(name).npz"), file: "cam/\(name).npz")
        boundary = try BoundaryFile.decode(Fixtures.bytes("labels/boundary/\(name).npz"), file: "boundary/\(name).npz")
    }

    static let names = ["touching", "smooth"]

    func referenceSemantic() throws -> [UInt8] { try Fixtures.array("labels/\(name)_sem_seg.npy").uint8s() }

    func referenceInstances() throws -> (scores: [Float], classes: [Int], masks: [UInt8], count: Int) {
        let scores = try Fixtures.array("labels/\(name)_ins_score.npy").floats()
        let classes = try Fixtures.array("labels/\(name)_ins_class.npy").int64s().map { Int($0) }
        let masks = try Fixtures.array("labels/\(name)_ins_mask.npy")
        return (scores, classes, masks.uint8s(), masks.shape[0])
    }
}
