import DataIO
import Foundation
import TensorMath

extension MPLUGConfig {
    /// What the official task scripts do to a checkpoint before `load_state_dict` (caption_mplug.py,
    /// vqa_mplug.py; ARCHITECTURE.md §3, §7):
    /// 1. `visual_encoder.visual.positional_embedding` is resized to this config's grid: CLS row kept,
    ///    the grid part bilinearly interpolated (`F.interpolate`, align_corners False) — an exact copy
    ///    when the sizes already agree (released fine-tuned checkpoints);
    /// 2. keys containing "fusion" or "bert" but not "decode" lose `fusion.` / `bert.`
    ///    (pre-trained checkpoints store `text_encoder.bert.*`, `fusion_encoder.fusion.*`).
    public func adaptingCheckpoint(_ stateDict: [String: RawTensor]) throws -> [String: RawTensor] {
        var adapted: [String: RawTensor] = [:]
        for (key, tensor) in stateDict {
            let renamed = (key.contains("fusion") || key.contains("bert")) && !key.contains("decode")
                ? key.replacingOccurrences(of: "fusion.", with: "").replacingOccurrences(of: "bert.", with: "")
                : key
            adapted[renamed] = tensor
        }
        let key = "visual_encoder.visual.positional_embedding"
        if let table = adapted[key], table.shape.count == 2, table.shape[0] != visualTokens {
            let resized = try resizedPositionalEmbedding(Tensor(shape: table.shape, storage: table.floats()), tokens: visualTokens)
            adapted[key] = RawTensor(dtype: .float32, shape: resized.shape, bytes: resized.storage.withUnsafeBytes { Data($0) })
        }
        return adapted
    }
}

/// CLS row + bilinear resize (align_corners False, PyTorch index rules) of the square grid rows of a
/// `[1 + g², W]` positional table to `[tokens, W]`.
func resizedPositionalEmbedding(_ table: Tensor, tokens: Int) throws -> Tensor {
    let width = table.shape[1], inGrid = Int(Double(table.shape[0] - 1).squareRoot()), outGrid = Int(Double(tokens - 1).squareRoot())
    guard inGrid * inGrid + 1 == table.shape[0], outGrid * outGrid + 1 == tokens else {
        throw ModelError.invalidInput("positional_embedding \(table.shape) cannot be resized to \(tokens) rows (grids must be square)")
    }
    /// Source index pairs and weights along one axis.
    func taps(_ o: Int) -> (Int, Int, Float) {
        let scale = Float(inGrid) / Float(outGrid)
        let source = max(scale * (Float(o) + 0.5) - 0.5, 0)
        let i0 = min(Int(source), inGrid - 1), i1 = min(i0 + 1, inGrid - 1)
        return (i0, i1, source - Float(i0))
    }
    var out = Tensor(shape: [tokens, width])
    for j in 0..<width { out.storage[j] = table.storage[j] }
    for y in 0..<outGrid {
        let (y0, y1, ly) = taps(y)
        for x in 0..<outGrid {
            let (x0, x1, lx) = taps(x)
            for j in 0..<width {
                func at(_ r: Int, _ c: Int) -> Float { table.storage[(1 + r * inGrid + c) * width + j] }
                out.storage[(1 + y * outGrid + x) * width + j] =
                    (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1))
            }
        }
    }
    return out
}
