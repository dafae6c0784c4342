// The VOC folder reader on Fixtures/voc_mini against the reference's rules
// (Fixtures/Generators/voc_mini.py): image-level labels from every <name> (difficult objects and
// parts included) equal make_cls_labels.py's, ground-truth instances equal chainercv's
// image_wise_to_instance_wise; list files and labels files with comments, blank lines, CRLF and
// bad lines; the annotation scanner's errors.
import XCTest
import Foundation
import Codecs
import Evaluation
import Pipeline
import TestSupport

final class VOCDatasetTests: XCTestCase {
    let ids = ["2007_000032", "2008_000123", "street-scene.v2", "x"]

    func testLabelsAndInstancesEqualReference() throws {
        let expected = Dictionary(uniqueKeysWithValues: try NPZ.decode(Fixtures.bytes("voc_mini/expected.npz")).map { ($0.name, $0.array) })
        let dataset = try VOCDataset(root: Fixtures.url("voc_mini").path)
        XCTAssertEqual(try dataset.ids(list: "val"), ids)
        for (k, id) in ids.enumerated() {
            let labels = expected["labels_\(k)"]!.floats()
            XCTAssertEqual(try dataset.imageLabels(id), labels.indices.filter { labels[$0] == 1 }, id)
            let truth = try dataset.instances(id)
            let masks = expected["gt_masks_\(k)"]!
            XCTAssertEqual(truth.instances.labels, expected["gt_labels_\(k)"]!.int64s().map { Int($0) }, id)
            XCTAssertEqual(masks.shape, [truth.instances.masks.count, truth.height, truth.width])
            let reference = InstanceMasks(count: masks.shape[0], pixelCount: truth.height * truth.width, bytes: masks.uint8s())
            XCTAssertEqual(truth.instances.masks, reference, id)
        }
        // The annotation: difficult flags, part names, size, file name.
        let annotation = try VOCAnnotation.read(dataset.annotationPath("2007_000032"))
        XCTAssertEqual(annotation.objects.map(\.name), ["dog", "person", "dog"])
        XCTAssertEqual(annotation.objects.map(\.difficult), [false, false, true])
        XCTAssertEqual(annotation.names, ["dog", "person", "head", "dog"])
        XCTAssertEqual(annotation.width, 50)
        XCTAssertEqual(annotation.height, 40)
        XCTAssertEqual(annotation.fileName, "2007_000032.jpg")
    }

    func testListsAndLabelFiles() throws {
        let text = "\u{FEFF}# comment\r\n a_1 \r\n\r\nb.c\n\t#x\nweird-name(1)\n"
        XCTAssertEqual(try ImageIDList.parse(Array(text.utf8), path: "l.txt"), ["a_1", "b.c", "weird-name(1)"])
        XCTAssertThrowsError(try ImageIDList.parse(Array("a\nb c\n".utf8), path: "l.txt")) {
            XCTAssertEqual($0 as? DatasetError, .badListLine(path: "l.txt", line: 2, text: "b c", reason: "expected one image id per line, found several words"))
        }
        XCTAssertThrowsError(try ImageIDList.parse(Array("../etc/passwd\n".utf8), path: "l.txt")) {
            XCTAssertEqual($0 as? DatasetError, .badListLine(path: "l.txt", line: 1, text: "../etc/passwd", reason: "an image id is a file stem, without folders"))
        }
        let labels = try LabeledImageList.parse(Array("# id classes\nimg1 dog person\nimg2.png 0 19 dog\nimg3\n".utf8), path: "labels.txt")
        XCTAssertEqual(labels.entries, [.init(id: "img1", classes: [11, 14]), .init(id: "img2.png", classes: [0, 11, 19]), .init(id: "img3", classes: [])])
        XCTAssertThrowsError(try LabeledImageList.parse(Array("img1 dog unicorn\n".utf8), path: "labels.txt")) {
            XCTAssertEqual($0 as? DatasetError, .unknownClass(path: "labels.txt", line: 1, name: "unicorn"))
        }
        XCTAssertThrowsError(try LabeledImageList.parse(Array("img1 20\n".utf8), path: "labels.txt"))
        let names = LabeledImageList.classNames("crack, rust,dent")!
        XCTAssertEqual(names, ["crack", "rust", "dent"])
        XCTAssertNil(LabeledImageList.classNames("a,,b"))
        XCTAssertNil(LabeledImageList.classNames("a,A"))
        let custom = try LabeledImageList.parse(Array("p1 rust 0\n".utf8), path: "l", classNames: names)
        XCTAssertEqual(custom.entries[0].classes, [0, 1])
        // An image folder finds files with or without their extension.
        let folder = try ImageFolder(root: Fixtures.url("voc_mini/JPEGImages").path)
        XCTAssertTrue(try folder.imagePath("street-scene.v2").hasSuffix("JPEGImages/street-scene.v2.jpg"))
        XCTAssertTrue(try folder.imagePath("x.jpg").hasSuffix("JPEGImages/x.jpg"))
        XCTAssertThrowsError(try folder.imagePath("y"))
        XCTAssertThrowsError(try VOCDataset(root: "/nonexistent")) {
            XCTAssertEqual($0 as? DatasetError, .missingRoot(path: "/nonexistent"))
        }
    }

    func testAnnotationScannerErrors() {
        let cases: [(String, String)] = [
            ("<annotation><object><name>dog</name></annotation>", "XML at byte 49: </annotation> closes <object>"),
            ("<annotation><name>dog</name>", "XML at byte 28: <annotation> is never closed"),
            ("<annotation><!-- open", "XML at byte 12: unterminated comment"),
            ("<annotation><name>a &bogus; b</name></annotation>", "XML at byte 29: unknown entity '&bogus;'"),
            ("<annotation><name", "XML at byte 12: unterminated tag"),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try VOCAnnotation.parse(Array(text.utf8), path: "a.xml"), text) {
                XCTAssertEqual($0 as? DatasetError, .badFile(path: "a.xml", reason: reason), text)
            }
        }
        let deep = String(repeating: "<a>", count: 100)
        XCTAssertThrowsError(try VOCAnnotation.parse(Array(deep.utf8), path: "a.xml"))
        let entities = try? VOCAnnotation.parse(Array("<a><object><name> d&#111;g&amp; </name><difficult>1</difficult></object><![CDATA[<name>]]></a>".utf8), path: "a.xml")
        XCTAssertEqual(entities?.objects, [.init(name: "dog&", difficult: true)])
    }

    func testInstancesOnBackgroundAreRefused() {
        let classMap = LabelMap(width: 3, height: 1, values: [0, 5, 255])
        let onBackground = LabelMap(width: 3, height: 1, values: [1, 1, 0])
        XCTAssertThrowsError(try VOCDataset.instances(classMap: classMap, objectMap: onBackground, path: "o.png")) {
            XCTAssertEqual($0 as? DatasetError, .badFile(path: "o.png", reason: "instance 1 lies on background pixels of the class map"))
        }
        let fine = LabelMap(width: 3, height: 1, values: [0, 7, 255])
        let truth = try? VOCDataset.instances(classMap: classMap, objectMap: fine, path: "o.png")
        XCTAssertEqual(truth?.labels, [4])
    }
}
