// COCO RLE against pycocotools (Fixtures/Generators/coco_rle.py): the counts string, the run
// lengths, area and bounding box of each mask, decoding back to the mask, and the errors for
// damaged strings.
import XCTest
import Foundation
import Codecs
import Pipeline
import TestSupport

final class COCORLETests: XCTestCase {
    func testEncodingEqualsPycocotools() throws {
        let masks = try NPZ.decode(Fixtures.bytes("coco/rle_masks.npz"))
        let expected = try JSONSerialization.jsonObject(with: Data(Fixtures.bytes("coco/rle_expected.json"))) as! [[String: Any]]
        XCTAssertEqual(masks.count, expected.count)
        XCTAssertGreaterThan(expected.count, 10)
        for (k, case_) in expected.enumerated() {
            let array = masks.first { $0.name == "mask_\(k)" }!.array
            let height = case_["height"] as! Int, width = case_["width"] as! Int
            XCTAssertEqual(array.shape, [height, width])
            let rle = COCORLE(rowMajor: array.uint8s(), height: height, width: width)
            XCTAssertEqual(rle.counts, case_["runs"] as! [Int], "case \(k)")
            XCTAssertEqual(rle.countsString, case_["counts"] as! String, "case \(k)")
            XCTAssertEqual(rle.area, case_["area"] as! Int, "case \(k)")
            XCTAssertEqual(rle.boundingBox.map(Double.init), case_["bbox"] as! [Double], "case \(k)")
            let decoded = try COCORLE(countsString: case_["counts"] as! String, height: height, width: width)
            XCTAssertEqual(decoded, rle, "case \(k)")
            XCTAssertEqual(decoded.rowMajorMask(), array.uint8s(), "case \(k)")
        }
    }

    func testDamagedStrings() {
        // Runs covering more or fewer pixels than the mask.
        XCTAssertThrowsError(try COCORLE(countsString: "S1", height: 5, width: 8)) {
            XCTAssertEqual($0 as? COCORLEError, .wrongLength(runs: 35, pixels: 40))
        }
        XCTAssertThrowsError(try COCORLE(countsString: "S1", height: 5, width: 6)) {
            XCTAssertEqual($0 as? COCORLEError, .wrongLength(runs: 35, pixels: 30))
        }
        // A character outside '0'...'o', a number cut off, a negative first run, an endless number.
        XCTAssertThrowsError(try COCORLE(countsString: "0~", height: 4, width: 3)) {
            XCTAssertEqual($0 as? COCORLEError, .badString(offset: 1, reason: "character 126 is outside '0'...'o'"))
        }
        XCTAssertThrowsError(try COCORLE(countsString: "S", height: 5, width: 7)) { error in
            guard case .badString(offset: 1, _)? = error as? COCORLEError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try COCORLE(countsString: "O", height: 1, width: 1)) { error in
            guard case .badString(_, reason: "a negative run length")? = error as? COCORLEError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try COCORLE(countsString: String(repeating: "o", count: 100), height: 9, width: 9)) { error in
            guard case .badString(_, reason: "a number longer than 7 characters")? = error as? COCORLEError else { return XCTFail("\(error)") }
        }
    }
}
