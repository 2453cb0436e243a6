import Foundation
import DataIO
import TensorMath

/// Recomputes every golden output of an mPLUG golden config directory (`config.json`,
/// `inputs.safetensors`, `outputs_f64.safetensors`, `golden_meta.json`; MANIFEST.md) with the Swift
/// model and compares.
///
/// Tolerance per tensor: `max(floor, 10 × f32_vs_f64_max_abs_diff[name])`, floor 1e-4 for logits,
/// losses, NLLs, similarities, scores and probabilities, 1e-5 for hidden states and normalised
/// features; integer tensors (generated ids, ranked ids) and the resized image must be exact.
/// Golden names this run does not compute are reported as not checked, which fails the run.
public enum ModelConformance {
    public enum Status: String, Sendable { case ok, fail = "FAIL", notChecked = "NOT CHECKED" }

    /// One compared tensor (or generation result) of the golden set.
    public struct Row: Sendable {
        public var name: String
        /// Max |computed − golden| over the tensor (nil when not checked; exact rows have tolerance 0).
        public var maxAbsError: Double?
        public var tolerance: Double
        public var status: Status
        public var note: String = ""
    }

    /// All rows of one golden config directory.
    public struct Report: Sendable {
        public var config: String
        /// One line about the weights that were loaded and the known-but-unused keys skipped.
        public var weightsSummary: String = ""
        public var rows: [Row]
        public var passed: Bool { rows.allSatisfy { $0.status == .ok } }

        /// `tensor | max abs err | tolerance | ok` lines.
        public var table: String {
            var lines = weightsSummary.isEmpty ? [] : [weightsSummary]
            lines.append("tensor | max abs err | tolerance | ok")
            for r in rows {
                let err = r.maxAbsError.map { String(format: "%.3e", $0) } ?? "-"
                lines.append("\(r.name) | \(err) | \(String(format: "%.1e", r.tolerance)) | \(r.status.rawValue)\(r.note.isEmpty ? "" : " (\(r.note))")")
            }
            let failed = rows.filter { $0.status != .ok }.count
            lines.append("\(config): \(rows.count - failed)/\(rows.count) ok")
            return lines.joined(separator: "\n")
        }

        /// A JSON document (sorted keys).
        public func json() throws -> Data {
            let items: [[String: Any]] = rows.map { r in
                var d: [String: Any] = ["name": r.name, "tolerance": r.tolerance, "status": r.status.rawValue]
                if let e = r.maxAbsError { d["max_abs_error"] = e }
                if !r.note.isEmpty { d["note"] = r.note }
                return d
            }
            return try JSONSerialization.data(withJSONObject: ["config": config, "passed": passed, "tensors": items],
                                              options: [.prettyPrinted, .sortedKeys])
        }
    }

    /// Options of one run.
    public struct Options: Sendable {
        /// The weights file (`.safetensors` or `.pth`); nil = `weights.safetensors` in the directory.
        public var weightsFile: URL?
        /// Generation with the K/V cache (default) or the official recomputation.
        public var useKVCache = true
        public init() {}
    }

    /// Loads the config, weights (`options.weightsFile` or `weights.safetensors`; `.pth` also read),
    /// inputs and goldens of `directory`, recomputes everything and compares.
    public static func run(directory: URL, options: Options = Options()) throws -> Report {
        func file(_ name: String) -> URL { directory.appendingPathComponent(name) }
        let config = try MPLUGConfig.load(goldenConfig: file("config.json"))
        let weightsURL = options.weightsFile ?? file("weights.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw ModelError.invalidInput("\(weightsURL.path): weights file not found (pass --weights-file)")
        }
        let stateDict = try StateDict.load(weightsURL)
        let inputs = try SafeTensors.read(file("inputs.safetensors"))
        let golden = try SafeTensors.read(file("outputs_f64.safetensors"))
        guard let meta = (try? JSONSerialization.jsonObject(with: Data(contentsOf: file("golden_meta.json")))) as? [String: Any] else {
            throw ModelError.invalidInput("\(file("golden_meta.json").path): missing or not a JSON object")
        }
        let model = try MPLUGModel(config: config, stateDict: stateDict, parts: .all)
        var (computed, generations) = try computeOutputs(model: model, inputs: inputs, meta: meta, useKVCache: options.useKVCache)

        var rows: [Row] = []
        let budgets = meta["f32_vs_f64_max_abs_diff"] as? [String: [String: Double]] ?? [:]
        for name in golden.keys.sorted() {
            let expected = golden[name]!
            guard let actual = computed.removeValue(forKey: name) else {
                rows.append(Row(name: name, maxAbsError: nil, tolerance: 0, status: .notChecked))
                continue
            }
            let exact = !(expected.dtype == .float32 || expected.dtype == .float64)
            let tolerance = exact ? 0 : max(floorTolerance(name), 10 * (budgets[name]?["max_abs"] ?? 0))
            rows.append(compare(name, actual, expected, tolerance: tolerance))
        }
        rows += generationRows(generations, meta: meta)
        rows += try preprocessingRows(directory: directory, inputs: inputs)
        return Report(config: directory.lastPathComponent, weightsSummary: model.skippedKeysSummary, rows: rows)
    }

