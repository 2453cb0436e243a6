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

    /// One question to answer: its id, its text as is, and its image file.
    public struct Question: Sendable, Equatable {
        public var id: Int64
        public var text: String
        public var image: URL
    }

    /// The questions of `questions.json` (`{questions: [{image_id, question, question_id}]}`) in file
    /// order, each with its image found in `images` by id (see `ImageLookup`).
    /// - Throws: `TaskError.badInput` for a malformed file or a question whose image is missing.
    public static func readQuestions(_ url: URL, images: URL) throws -> [Question] {
        let lookup = try ImageLookup(directory: images)
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

    /// Answers `questions` in order, one at a time (results do not depend on batching);
    /// consecutive questions on one image share its ViT pass.
    public static func answer(_ questions: [Question], model: MPLUGModel, tokenizer: WordPieceTokenizer,
                              answering: Answering = .generate(.vqa, useKVCache: true)) throws -> [Answer] {
        var candidates: [String] = []
        if case let .rank(list, _) = answering {
            guard !list.isEmpty else { throw TaskError.badInput("the answer list is empty") }
            candidates = list
        }
        let candidateIds = tokenizer.batch(candidates.map { $0 + "[SEP]" })
        var lastImage: (url: URL, embeds: Tensor)?
        return try questions.map { question in
            let imageEmbeds: Tensor
            if let lastImage, lastImage.url == question.image {
                imageEmbeds = lastImage.embeds
            } else {
                imageEmbeds = try model.imageEmbeddings(of: question.image)
                lastImage = (question.image, imageEmbeds)
            }
            let text = tokenizer.batch([question.text])
            let memory = try model.vqaMemory(questionIds: text.ids, questionMask: text.attentionMask, imageEmbeds: imageEmbeds)
            let answer: String
            switch answering {
            case let .generate(settings, useKVCache):
                let best = try model.generate(memory: memory, settings: settings, useKVCache: useKVCache)[0]
                answer = tokenizer.decode(best.first?.ids ?? [])
            case let .rank(list, k):
                let ranked = try model.rankAnswers(memory: memory, answerIds: candidateIds.ids, answerMask: candidateIds.attentionMask,
                                                   k: min(max(k, 1), list.count))
                answer = list[ranked[0][0].index]
            }
            return Answer(questionID: question.id, answer: answer)
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
}
