import TensorMath

/// Records named intermediate tensors of a forward pass (for conformance checks); nil = not kept.
public final class Trace {
    public private(set) var tensors: [String: Tensor] = [:]
    public init() {}
    public func record(_ name: String, _ tensor: Tensor) { tensors[name] = tensor }
}
