import MPLUGModel

/// A fusion schedule as the report names it: the official skip-connected rule at a stride,
/// connected-only, or co-attention-only (the model's `FusionSchedule`; ARCHITECTURE.md §4.6).
public struct FusionVariant: Sendable, Hashable, Codable {
    /// The official rule at `stride` (nil: every layer connected or every layer co-attention, per `connectedOnly`).
    public var stride: Int?
    var allConnected: Bool

    /// The official rule: layer j is connected iff j ≠ 0 and j % stride == 0.
    public static func skipConnected(stride: Int) -> FusionVariant { FusionVariant(stride: stride, allConnected: false) }
    /// Every fusion layer connected (full self-attention over the long visual sequence), layer 0 too.
    public static let connectedOnly = FusionVariant(stride: nil, allConnected: true)
    /// Every fusion layer co-attention (the image stream passes through unchanged).
    public static let coAttentionOnly = FusionVariant(stride: nil, allConnected: false)

    /// The model's schedule.
    public var schedule: FusionSchedule {
        if let stride { return .official(strideLayer: stride) }
        return allConnected ? .connectedOnly : .coAttentionOnly
    }

    /// `true` for each connected layer j = 0 ..< layerCount.
    public func connectedLayers(count layerCount: Int) -> [Bool] {
        (0..<layerCount).map { schedule.kind(ofLayer: $0) == .connected }
    }

    /// Report name: "skip-connected", "connected-only", "co-attention-only".
    public var name: String {
        stride != nil ? "skip-connected" : allConnected ? "connected-only" : "co-attention-only"
    }
}
