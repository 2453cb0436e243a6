import CBF16GEMM
import Dispatch

/// The bf16 GEMM kernels of `CBF16GEMM`.
public enum BF16Kernel: String, Sendable, CaseIterable {
    /// `vdpbf16ps` (AVX512-BF16), chosen at run time when the CPU supports it.
    case avx512bf16
    /// Plain C: fp32 products of the bf16 values, fp32 accumulation. Runs everywhere.
    case portable

    var code: Int32 { self == .avx512bf16 ? Int32(CBF16_KERNEL_AVX512BF16) : Int32(CBF16_KERNEL_PORTABLE) }
}

/// A weight matrix B (K x N) stored as bf16 in the pair ("VNNI") layout the kernels read.
/// Pack once at weight-load time; multiplying never converts B again.
public struct PackedBF16Matrix: Sendable {
    /// How the fp32 source is laid out.
    public enum SourceLayout: Sendable {
        /// Row-major K x N: B[k][n] = source[k * n + n].
        case inputsByOutputs
        /// Row-major N x K, the PyTorch `nn.Linear` weight layout ([out, in]; y = x · Wᵀ).
        case outputsByInputs
    }

    /// K: the shared (input) dimension.
    public let inputCount: Int
    /// N: the output columns.
    public let outputCount: Int
    let storage: [UInt16]
    /// Counts the packed bytes in `TensorMemory` while the matrix is alive.
    private let lifetime: StorageLifetime

    /// Packs `source` (K·N fp32 values in `layout`), rounding each value to bf16 (nearest-even).
    /// `kernel` picks the packing code (vector or plain C; identical bits), default `activeKernel`.
    public init(_ source: [Float], inputCount: Int, outputCount: Int, layout: SourceLayout,
                kernel: BF16Kernel? = nil) throws {
        guard source.count == inputCount * outputCount, inputCount >= 0, outputCount >= 0 else {
            throw TensorMathError.shapeMismatch(operation: "PackedBF16Matrix",
                                                lhs: [source.count], rhs: [inputCount, outputCount])
        }
        self.inputCount = inputCount
        self.outputCount = outputCount
        let transposed: Int32 = layout == .outputsByInputs ? 1 : 0
        let leading = layout == .outputsByInputs ? inputCount : outputCount
        let count = cbf16_packed_b_count(Int32(inputCount), Int32(outputCount))
        storage = [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
            source.withUnsafeBufferPointer { src in
                cbf16_pack_b_with(src.baseAddress, Int32(inputCount), Int32(outputCount), Int32(max(leading, 1)),
                                  transposed, buffer.baseAddress, (kernel ?? BF16GEMM.activeKernel).code)
            }
            initialized = count
        }
        lifetime = StorageLifetime(bytes: count * MemoryLayout<UInt16>.size)
    }

    /// The packed bf16 values (panel layout of `cbf16gemm.h`), for tests.
    var packedBits: [UInt16] { storage }

    /// Bytes held by the packed matrix (including the zero padding of K and N).
    public var byteCount: Int { storage.count * MemoryLayout<UInt16>.size }
}

/// C = A × B with A fp32 (rounded to bf16 on the fly), B a `PackedBF16Matrix`, fp32 accumulation.
///
/// Accuracy: each product uses bf16 inputs (8 significant bits), so the relative error of a
/// dot product is about 2⁻⁸·√K-weighted; tests bound the Frobenius relative error by 1e-2.
public enum BF16GEMM {
    /// The kernel `multiply` uses by default: AVX512-BF16 when the CPU has it, unless forced off.
    public static var activeKernel: BF16Kernel {
        cbf16_active_kernel() == Int32(CBF16_KERNEL_AVX512BF16) ? .avx512bf16 : .portable
    }

    /// Whether this CPU supports AVX512-BF16 (regardless of `forcePortable`).
    public static var cpuHasAVX512BF16: Bool { cbf16_cpu_has_avx512bf16() != 0 }

    /// Forces the portable kernel process-wide (for comparisons); `false` restores detection.
    public static func forcePortable(_ on: Bool) { cbf16_force_portable(on ? 1 : 0) }

    /// Threads used for one multiplication (column panels are split between them).
    nonisolated(unsafe) public static var threadCount = 2

    /// Products below this many multiply-adds run on one thread (thread hand-off costs more).
    static let parallelThreshold = 1 << 20

