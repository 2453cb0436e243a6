import Foundation

/// The nocaps caption evaluation as the nocaps server and BLIP's `nocaps_caption_eval(domain=…)`
/// run it: each domain is evaluated as its own subset (its own PTB tokenizer batches, so its own
/// look-ahead context, and its own CIDEr-D document frequencies), then all images as `entire`.
///
/// Each subset goes through `CocoCaptionTask` unchanged. Tokenizing once and slicing would not be
/// the reference: the tokenizer looks ahead across caption boundaries, and a subset's batches put
/// different captions next to each other.
public struct NocapsTask: Sendable {
    public let captionTask: CocoCaptionTask

    public init(captionTask: CocoCaptionTask) {
        self.captionTask = captionTask
    }

    /// Scores the three domains (those with at least one evaluated image) and `entire`.
    public func evaluate(_ set: NocapsCaptionSet, timings: inout StageTimings,
                         progress: (String) -> Void = { _ in }) -> NocapsEvaluation {
        var parts: [NocapsEvaluation.Part] = []
        for domain in NocapsDomain.allCases {
            let subset = set.subset(domain)
            guard !subset.imageIDs.isEmpty else { continue }
            let evaluation = captionTask.evaluate(subset, timings: &timings) { progress("\(domain.rawValue): \($0)") }
            parts.append(.init(name: domain.rawValue, evaluation: evaluation))
        }
        let entire = captionTask.evaluate(set.captions, timings: &timings) { progress("entire: \($0)") }
        parts.append(.init(name: NocapsEvaluation.entire, evaluation: entire))
        return NocapsEvaluation(parts: parts)
    }
}

/// The per-domain results of a nocaps evaluation.
public struct NocapsEvaluation: Sendable {
    /// The name of the all-images part.
    public static let entire = "entire"

    public struct Part: Sendable {
        /// `in-domain`, `near-domain`, `out-domain` or `entire`.
        public var name: String
        public var evaluation: CocoCaptionEvaluation
    }

    /// Domains in `NocapsDomain` order (only those with images), then `entire`.
    public var parts: [Part]

    /// The part named `name`, if evaluated.
    public subscript(name: String) -> CocoCaptionEvaluation? {
        parts.first { $0.name == name }?.evaluation
    }
}
