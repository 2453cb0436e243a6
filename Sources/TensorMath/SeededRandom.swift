@_exported import SeededRandom

extension SeededGenerator {
    /// A tensor of `shape` with entries `mean + std · N(0, 1)`.
    public mutating func normalTensor(_ shape: [Int], std: Float, mean: Float = 0) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        var i = 0
        while i < n {
            let (a, b) = normalPair()
            values[i] = mean + std * a
            if i + 1 < n { values[i + 1] = mean + std * b }
            i += 2
        }
        return Tensor(shape: shape, storage: values)
    }
}