    /// C[M, N] (row-major, leading dimension `ldc`) = A[M, K] (row-major, leading dimension `lda`) × B
    /// + bias, or C += A × B + bias when `accumulate`; `bias` (N values added to every row) is
    /// optional. `kernel` defaults to `activeKernel`.
    public static func multiply(_ a: UnsafePointer<Float>, rows m: Int, lda: Int, by b: PackedBF16Matrix,
                                into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
                                bias: UnsafePointer<Float>? = nil, kernel: BF16Kernel? = nil) {
        let k = b.inputCount, n = b.outputCount
        guard m > 0, n > 0 else { return }
        let kernelCode = (kernel ?? activeKernel).code
        let packedA = UnsafeMutablePointer<UInt32>.allocate(capacity: max(cbf16_packed_a_count(Int32(m), Int32(k)), 1))
        defer { packedA.deallocate() }
        let panels = Int(cbf16_panel_count(Int32(n)))
        let chunks = m * n * k >= parallelThreshold ? max(1, min(threadCount, panels)) : 1
        let cAddress = UInt(bitPattern: c), biasAddress = UInt(bitPattern: bias)
        let aAddress = UInt(bitPattern: packedA)
        // A is converted once, its rows split between the threads, before the panels are.
        let pairs = (k + 1) / 2, sourceAddress = UInt(bitPattern: a)
        let pack: (Int) -> Void = { chunk in
            let first = m * chunk / chunks, end = m * (chunk + 1) / chunks
            cbf16_pack_a_with(UnsafePointer<Float>(bitPattern: sourceAddress)! + first * lda, Int32(end - first), Int32(k),
                              Int32(lda), UnsafeMutablePointer<UInt32>(bitPattern: aAddress)! + first * pairs, kernelCode)
        }
        if chunks == 1 { pack(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: pack) }
        b.storage.withUnsafeBufferPointer { packedB in
            let bAddress = UInt(bitPattern: packedB.baseAddress)
            let run: (Int) -> Void = { chunk in
                let begin = panels * chunk / chunks, end = panels * (chunk + 1) / chunks
                cbf16_gemm_packed(Int32(m), Int32(n), Int32(k),
                                  UnsafePointer(bitPattern: aAddress), UnsafePointer(bitPattern: bAddress),
                                  UnsafePointer(bitPattern: biasAddress), UnsafeMutablePointer(bitPattern: cAddress), Int32(ldc), accumulate ? 1 : 0,
                                  Int32(begin), Int32(end), kernelCode)
            }
            if chunks == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: run) }
        }
    }

    /// A[M, K] (row-major) packed as the kernels read it: row i's pair p is
    /// bf16(A[i][2p]) | bf16(A[i][2p+1]) << 16. For tests of the packing code paths.
    static func packedRows(_ a: [Float], rows m: Int, kernel: BF16Kernel) -> [UInt32] {
        let k = m == 0 ? 0 : a.count / m
        let count = cbf16_packed_a_count(Int32(m), Int32(k))
        return [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            a.withUnsafeBufferPointer { cbf16_pack_a_with($0.baseAddress, Int32(m), Int32(k), Int32(k), buffer.baseAddress, kernel.code) }
            initialized = count
        }
    }

    /// Array convenience: returns A[M, K] × B as a row-major [M, N] array.
    public static func multiply(_ a: [Float], rows m: Int, by b: PackedBF16Matrix,
                                kernel: BF16Kernel? = nil) throws -> [Float] {
        guard a.count == m * b.inputCount else {
            throw TensorMathError.shapeMismatch(operation: "BF16GEMM.multiply", lhs: [a.count], rhs: [m, b.inputCount])
        }
        var c = [Float](repeating: 0, count: m * b.outputCount)
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeMutableBufferPointer { cp in
                guard let aBase = ap.baseAddress, let cBase = cp.baseAddress else { return }
                multiply(aBase, rows: m, lda: b.inputCount, by: b, into: cBase, ldc: b.outputCount, kernel: kernel)
            }
        }
        return c
    }

    /// fp32 → bf16 bits, round-to-nearest-even (NaN stays NaN).
    public static func bf16(_ value: Float) -> UInt16 { cbf16_from_float(value) }
    /// bf16 bits → fp32 (exact).
    public static func float(_ bits: UInt16) -> Float { cbf16_to_float(bits) }
}

/// `x · Wᵀ + b` through the bf16 GEMM: `x` `[..., in]` (rounded to bf16), `weight` packed from a
/// `[out, in]` Linear weight, optional fp32 `bias` `[out]`; fp32 result `[..., out]`.
public func linear(_ x: Tensor, packedWeight weight: PackedBF16Matrix, bias: Tensor?) -> Tensor {
    precondition(x.lastDimension == weight.inputCount, "linear: input \(x.shape) does not match packed weight [\(weight.outputCount), \(weight.inputCount)]")
    precondition(bias.map { $0.count == weight.outputCount } ?? true, "linear: bias \(bias?.shape ?? []) does not match \(weight.outputCount) outputs")
    // The kernel adds the bias as it stores C (no separate bias fill).
    return linearResult(x, outWidth: weight.outputCount, bias: nil) { a, c in
        (bias?.storage ?? []).withUnsafeBufferPointer { b in
            BF16GEMM.multiply(a, rows: x.rowCount, lda: weight.inputCount, by: weight, into: c, ldc: weight.outputCount,
                              bias: bias == nil ? nil : b.baseAddress)
        }
    }
}