    /// 1e-4 for logits, losses, NLLs, similarities, scores and probabilities; 1e-5 otherwise.
    static func floorTolerance(_ name: String) -> Double {
        ["logits", "loss", "nll", "sim", "score", "probs"].contains { name.contains($0) } ? 1e-4 : 1e-5
    }

    private static func compare(_ name: String, _ actual: Tensor, _ expected: RawTensor, tolerance: Double) -> Row {
        let reference = expected.doubles()
        guard actual.count == reference.count, actual.shape == expected.shape || expected.shape.isEmpty && actual.count == 1 else {
            return Row(name: name, maxAbsError: .infinity, tolerance: tolerance, status: .fail,
                       note: "shape \(actual.shape) vs golden \(expected.shape)")
        }
        var worst = 0.0
        for i in reference.indices {
            let d = abs(Double(actual.storage[i]) - reference[i])
            worst = d.isNaN ? .infinity : max(worst, d)
        }
        return Row(name: name, maxAbsError: worst, tolerance: tolerance, status: worst <= tolerance ? .ok : .fail)
    }

    // MARK: - Recomputing the golden outputs

    private static func ints(_ t: RawTensor?) -> [Int] { (t?.int64s() ?? []).map { Int($0) } }
    private static func matrix(_ t: RawTensor?) -> [[Int]] {
        guard let t, t.shape.count == 2 else { return [] }
        let flat = ints(t), cols = t.shape[1]
        return (0..<t.shape[0]).map { Array(flat[($0 * cols)..<(($0 + 1) * cols)]) }
    }
    private static func input(_ inputs: [String: RawTensor], _ name: String) throws -> RawTensor {
        guard let t = inputs[name] else { throw ModelError.invalidInput("inputs.safetensors: missing tensor '\(name)'") }
        return t
    }

