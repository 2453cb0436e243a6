import COpenBLAS
import Foundation

/// Measures OpenBLAS `cblas_sgemm` throughput on a given shape in this process: the "sgemm peak"
/// each part's achieved GFLOP/s is compared with (same library, threads and core type as the run).
public enum SGEMMPeak {
    /// GFLOP/s of C[m×n] = A[m×k]·Bᵀ (B stored [n, k] like a Linear weight), the median of timed
    /// runs after one warm-up; runs at least `minimumRepetitions` times and about `budgetSeconds`.
    public static func measure(_ shape: GEMMShape, minimumRepetitions: Int = 3, budgetSeconds: Double = 0.3) -> Double {
        let m = shape.m, n = shape.n, k = shape.k
        guard m > 0, n > 0, k > 0 else { return 0 }
        // Deterministic, non-constant inputs (values in [-0.5, 0.5)).
        let a = (0..<(m * k)).map { Float(($0 &* 2_654_435_761) % 1000) / 1000 - 0.5 }
        let b = (0..<(n * k)).map { Float(($0 &* 40_503) % 997) / 997 - 0.5 }
        var c = [Float](repeating: 0, count: m * n)
        func run() {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k),
                        b, Int32(k), 0, &c, Int32(n))
        }
        run()
        var samples: [Double] = []
        let start = Stopwatch.now()
        while samples.count < minimumRepetitions || (Stopwatch.now() - start < budgetSeconds && samples.count < 1000) {
            let t0 = Stopwatch.now()
            run()
            samples.append(Stopwatch.now() - t0)
        }
        let median = LatencySummary(samples: samples).median
        return median > 0 ? 2 * Double(m) * Double(n) * Double(k) / median / 1e9 : 0
    }
}
