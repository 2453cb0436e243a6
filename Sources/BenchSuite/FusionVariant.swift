/// Which fusion layers use connected attention (self-attention over [image; text] + skip-add into
/// the image stream) and which use asymmetric co-attention (text self-attention, text→image
/// cross-attention; the image stream untouched). See ARCHITECTURE.md §4.6.
public enum FusionVariant: Sendable, Hashable, Codable {
    /// The official rule: layer j is connected iff j ≠ 0 and j % stride == 0.
    case skipConnected(stride: Int)
    /// Every fusion layer connected (full self-attention over the long visual sequence).
    case connectedOnly
    /// Every fusion layer co-attention (the image stream passes through unchanged).
    case coAttentionOnly

    /// `true` for each connected layer j = 0 ..< layerCount.
    public func connectedLayers(count layerCount: Int) -> [Bool] {
        (0..<layerCount).map { j in
            switch self {
            case let .skipConnected(stride): return j != 0 && stride > 0 && j % stride == 0
            case .connectedOnly: return true
            case .coAttentionOnly: return false
            }
        }
    }

    /// Report name: "skip-connected", "connected-only", "co-attention-only".
    public var name: String {
        switch self {
        case .skipConnected: return "skip-connected"
        case .connectedOnly: return "connected-only"
        case .coAttentionOnly: return "co-attention-only"
        }
    }

    /// The stride for `skipConnected`, nil otherwise.
    public var stride: Int? {
        if case let .skipConnected(stride) = self { return stride }
        return nil
    }
}