    /// Every golden tensor this port computes, by golden name, and the hypotheses of each generation task.
    static func computeOutputs(model: MPLUGModel, inputs: [String: RawTensor], meta: [String: Any],
                               useKVCache: Bool) throws -> ([String: Tensor], [String: [[Hypothesis]]]) {
        let trace = Trace()
        var out: [String: Tensor] = [:]
        let imageRaw = try input(inputs, "image")
        let imageEmbeds = try model.encodeImages(Tensor(shape: imageRaw.shape, storage: imageRaw.floats()), trace: trace)

        // Text encoder, fusion (matched / mismatched pairs), ITC, ITM.
        let captionIds = matrix(try input(inputs, "caption_enc_ids")), captionMask = matrix(try input(inputs, "caption_enc_mask"))
        let textEmbeds = try model.encodeText(ids: captionIds, mask: captionMask, trace: trace)
        out["text_embeds"] = textEmbeds
        let positiveImages = imageEmbeds.gathering(ints(try input(inputs, "pos_img_idx")))
        let fused = try model.fuse(text: textEmbeds, textMask: captionMask, image: positiveImages, trace: trace)
        out["fusion_image_out"] = fused.image
        out["fusion_text_out"] = fused.text
        let negative = try model.fuse(text: textEmbeds, textMask: captionMask, image: imageEmbeds.gathering(ints(try input(inputs, "neg_img_idx"))))
        out["fusion_text_out_neg"] = negative.text
        out["itm_logits_pos"] = try model.itmLogits(fusedText: fused.text)
        out["itm_logits_neg"] = try model.itmLogits(fusedText: negative.text)
        let imageFeatures = try model.imageFeatures(imageEmbeds), textFeatures = try model.textFeatures(textEmbeds)
        out["itc_image_feat"] = imageFeatures
        out["itc_text_feat"] = textFeatures
        let similarity = matmulTransposed(imageFeatures, textFeatures)
        out["itc_sim"] = similarity
        if let temperature = model.temperature {
            var i2t = similarity; i2t.scale(by: 1 / temperature)
            var t2i = matmulTransposed(textFeatures, imageFeatures); t2i.scale(by: 1 / temperature)
            out["itc_sim_i2t_over_temp"] = i2t
            out["itc_sim_t2i_over_temp"] = t2i
        }
        let retrieval = try model.retrievalScores(imageEmbeds: imageEmbeds, textEmbeds: textEmbeds, textMask: captionMask,
                                                  k: meta["k_test"] as? Int ?? 256)
        let (i2t, t2i) = (retrieval.i2t, retrieval.t2i)
        out["retrieval_score_i2t"] = i2t
        out["retrieval_score_t2i"] = t2i

        // MLM on the fusion text stream of masked captions.
        let mlmIds = matrix(try input(inputs, "mlm_ids"))
        let mlmText = try model.encodeText(ids: mlmIds, mask: captionMask)
        out["mlm_text_embeds"] = mlmText
        let mlmFused = try model.fuse(text: mlmText, textMask: captionMask, image: positiveImages).text
        out["mlm_fusion_text_out"] = mlmFused
        let mlmLogits = try model.mlmLogits(fusedText: mlmFused)
        out["mlm_logits"] = mlmLogits
        let positions = matrix(try input(inputs, "mlm_positions"))
        let vocab = mlmLogits.lastDimension, length = mlmLogits.shape[1]
        out["mlm_logits_at_masked"] = mlmLogits.reshaped([mlmLogits.rowCount, vocab])
            .gathering(positions.enumerated().flatMap { b, ps in ps.map { b * length + $0 } })
            .reshaped([positions.count, positions.first?.count ?? 0, vocab])
        out["mlm_loss"] = scalar(maskedLanguageModelLoss(logits: mlmLogits, labels: matrix(try input(inputs, "mlm_labels"))))

        // Caption decoder, teacher forced over image-only memory.
        let decIds = matrix(try input(inputs, "caption_dec_ids")), decMask = matrix(try input(inputs, "caption_dec_mask"))
        let imageMemory = DecoderMemory(states: imageEmbeds)
        let captionLogits = try model.decoderLogits(ids: decIds, mask: decMask, memory: imageMemory,
                                                    memoryRow: ints(try input(inputs, "cap_img_idx")), trace: trace, tracePrefix: "capdec")
        out["caption_logits"] = captionLogits
        let nll = tokenNegativeLogLikelihoods(logits: captionLogits, ids: decIds, mask: decMask).nll
        out["caption_token_nll"] = Tensor(shape: [nll.count, nll.first?.count ?? 0], storage: nll.flatMap { $0.map(Float.init) })
        out["caption_loss"] = scalar(captionLoss(logits: captionLogits, ids: decIds, mask: decMask))

        // VQA: fused memory, teacher-forced answers, rank_answer.
        let questionIds = matrix(try input(inputs, "question_ids")), questionMask = matrix(try input(inputs, "question_mask"))
        let vqaImages = imageEmbeds.gathering(ints(try input(inputs, "vqa_img_idx")))
        let vqaTrace = Trace()
        let vqaMemory = try model.vqaMemory(questionIds: questionIds, questionMask: questionMask, imageEmbeds: vqaImages, trace: vqaTrace)
        out["vqa_question_text_embeds"] = vqaTrace.tensors["vqa_question_layer\(model.config.textEncoderLayers - 1)"]
        out["vqa_fused_states"] = vqaMemory.states
        out["vqa_fused_atts"] = Tensor(shape: vqaMemory.bias.shape, storage: vqaMemory.bias.storage.map { $0 == 0 ? 1 : 0 })
        let answerIds = matrix(try input(inputs, "answer_ids")), answerMask = matrix(try input(inputs, "answer_mask"))
        let answerLogits = try model.decoderLogits(ids: answerIds, mask: answerMask, memory: vqaMemory)
        out["vqa_answer_logits"] = answerLogits
        let answerNLL = answerLossPerSample(logits: answerLogits, ids: answerIds, mask: answerMask)
        out["vqa_answer_loss_per_sample"] = Tensor(shape: [answerNLL.count], storage: answerNLL.map(Float.init))
        out["vqa_train_loss"] = scalar(answerNLL.reduce(0, +) / Double(answerNLL.count))
        let ranked = try model.rankAnswers(memory: vqaMemory, answerIds: matrix(try input(inputs, "answer_list_ids")),
                                           answerMask: matrix(try input(inputs, "answer_list_mask")), k: meta["rank_answer_k"] as? Int ?? 3)
        out["rank_topk_ids"] = Tensor(shape: [ranked.count, ranked.first?.count ?? 0], storage: ranked.flatMap { $0.map { Float($0.index) } })
        out["rank_topk_probs"] = Tensor(shape: [ranked.count, ranked.first?.count ?? 0], storage: ranked.flatMap { $0.map(\.probability) })

        // Generation outputs as tensors (ids padded with −1).
        let settings = try generationSettings(meta)
        var generations: [String: [[Hypothesis]]] = [:]
        for (task, s) in settings {
            let memory = task.hasPrefix("vqa") ? vqaMemory : imageMemory
            let hyps = try model.generate(memory: memory, settings: s, useKVCache: useKVCache)
            generations[task] = hyps
            let width = s.maxLength + 1, count = hyps.map(\.count).max() ?? 0
            var ids = Tensor(shape: [hyps.count, count, width], repeating: -1)
            var scores = Tensor(shape: [hyps.count, count])
            for (e, list) in hyps.enumerated() { for (j, h) in list.enumerated() {
                for (t, id) in h.ids.enumerated() { ids.storage[(e * count + j) * width + t] = Float(id) }
                scores.storage[e * count + j] = h.score
            } }
            out["gen_\(task)_ids"] = ids
            out["gen_\(task)_scores"] = scores
        }
        if let s = settings["caption_greedy"], let greedy = generations["caption_greedy"] {
            let padded = greedy.map { ($0.first?.ids ?? []) + Array(repeating: 0, count: s.maxLength + 1 - ($0.first?.ids.count ?? 0)) }
            out["gen_caption_greedy_tf_logits"] = try model.decoderLogits(ids: padded,
                                                                          memory: imageMemory)
        }
        for (name, tensor) in trace.tensors where out[name] == nil { out[name] = tensor }
        return (out, generations)
    }

