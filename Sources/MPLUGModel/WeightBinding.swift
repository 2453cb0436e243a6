import DataIO
import TensorMath

/// Takes tensors out of a state dict by name and expected shape, recording every missing key and
/// every shape mismatch so that all problems are reported at once (`ModelError.weightMismatch`).
final class WeightBinder {
    private let source: WeightSource
    private(set) var consumed = Set<String>()
    private(set) var missing: [String] = []
    private(set) var wrongShape: [String] = []

    init(_ source: WeightSource) { self.source = source }

    /// The float32 tensor `key` of `shape` (zeros if it is missing or mis-shaped; the error is recorded).
    func tensor(_ key: String, _ shape: [Int]) -> Tensor {
        guard let stored = source.shape(of: key) else {
            missing.append(key)
            return Tensor(shape: shape)
        }
        consumed.insert(key)
        guard stored == shape || (stored.isEmpty && shape == [1]) else {
            wrongShape.append("\(key) \(stored) (expected \(shape))")
            return Tensor(shape: shape)
        }
        return Tensor(shape: shape, storage: source.values(of: key))
    }

    /// `prefix.weight [out, in]` and `prefix.bias [out]`.
    func linear(_ prefix: String, out: Int, in inWidth: Int, bias: Bool = true) -> Linear {
        Linear(weight: tensor("\(prefix).weight", [out, inWidth]), bias: bias ? tensor("\(prefix).bias", [out]) : nil)
    }

    /// `prefix.weight [width]` and `prefix.bias [width]`.
    func layerNorm(_ prefix: String, width: Int, eps: Float) -> LayerNorm {
        LayerNorm(gamma: tensor("\(prefix).weight", [width]), beta: tensor("\(prefix).bias", [width]), eps: eps)
    }

    /// Several `[out_i, in]` linears stacked along the output dimension into one (a fused projection).
    func fusedLinear(_ prefixes: [String], out: Int, in inWidth: Int) -> Linear {
        let parts = prefixes.map { linear($0, out: out, in: inWidth) }
        return Linear(weight: Tensor(shape: [out * parts.count, inWidth], storage: parts.flatMap { $0.weight.storage }),
                      bias: Tensor(shape: [out * parts.count], storage: parts.flatMap { $0.bias!.storage }))
    }

    /// Names in the dict that nobody consumed.
    var unconsumed: [String] { source.keys.filter { !consumed.contains($0) }.sorted() }
}

/// Where bound weights come from: a loaded state dict or a seeded random initialisation.
protocol WeightSource {
    var keys: [String] { get }
    func shape(of key: String) -> [Int]?
    func values(of key: String) -> [Float]
}

struct StateDictSource: WeightSource {
    let stateDict: [String: RawTensor]
    var keys: [String] { Array(stateDict.keys) }
    func shape(of key: String) -> [Int]? { stateDict[key]?.shape }
    func values(of key: String) -> [Float] { stateDict[key]?.floats() ?? [] }
}
