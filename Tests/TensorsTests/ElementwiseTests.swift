// Elementwise +, −, × (tensor–tensor and tensor–scalar) and their in-place forms against
// PyTorch (Fixtures/ops/elementwise, made by Fixtures/Generators/ops.py). One IEEE operation
// per element, so the comparison is exact. 210 elements: not a multiple of the vector width.
import XCTest
import Tensors
import TestSupport

final class ElementwiseTests: XCTestCase {
    private let a = seededTensor(301, [2, 3, 5, 7], scale: 3)
    private let b = seededTensor(302, [2, 3, 5, 7], scale: 3)

    private func golden(_ name: String) throws -> Tensor {
        try Fixtures.tensor("ops/elementwise/\(name).npy")
    }

    func testOperatorsMatchPyTorchExactly() throws {
        assertGolden(a + b, try golden("add"), atol: 0, rtol: 0, "add")
        assertGolden(a - b, try golden("sub"), atol: 0, rtol: 0, "sub")
        assertGolden(a * b, try golden("mul"), atol: 0, rtol: 0, "mul")
        assertGolden(a + 0.37, try golden("add_scalar"), atol: 0, rtol: 0, "add_scalar")
        assertGolden(0.37 + a, try golden("add_scalar"), atol: 0, rtol: 0, "scalar_add")
        assertGolden(a - 0.37, try golden("sub_scalar"), atol: 0, rtol: 0, "sub_scalar")
        assertGolden(1 - a, try golden("rsub_scalar"), atol: 0, rtol: 0, "rsub_scalar")
        assertGolden(a * -1.75, try golden("mul_scalar"), atol: 0, rtol: 0, "mul_scalar")
        assertGolden(-1.75 * a, try golden("mul_scalar"), atol: 0, rtol: 0, "scalar_mul")
        assertGolden(-a, try golden("neg"), atol: 0, rtol: 0, "neg")
    }

    func testInPlaceFormsMatchPyTorchExactly() throws {
        var x = a; x += b
        assertClose(x, try golden("add"), atol: 0, rtol: 0, "+=")
        x = a; x -= b
        assertClose(x, try golden("sub"), atol: 0, rtol: 0, "-=")
        x = a; x *= b
        assertClose(x, try golden("mul"), atol: 0, rtol: 0, "*=")
        x = a; x += 0.37
        assertClose(x, try golden("add_scalar"), atol: 0, rtol: 0, "+= scalar")
        x = a; x -= 0.37
        assertClose(x, try golden("sub_scalar"), atol: 0, rtol: 0, "-= scalar")
        x = a; x *= -1.75
        assertClose(x, try golden("mul_scalar"), atol: 0, rtol: 0, "*= scalar")
    }

    func testInPlaceDoesNotTouchCopies() {
        let original = a
        var copy = a
        copy += b
        XCTAssertEqual(original, a, "value semantics: the source of a copy is unchanged")
        XCTAssertNotEqual(copy, a)
    }

    func testEmptyTensors() {
        let empty = Tensor(shape: [0, 3])
        XCTAssertEqual(empty + empty, empty)
        XCTAssertEqual(empty * 2, empty)
    }
}
