// Micro-benchmarks of the tensor kernels. Run: `swift package benchmark` (release build).
// Speed is measured here and in `mplug-bench`, never in unit tests.
import Benchmark
import COpenBLAS
import TensorMath

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident],
                                           maxDuration: .seconds(2))
    print("OpenBLAS core: \(String(cString: openblas_get_corename()))")

    // sgemm at the ViT-B/16 MLP shape (577 tokens x 768 -> 3072).
    Benchmark("cblas_sgemm 577x768x3072") { benchmark in
        let m = 577, k = 768, n = 3072
        let a = [Float](repeating: 0.5, count: m * k)
        let b = [Float](repeating: 0.25, count: k * n)
        var c = [Float](repeating: 0, count: m * n)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                        1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
        }
        blackHole(c)
    }
}
