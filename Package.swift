// swift-tools-version: 6.1
// mplug-eval: evaluation and benchmarking of the mPLUG vision-language model in Swift.
import PackageDescription

let package = Package(
    name: "mplug-eval",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mplug-eval", targets: ["mplug-eval"]),
        .executable(name: "mplug-bench", targets: ["mplug-bench"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "MPLUGModel", targets: ["MPLUGModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1",
                 traits: ["MallocInterposer"]),
    ],
    targets: [
        // MARK: System libraries (Debian: libopenblas-dev, libpng-dev, libjpeg-dev)
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG"),

        // MARK: Tensor math: float32 tensors, sgemm through OpenBLAS, vectorized element-wise kernels
        // MARK: Seeded random numbers shared by weights, test inputs and bootstrap resampling
        .target(name: "SeededRandom"),
        // Python 3 `str` semantics on code points (strip, split, lower, isspace) shared by the metrics and the tokenizer.
        .target(name: "PythonText"),

        .target(name: "TensorMath", dependencies: ["COpenBLAS", "CBF16GEMM", "CSkinnyGEMM", "CVectorMath", "SeededRandom"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"])]),

        // bf16 GEMM (AVX512-BF16 `vdpbf16ps` with a portable fallback; Debian's OpenBLAS lacks sbgemm).
        .target(name: "CBF16GEMM", path: "Sources/CBF16GEMM"),
        // Few-row fp32 GEMM streaming the weights once (decoding steps; AVX2+FMA with a portable fallback).
        .target(name: "CSkinnyGEMM", path: "Sources/CSkinnyGEMM"),

        // AVX-512F softmax / QuickGELU / exp rows, chosen at run time (the Swift kernels are the fallback).
        .target(name: "CVectorMath", path: "Sources/CVectorMath"),

        // MARK: Data and images: safetensors, .pth (restricted pickle), .npy, PNG/JPEG, PIL-exact resize
        .target(name: "DataIO", dependencies: ["CPNG", "CJPEG"]),

        // MARK: The mPLUG model: config, WordPiece, CLIP ViT, BERT, fusion, decoder, heads, generation
        .target(name: "MPLUGModel", dependencies: ["TensorMath", "DataIO", "PythonText"]),

        // MARK: Metrics (pure: strings and numbers in, statistics and scores out; no file access)
        .target(name: "Metrics", dependencies: ["SeededRandom", "PythonText"]),
        // Loaders for metric resources (METEOR tables, WordNet) from disk.
        .target(name: "MetricResources", dependencies: ["Metrics"]),

        // MARK: Evaluation tasks: coco, nocaps, vqa, retrieval runners (file I/O lives here)
        .target(name: "EvalTasks", dependencies: ["Metrics", "MetricResources", "DataIO", "MPLUGModel"]),

        // MARK: Reports: suite documents, the regression gate, Markdown and JUnit output
        .target(name: "Reports", dependencies: ["Metrics"]),

        // MARK: Command-line tools (thin: parse arguments, call libraries)
        // Shared by both executables: usage errors exit 2 with one line, like every other bad input.
        .target(name: "CommandLineSupport", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "mplug-eval", dependencies: [
            "EvalTasks", "Reports", "MPLUGModel", "Metrics", "MetricResources", "TensorMath", "BenchSuite", "CommandLineSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Throughput suite: FLOP counts, timing harness, reports (`mplug-bench`)
        .target(name: "BenchSuite", dependencies: ["TensorMath", "MPLUGModel", "DataIO", "COpenBLAS"]),
        .executableTarget(name: "mplug-bench", dependencies: [
            "BenchSuite", "CommandLineSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests (mirror the modules; fixtures in Tests/Fixtures, see its README)
        .target(name: "TestSupport", path: "Sources/TestSupport"),
        .testTarget(name: "PythonTextTests", dependencies: ["PythonText"]),
        .testTarget(name: "TensorMathTests", dependencies: ["TensorMath", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "MetricResources", "TestSupport"]),
        .testTarget(name: "MetricResourcesTests", dependencies: ["MetricResources", "Metrics"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "TestSupport"]),
        .testTarget(name: "DataIOTests", dependencies: ["DataIO", "TestSupport"]),
        .testTarget(name: "MPLUGModelTests", dependencies: ["MPLUGModel", "DataIO", "TestSupport"]),
        .testTarget(name: "EvalTasksTests", dependencies: ["EvalTasks", "Metrics", "MetricResources", "MPLUGModel", "DataIO", "TestSupport"]),
        .testTarget(name: "BenchSuiteTests", dependencies: ["BenchSuite", "TestSupport"]),
        // Runs the built `mplug-eval` / `mplug-bench` binaries: exit codes and messages on bad input.
        .testTarget(name: "CLITests", dependencies: ["mplug-eval", "mplug-bench", "MPLUGModel", "TestSupport"]),

        // MARK: Micro-benchmarks (package-benchmark): `swift package benchmark`
        .executableTarget(name: "KernelBenchmarks", dependencies: [
            "TensorMath",
            .product(name: "Benchmark", package: "package-benchmark"),
        ], path: "Benchmarks/KernelBenchmarks",
           plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]),
    ],
    swiftLanguageModes: [.v5]
)