    private static func scalar(_ value: Double) -> Tensor { Tensor(shape: [], storage: [Float(value)]) }

    static func generationSettings(_ meta: [String: Any]) throws -> [String: GenerationSettings] {
        guard let all = meta["generation_settings"] as? [String: Any] else { throw ModelError.invalidInput("golden_meta.json: missing generation_settings") }
        var result: [String: GenerationSettings] = [:]
        for (task, value) in all {
            guard let d = value as? [String: Any], let beam = d["beam_size"] as? Int, let minLength = d["min_length"] as? Int,
                  let maxLength = d["max_length"] as? Int else { continue }
            var s = GenerationSettings(beamSize: beam, minLength: minLength, maxLength: maxLength, outSize: d["out_size"] as? Int ?? 1)
            if let alpha = d["length_penalty_alpha"] as? Double { s.alpha = Float(alpha) }
            if let start = all["start_token"] as? Int { s.startToken = start }
            if let end = all["end_token"] as? Int { s.endToken = end }
            result[task] = s
        }
        return result
    }

    /// One row per generation task of `golden_meta.json → generation_f64`: ids and order exact, scores within 1e-4.
    private static func generationRows(_ generations: [String: [[Hypothesis]]], meta: [String: Any]) -> [Row] {
        guard let expected = meta["generation_f64"] as? [String: [[[String: Any]]]] else {
            return [Row(name: "golden_meta.generation_f64", maxAbsError: nil, tolerance: 0, status: .notChecked)]
        }
        return expected.keys.sorted().map { task in
            let name = "golden_meta.generation_f64.\(task)"
            guard let actual = generations[task] else { return Row(name: name, maxAbsError: nil, tolerance: 1e-4, status: .notChecked) }
            let reference = expected[task]!
            var worst = 0.0, idsEqual = actual.count == reference.count
            for (a, r) in zip(actual, reference) {
                idsEqual = idsEqual && a.count == r.count
                for (h, g) in zip(a, r) {
                    idsEqual = idsEqual && h.ids == (g["ids"] as? [Int] ?? [])
                    worst = max(worst, abs(Double(h.score) - (g["score"] as? Double ?? .nan)))
                }
            }
            let ok = idsEqual && worst <= 1e-4
            return Row(name: name, maxAbsError: worst, tolerance: 1e-4, status: ok ? .ok : .fail, note: idsEqual ? "ids exact" : "ids differ")
        }
    }

    /// `image_resized_u8` (Pillow bicubic resize of `image<i>.png`, bit-exact) and `image` (the full
    /// CLIP preprocessing, float32, tolerance 1e-6) recomputed from the PNGs next to the goldens.
    private static func preprocessingRows(directory: URL, inputs: [String: RawTensor]) throws -> [Row] {
        let resizedGolden = try input(inputs, "image_resized_u8"), imageGolden = try input(inputs, "image")
        guard resizedGolden.shape.count == 4 else { throw ModelError.invalidInput("image_resized_u8 has shape \(resizedGolden.shape)") }
        let count = resizedGolden.shape[0], size = resizedGolden.shape[1]
        var resized: [Float] = [], normalized: [Float] = []
        for i in 0..<count {
            let decoded = try ImageDecoder.decode(directory.appendingPathComponent("image\(i).png"))
            let image = BicubicResize.resize(decoded, width: size, height: size)
            resized += image.pixels.map(Float.init)
            normalized += ImagePreprocessing.normalize(image)
        }
        return [compare("image_resized_u8", Tensor(shape: resizedGolden.shape, storage: resized), resizedGolden, tolerance: 0),
                compare("image", Tensor(shape: imageGolden.shape, storage: normalized), imageGolden, tolerance: 1e-6)]
    }
}
