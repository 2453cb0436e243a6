@testable import TensorMath
import TestSupport
import XCTest

/// Checks the bf16 GEMM (both kernels) against a float64 reference on seeded random inputs.
///
/// Tolerance: relative error ≤ 1e-2, measured per element against the dot product's own scale
/// Σₖ|a_ik·b_kj| (the standard error bound of a dot product; plain |c_ij| would make tiny,
/// cancelling sums such as 1×1×2 arbitrarily ill-conditioned). bf16 rounding of both inputs bounds
/// it by about 2·2⁻⁹ ≈ 3.9e-3; fp32 accumulation adds far less.
final class BF16GEMMTests: XCTestCase {
    static func randomMatrix(_ count: Int, _ rng: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
    }

    /// Float64 reference C = A[M,K] × B (B given as K x N row-major) and the scale Σₖ|a_ik·b_kj|.
    static func reference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> (c: [Double], scale: [Double]) {
        var c = [Double](repeating: 0, count: m * n)
        var scale = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for p in 0..<k {
                let aip = Double(a[i * k + p])
                for j in 0..<n {
                    c[i * n + j] += aip * Double(b[p * n + j])
                    scale[i * n + j] += abs(aip * Double(b[p * n + j]))
                }
            }
        }
        return (c, scale)
    }

    /// max over elements of |actual − c| / Σₖ|a·b|.
    static func relativeError(_ actual: [Float], _ expected: (c: [Double], scale: [Double])) -> Double {
        var worst = 0.0
        for i in expected.c.indices {
            let d = abs(Double(actual[i]) - expected.c[i])
            worst = max(worst, expected.scale[i] == 0 ? d : d / expected.scale[i])
        }
        return worst
    }

    /// Shapes chosen to hit every tail: 1x1x1, odd K, M not a multiple of the 8-row tile,
    /// N not a multiple of the 32-column panel (and < 16), and a K larger than one cache block.
    /// Also: more rows than one 128-row cache block (130), K over two 192-pair blocks (401, 1001),
    /// and products large enough to be split across threads (≥ 2²⁰ multiply-adds), one with m = 1.
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 1, 2), (3, 5, 7), (9, 17, 33), (8, 32, 32), (17, 33, 15), (13, 47, 401),
        (31, 96, 64), (70, 129, 385), (130, 65, 129), (1, 1100, 1001),
    ]

    func kernelsToTest() -> [BF16Kernel] {
        BF16GEMM.cpuHasAVX512BF16 ? [.avx512bf16, .portable] : [.portable]
    }

    func testMatchesFloat64ReferenceOnOddShapesForEachKernel() throws {
        var rng = SeededGenerator(seed: 2024)
        for (m, n, k) in Self.shapes {
            let a = Self.randomMatrix(m * k, &rng)
            let b = Self.randomMatrix(k * n, &rng)
            let expected = Self.reference(a, b, m: m, n: n, k: k)
            let packed = try PackedBF16Matrix(b, inputCount: k, outputCount: n, layout: .inputsByOutputs)
            for kernel in kernelsToTest() {
                let c = try BF16GEMM.multiply(a, rows: m, by: packed, kernel: kernel)
                let error = Self.relativeError(c, expected)
                XCTAssertLessThanOrEqual(error, 1e-2, "\(kernel) \(m)x\(n)x\(k)")
                XCTAssertGreaterThan(error, 0, "bf16 rounding must show in \(m)x\(n)x\(k) (inputs are not bf16-exact)")
            }
        }
    }

    func testLinearWeightLayoutEqualsTransposedRowMajor() throws {
        var rng = SeededGenerator(seed: 7)
        let m = 5, n = 37, k = 19
        let a = Self.randomMatrix(m * k, &rng)
        let weight = Self.randomMatrix(n * k, &rng)           // [out, in]
        var b = [Float](repeating: 0, count: k * n)            // its transpose, [in, out]
        for j in 0..<n { for p in 0..<k { b[p * n + j] = weight[j * k + p] } }
        let fromLinear = try PackedBF16Matrix(weight, inputCount: k, outputCount: n, layout: .outputsByInputs)
        let fromRowMajor = try PackedBF16Matrix(b, inputCount: k, outputCount: n, layout: .inputsByOutputs)
        for kernel in kernelsToTest() {
            let c1 = try BF16GEMM.multiply(a, rows: m, by: fromLinear, kernel: kernel)
            let c2 = try BF16GEMM.multiply(a, rows: m, by: fromRowMajor, kernel: kernel)
            XCTAssertEqual(c1, c2, "\(kernel)")
            XCTAssertLessThanOrEqual(Self.relativeError(c1, Self.reference(a, b, m: m, n: n, k: k)), 1e-2)
        }
    }

    /// Both kernels see the same bf16 inputs and accumulate in fp32; only the summation order
    /// differs, so they agree to fp32 rounding (relative 1e-5 of the result scale).
    func testKernelsAgreeAndMultithreadingDoesNotChangeResults() throws {
        guard BF16GEMM.cpuHasAVX512BF16 else { throw XCTSkip("no AVX512-BF16 on this CPU") }
        var rng = SeededGenerator(seed: 99)
        let m = 67, n = 300, k = 129
        let a = Self.randomMatrix(m * k, &rng)
        let packed = try PackedBF16Matrix(Self.randomMatrix(k * n, &rng), inputCount: k, outputCount: n,
                                          layout: .inputsByOutputs)
        let fast = try BF16GEMM.multiply(a, rows: m, by: packed, kernel: .avx512bf16)
        let portable = try BF16GEMM.multiply(a, rows: m, by: packed, kernel: .portable)
        let scale = Double(fast.map { abs($0) }.max() ?? 1)
        for i in fast.indices { XCTAssertEqual(Double(fast[i]), Double(portable[i]), accuracy: 1e-5 * scale) }

        let saved = BF16GEMM.threadCount
        defer { BF16GEMM.threadCount = saved }
        BF16GEMM.threadCount = 1
        let single = try BF16GEMM.multiply(a, rows: m, by: packed, kernel: .avx512bf16)
        XCTAssertEqual(single, fast, "splitting column panels across threads must not change any value")
    }

    /// The AVX512 packers must give the plain-C packers' bits exactly, on every tail of the
    /// 16-pair vector steps and 32-column panels, in both B layouts, including NaN, ±∞, subnormals.
    func testVectorPackingGivesThePortableBits() throws {
        guard BF16GEMM.cpuHasAVX512BF16 else { throw XCTSkip("no AVX512-BF16 on this CPU") }
        var rng = SeededGenerator(seed: 11)
        let specials: [Float] = [.nan, -.nan, .infinity, -.infinity, 0x1p-140, -0x1p-130, .greatestFiniteMagnitude,
                                 1 + 0x1p-8, 1 + 3 * 0x1p-8, -0.0]
        func values(_ count: Int) -> [Float] {
            (0..<count).map { i in
                i % 7 == 3 ? specials[(i / 7) % specials.count] : Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
            }
        }
        for k in [1, 2, 3, 17, 31, 32, 33, 65] {
            for n in [1, 17, 32, 33, 65] {
                let source = values(k * n)
                for layout in [PackedBF16Matrix.SourceLayout.inputsByOutputs, .outputsByInputs] {
                    let vector = try PackedBF16Matrix(source, inputCount: k, outputCount: n, layout: layout, kernel: .avx512bf16)
                    let plain = try PackedBF16Matrix(source, inputCount: k, outputCount: n, layout: layout, kernel: .portable)
                    XCTAssertEqual(vector.packedBits, plain.packedBits, "B \(k)x\(n) \(layout)")
                }
                XCTAssertEqual(BF16GEMM.packedRows(source, rows: n, kernel: .avx512bf16),
                               BF16GEMM.packedRows(source, rows: n, kernel: .portable), "A \(n)x\(k)")
            }
        }
    }

    func testAccumulateAddsToExistingOutput() throws {
        var rng = SeededGenerator(seed: 3)
        let m = 4, n = 40, k = 9
        let a = Self.randomMatrix(m * k, &rng)
        let b = Self.randomMatrix(k * n, &rng)
        let packed = try PackedBF16Matrix(b, inputCount: k, outputCount: n, layout: .inputsByOutputs)
        let product = try BF16GEMM.multiply(a, rows: m, by: packed)
        var c = Self.randomMatrix(m * n, &rng)
        let before = c
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeMutableBufferPointer { cp in
                BF16GEMM.multiply(ap.baseAddress!, rows: m, lda: k, by: packed, into: cp.baseAddress!, ldc: n,
                                  accumulate: true)
            }
        }
        for i in c.indices { XCTAssertEqual(c[i], before[i] + product[i], accuracy: 1e-5) }
    }

    /// The bias is added once per output (not once per K block), on top of C when accumulating;
    /// K = 0 leaves just the bias. Same fp32 products, so only the addition order differs.
    func testBiasIsAddedOnceToEveryRow() throws {
        var rng = SeededGenerator(seed: 17)
        for (m, n, k) in [(9, 45, 401), (3, 33, 0), (130, 70, 129)] {
            let a = Self.randomMatrix(m * k, &rng), bias = Self.randomMatrix(n, &rng)
            let packed = try PackedBF16Matrix(Self.randomMatrix(k * n, &rng), inputCount: k, outputCount: n,
                                              layout: .inputsByOutputs)
            for kernel in kernelsToTest() {
                let product = try BF16GEMM.multiply(a, rows: m, by: packed, kernel: kernel)
                for accumulate in [false, true] {
                    let before = Self.randomMatrix(m * n, &rng)
                    var c = before
                    (k == 0 ? [0] : a).withUnsafeBufferPointer { ap in      // a valid pointer even for K = 0
                        c.withUnsafeMutableBufferPointer { cp in
                            bias.withUnsafeBufferPointer { bp in
                                BF16GEMM.multiply(ap.baseAddress!, rows: m, lda: max(k, 1), by: packed, into: cp.baseAddress!,
                                                  ldc: n, accumulate: accumulate, bias: bp.baseAddress, kernel: kernel)
                            }
                        }
                    }
                    for i in 0..<m {
                        for j in 0..<n {
                            let expected = product[i * n + j] + bias[j] + (accumulate ? before[i * n + j] : 0)
                            XCTAssertEqual(c[i * n + j], expected, accuracy: 1e-5 * max(1, abs(expected)),
                                           "\(kernel) \(m)x\(n)x\(k) accumulate \(accumulate) at \(i),\(j)")
                        }
                    }
                }
            }
        }
    }

    func testForcePortableFlagSelectsTheFallback() {
        defer { BF16GEMM.forcePortable(false) }
        BF16GEMM.forcePortable(true)
        XCTAssertEqual(BF16GEMM.activeKernel, .portable)
        BF16GEMM.forcePortable(false)
        XCTAssertEqual(BF16GEMM.activeKernel, BF16GEMM.cpuHasAVX512BF16 ? .avx512bf16 : .portable)
    }

    func testConversionRoundsToNearestEven() {
        // 1 + 2^-8 lies exactly halfway between bf16 1.0 and 1 + 2^-7: ties go to even (1.0).
        XCTAssertEqual(BF16GEMM.float(BF16GEMM.bf16(1 + 0x1p-8)), 1)
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up.
        XCTAssertEqual(BF16GEMM.float(BF16GEMM.bf16(1 + 3 * 0x1p-8)), 1 + 0x1p-6)
        // Just above the halfway point rounds up.
        XCTAssertEqual(BF16GEMM.float(BF16GEMM.bf16(1 + 0x1p-8 + 0x1p-20)), 1 + 0x1p-7)
        XCTAssertEqual(BF16GEMM.float(BF16GEMM.bf16(-2.5)), -2.5)
        XCTAssertEqual(BF16GEMM.float(BF16GEMM.bf16(.infinity)), .infinity)
        XCTAssertTrue(BF16GEMM.float(BF16GEMM.bf16(.nan)).isNaN)
        // The largest finite float rounds to infinity, as round-to-nearest-even requires.
        XCTAssertEqual(BF16GEMM.float(BF16GEMM.bf16(.greatestFiniteMagnitude)), .infinity)
    }
}

final class TensorMemoryTests: XCTestCase {
    func testLiveBytesFollowTensorLifetimesAndCopiesShareOneCount() {
        let before = TensorMemory.liveBytes
        TensorMemory.resetHighWater()
        do {
            let a = Tensor(shape: [10, 10])                 // 400 bytes
            let copy = a                                     // shares a's storage: not counted again
            let view = a.reshaped([100])                     // a view: not counted again
            XCTAssertEqual(TensorMemory.liveBytes - before, 400)
            do {
                let b = Tensor(shape: [25], repeating: 1)    // 100 bytes
                XCTAssertEqual(TensorMemory.liveBytes - before, 500)
                _ = b
            }
            XCTAssertEqual(TensorMemory.liveBytes - before, 400)
            _ = (copy, view)
        }
        XCTAssertEqual(TensorMemory.liveBytes, before)
        XCTAssertEqual(TensorMemory.highWaterBytes - before, 500)
    }
}
