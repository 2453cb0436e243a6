import Foundation
import DataIO
import MPLUGModel
import TensorMath

/// Answering VQA questions with an mPLUG checkpoint as the official `vqa_mplug.py` evaluation:
/// the question text tokenised as is (`[CLS] tokens`, no `pre_question`), text encoder, fusion with
/// the image tokens, then beam search over `concat([image, question])` (beam 5, min 1, max 10) and
/// the official decoding of hypothesis 0. Optionally `rank_answer` over a candidate list instead.
public enum VQAGeneration {
    /// How an answer is produced.
    public enum Answering: Sendable {
        /// Beam search with these settings (the official eval: `GenerationSettings.vqa`).
        case generate(GenerationSettings, useKVCache: Bool)
        /// `rank_answer` over `candidates` (each tokenised as `answer + "[SEP]"`, padded to the
        /// longest): the best of the `k` candidates with the highest first-token probability
        /// (`k` is clamped to the number of candidates).
        case rank(candidates: [String], k: Int)
    }

    /// One result entry of the official `[{question_id, answer}]` results file.
    public struct Answer: Sendable, Equatable {
        public var questionID: Int64
        public var answer: String
    }

    /// Answers every question of `questions.json` (`{questions: [{image_id, question, question_id}]}`),
    /// in file order, with images found in `images` by id (see `ImageLookup`). Questions are run one
    /// at a time (results do not depend on batching); consecutive questions on one image share its
    /// ViT pass.
    /// - Throws: `TaskError.badInput` for a malformed questions file or a question whose image is
    ///   missing (checked for every question before the model runs).
    public static func answer(questions: URL, images: URL, model: MPLUGModel, tokenizer: WordPieceTokenizer,
                              answering: Answering = .generate(.vqa, useKVCache: true)) throws -> [Answer] {
        let lookup = try ImageLookup(directory: images)
        let items = try readQuestions(questions, lookup: lookup)
        var candidates: WordPieceTokenizer.Batch?
        if case let .rank(list, _) = answering {
            guard !list.isEmpty else { throw TaskError.badInput("the answer list is empty") }
            candidates = tokenizer.batch(list.map { $0 + "[SEP]" })
        }
        var image: (url: URL, embeds: Tensor)?
        return try items.map { item in
            if image?.url != item.image { image = (item.image, try model.imageEmbeddings(of: item.image)) }
            let question = tokenizer.batch([item.text])
            let memory = try model.vqaMemory(questionIds: question.ids, questionMask: question.attentionMask,
                                             imageEmbeds: image!.embeds)
            let answer: String
            switch answering {
            case let .generate(settings, useKVCache):
                let best = try model.generate(memory: memory, settings: settings, useKVCache: useKVCache)[0]
                answer = tokenizer.decode(best.first?.ids ?? [])
            case let .rank(list, k):
                let ranked = try model.rankAnswers(memory: memory, answerIds: candidates!.ids, answerMask: candidates!.attentionMask,
                                                   k: min(max(k, 1), list.count))
                answer = list[ranked[0][0].index]
            }
            return Answer(questionID: item.id, answer: answer)
        }
    }

    /// The official results document `[{"answer": ..., "question_id": ...}]` in question order.
    public static func resultsJSON(_ answers: [Answer]) -> JSONValue {
        .array(answers.map { .object(["question_id": .int($0.questionID), "answer": .string($0.answer)]) })
    }

    /// Reads a candidate answer list: a JSON array of strings (the official `answer_list.json`).
    public static func readAnswerList(_ url: URL) throws -> [String] {
        guard let items = try JSONValue.read(url).arrayValue else {
            throw TaskError.badInput("\(url.path): expected a JSON array of answer strings")
        }
        return try items.enumerated().map { index, item in
            guard let text = item.stringValue else {
                throw TaskError.badInput("\(url.path): answer \(index) is \(item.typeDescription), not a string")
            }
            return text
        }
    }

    struct Question {
        var id: Int64
        var text: String
        var image: URL
    }

    static func readQuestions(_ url: URL, lookup: ImageLookup) throws -> [Question] {
        guard let items = try JSONValue.read(url)["questions"]?.arrayValue else {
            throw TaskError.badInput("\(url.path): expected an object with a \"questions\" array")
        }
        return try items.enumerated().map { index, item in
            let id = try VQATask.questionID(item, label: "\(url.path): question \(index)")
            let label = "\(url.path): question \(id)"
            guard let text = item["question"]?.stringValue else { throw TaskError.badInput("\(label) needs a string \"question\"") }
            guard let imageID = ImageLookup.imageID(item["image_id"]) else {
                throw TaskError.badInput("\(label) needs an \"image_id\" (a number or a string)")
            }
            return Question(id: id, text: text, image: try lookup.file(for: imageID, context: label))
        }
    }
}
