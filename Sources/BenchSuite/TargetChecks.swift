import Foundation

/// The suite's performance targets (preset base, 2 cores, text length 16), evaluated on the rows.
/// They are reported, never asserted: speed belongs in benchmarks, not tests. Time ratios are
/// also given on CPU seconds, which a loaded (shared) machine distorts far less than wall time.
public enum TargetChecks {
    public static func evaluate(rows: [BenchRow], weightBytes: [String: Int]) -> [TargetCheck] {
        func row(_ part: BenchPart, _ precision: Precision, batch: Int, memory: MemorySetting = .none,
                 variant: String? = nil, stride: Int? = nil) -> BenchRow? {
            rows.first {
                $0.part == part && $0.precision == precision && $0.batch == batch && $0.memory == memory
                    && $0.variant == variant && $0.stride == stride && $0.medianSeconds != nil
            }
        }
        func check(_ name: String, _ value: Double?, atLeast threshold: Double, _ detail: String) -> TargetCheck {
            TargetCheck(name: name, value: value, threshold: threshold, met: value.map { $0 >= threshold }, detail: detail)
        }
        var checks: [TargetCheck] = []

        let visual32 = row(.visualEncoder, .fp32, batch: 1)
        checks.append(check("visual encoder fp32 batch 1: % of sgemm peak", visual32?.percentOfSgemmPeak, atLeast: 75,
                            "achieved GFLOP/s over sgemm GFLOP/s on \(visual32?.mainGemm ?? "its main shape")"))

        let visual16 = row(.visualEncoder, .bf16, batch: 1)
        checks.append(check("visual encoder batch 1: bf16 speed-up over fp32", ratio(visual32?.medianSeconds, visual16?.medianSeconds),
                            atLeast: 1.4, "median fp32 / median bf16" + cpuRatio(visual32, visual16)))

        let beamCached = row(.captionBeam5, .fp32, batch: 1, memory: .kvCache)
        let beamRecompute = row(.captionBeam5, .fp32, batch: 1, memory: .recompute)
        checks.append(check("caption beam 5 fp32 batch 1: KV-cache speed-up", ratio(beamRecompute?.medianSeconds, beamCached?.medianSeconds),
                            atLeast: 15, "median recompute / median KV cache, same generated tokens; FLOP ratio "
                                + (ratio(beamRecompute?.flops, beamCached?.flops).map { String(format: "%.2f", $0) } ?? "n/a")
                                + cpuRatio(beamRecompute, beamCached)))

        let connected = row(.textEncoderFusion, .fp32, batch: 8, variant: FusionVariant.connectedOnly.name)
        let stride3 = row(.textEncoderFusion, .fp32, batch: 8, variant: FusionVariant.skipConnected(stride: 3).name, stride: 3)
        var fusionValue: Double?
        var flopRatio: Double?
        if let connected, let stride3, let timeRatio = ratio(connected.medianSeconds, stride3.medianSeconds) {
            flopRatio = connected.flops / stride3.flops
            fusionValue = timeRatio / flopRatio!
        }
        checks.append(check("text enc+fusion fp32 batch 8: time ratio / FLOP ratio (connected-only vs stride 3)", fusionValue,
                            atLeast: 0.75, "FLOP ratio \(flopRatio.map { String(format: "%.2f", $0) } ?? "n/a")" + cpuRatio(connected, stride3)))

        let fp32RSS = rows.filter { $0.precision == .fp32 && $0.batch == 1 }.compactMap(\.peakRssBytes).max()
        let weights = weightBytes[Precision.fp32.rawValue]
        var rssRatio: Double?
        if let fp32RSS, let weights, weights > 0 { rssRatio = Double(fp32RSS) / Double(weights) }
        checks.append(TargetCheck(name: "peak RSS fp32 batch 1 / fp32 weight bytes", value: rssRatio, threshold: 1.25,
                                  met: rssRatio.map { $0 <= 1.25 }, detail: "largest peak RSS over the fp32 batch-1 settings (at most)"))
        return checks
    }

    /// "; CPU-time ratio x.xx": the same ratio on CPU seconds, robust to other load on the machine.
    static func cpuRatio(_ numerator: BenchRow?, _ denominator: BenchRow?) -> String {
        guard let value = ratio(numerator?.medianCpuSeconds, denominator?.medianCpuSeconds) else { return "" }
        return String(format: "; CPU-time ratio %.2f", value)
    }

    static func ratio(_ numerator: Double?, _ denominator: Double?) -> Double? {
        guard let numerator, let denominator, denominator > 0 else { return nil }
        return numerator / denominator
    }
}
