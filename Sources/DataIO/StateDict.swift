import Foundation

/// Loads a model state dict from any supported checkpoint file.
public enum StateDict {
    /// Reads the tensors of the checkpoint at `url`, choosing the format by file extension:
    /// `.safetensors` → `SafeTensors.read`; `.pth`, `.pt`, `.bin`, `.ckpt` → `TorchCheckpoint.read`
    /// (which unwraps `{'model': ...}` / `{'module': ...}` / `{'state_dict': ...}`).
    /// Keys are returned exactly as stored (no prefix renaming).
    public static func load(_ url: URL) throws -> [String: RawTensor] {
        switch url.pathExtension.lowercased() {
        case "safetensors":
            return try SafeTensors.read(url)
        case "pth", "pt", "bin", "ckpt":
            return try TorchCheckpoint.read(url)
        default:
            throw DataIOError.unreadable(path: url.path, reason: "unknown checkpoint extension '.\(url.pathExtension)'; expected .pth, .pt, .bin, .ckpt or .safetensors")
        }
    }
}
