import Foundation

/// A COCO image id as it appears in the JSON: an integer, or a string (pycocotools accepts both,
/// and `1` and `"1"` are different images).
public enum ImageID: Hashable, Sendable, Codable, CustomStringConvertible {
    case int(Int)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "an image id must be an integer or a string")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .int(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        }
    }

    /// The id of an image file, as `mplug-eval caption --images DIR` reports it: the trailing digits
    /// of the file stem (`COCO_val2014_000000391895.jpg` → 391895, `17.jpg` → 17), otherwise the
    /// whole stem (also when the digits do not fit in an Int). The directory part and the last
    /// extension are ignored.
    public init(fileName: String) {
        let stem = ((fileName as NSString).lastPathComponent as NSString).deletingPathExtension
        let digits = stem.unicodeScalars.reversed().prefix(while: { ("0"..."9").contains($0) })
        if !digits.isEmpty, let value = Int(String(String.UnicodeScalarView(digits.reversed()))) {
            self = .int(value)
        } else {
            self = .string(stem)
        }
    }

    /// The id as a JSON object key (`json.dump` writes int keys as decimal strings).
    public var description: String {
        switch self {
        case let .int(value): return String(value)
        case let .string(value): return value
        }
    }
}

/// The images of a caption evaluation, chosen and ordered exactly as pycocoevalcap does, with
/// their raw (untokenized) captions.
public struct CocoCaptionSet: Sendable {
    /// Evaluated images in `cocoRes.getImgIds()` order.
    public var imageIDs: [ImageID]
    /// Raw reference captions of each image, in annotation order.
    public var references: [[String]]
    /// Raw candidate caption of each image.
    public var candidates: [String]

    public init(imageIDs: [ImageID], references: [[String]], candidates: [String]) {
        self.imageIDs = imageIDs
        self.references = references
        self.candidates = candidates
    }

    /// The images at `indices` (in that order), with their captions.
    public func subset(_ indices: [Int]) -> CocoCaptionSet {
        CocoCaptionSet(imageIDs: indices.map { imageIDs[$0] }, references: indices.map { references[$0] },
                       candidates: indices.map { candidates[$0] })
    }

    /// Reads and validates a COCO captions file (`{"images": [{"id"}], "annotations":
    /// [{"image_id", "caption"}]}`) and a COCO results file (`[{"image_id", "caption"}]`).
    public static func load(annotations: URL, results: URL) throws -> CocoCaptionSet {
        // The two files are read and parsed at the same time; an error in the annotations is reported first.
        var references: Result<CocoCaptionFile, Error>?
        var candidates: Result<[CocoResult], Error>?
        DispatchQueue.concurrentPerform(iterations: 2) { file in
            if file == 0 {
                references = Result { try decode(CocoCaptionFile.self, from: annotations, fast: CocoCaptionFile.init) }
            } else {
                candidates = Result { try decode([CocoResult].self, from: results, fast: CocoResult.list) }
            }
        }
        return try select(references: references!.get(), results: candidates!.get(),
                          annotationsName: annotations.lastPathComponent, resultsName: results.lastPathComponent)
    }

    /// Chooses the evaluated images as pycocotools + pycocoevalcap do:
    /// * images in the order of the references' `images` list, first occurrence of a repeated id;
    /// * only images that have a candidate (an image without one is skipped);
    /// * references: the image's annotations in file order (a repeated annotation counts twice).
    ///
    /// Rejected, where the reference tools raise: no candidates, a candidate for an image not in
    /// `images`, two candidates for one image, an evaluated image without references.
    static func select(references: CocoCaptionFile, results: [CocoResult],
                       annotationsName: String, resultsName: String) throws -> CocoCaptionSet {
        guard !results.isEmpty else {
            throw TaskError.badInput("\(resultsName): no candidates (expected a list of {\"image_id\", \"caption\"})")
        }
        var knownImages = Set<ImageID>()
        var imageOrder: [ImageID] = []
        for image in references.images where knownImages.insert(image.id).inserted {
            imageOrder.append(image.id)
        }
        var candidateByImage: [ImageID: String] = [:]
        for (position, result) in results.enumerated() {
            guard knownImages.contains(result.imageID) else {
                throw TaskError.badInput("\(resultsName): entry \(position) is for image \(result.imageID), which is not in the images of \(annotationsName)")
            }
            guard candidateByImage.updateValue(result.caption, forKey: result.imageID) == nil else {
                throw TaskError.badInput("\(resultsName): image \(result.imageID) has more than one candidate (entry \(position)); give exactly one caption per image")
            }
        }
        var captionsByImage: [ImageID: [String]] = [:]
        for annotation in references.annotations where candidateByImage[annotation.imageID] != nil {
            captionsByImage[annotation.imageID, default: []].append(annotation.caption)
        }
        var set = CocoCaptionSet(imageIDs: [], references: [], candidates: [])
        for id in imageOrder {
            guard let candidate = candidateByImage[id] else { continue }
            guard let captions = captionsByImage[id] else {
                throw TaskError.badInput("\(annotationsName): image \(id) has no captions")
            }
            set.imageIDs.append(id)
            set.references.append(captions)
            set.candidates.append(candidate)
        }
        return set
    }

    /// Reads `url`. Well-formed files are converted by `fast` from the exact `JSONValue` parser
    /// (several times faster than `JSONDecoder`); when `fast` returns nil or the parser rejects the
    /// file, `JSONDecoder` decides, so errors and unusual ids (`1.0`) are handled as before. Errors
    /// are one line naming the file and the failing key path.
    static func decode<T: Decodable>(_ type: T.Type, from url: URL, fast: (JSONValue) -> T? = { _ in nil }) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TaskError.badInput("\(url.path): cannot read (\((error as NSError).localizedDescription))")
        }
        if let json = try? JSONValue.parse(data, name: url.path), let value = fast(json) { return value }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw TaskError.badInput("\(url.path): \(Self.describe(error))")
        } catch {
            throw TaskError.badInput("\(url.path): not valid JSON (\(error))")
        }
    }

    /// One line naming where in the document decoding failed.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            let parts = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return parts.isEmpty ? "top level" : String(parts.drop(while: { $0 == "." }))
        }
        switch error {
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath)): missing key \"\(key.stringValue)\""
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The parts of a COCO captions file that the evaluation reads.
struct CocoCaptionFile: Decodable {
    struct Image: Decodable { var id: ImageID }
    struct Annotation: Decodable {
        var imageID: ImageID
        var caption: String
        enum CodingKeys: String, CodingKey { case imageID = "image_id", caption }
    }
    var images: [Image]
    var annotations: [Annotation]

    /// The file from a parsed document, or nil when anything is not as expected (missing or
    /// mistyped members, ids that are not integer literals or strings).
    init?(_ json: JSONValue) {
        guard let images = json["images"]?.arrayValue, let annotations = json["annotations"]?.arrayValue else { return nil }
        var imageList: [Image] = []
        imageList.reserveCapacity(images.count)
        for image in images {
            guard let id = image["id"].flatMap(ImageID.init(exactJSON:)) else { return nil }
            imageList.append(Image(id: id))
        }
        var annotationList: [Annotation] = []
        annotationList.reserveCapacity(annotations.count)
        for annotation in annotations {
            guard let id = annotation["image_id"].flatMap(ImageID.init(exactJSON:)),
                  let caption = annotation["caption"]?.stringValue else { return nil }
            annotationList.append(Annotation(imageID: id, caption: caption))
        }
        self.images = imageList
        self.annotations = annotationList
    }
}

extension ImageID {
    /// An integer literal or a string; nil for anything else (left to `JSONDecoder` to judge).
    init?(exactJSON json: JSONValue) {
        switch json {
        case let .int(value):
            guard let value = Int(exactly: value) else { return nil }
            self = .int(value)
        case let .string(value): self = .string(value)
        default: return nil
        }
    }
}

/// One entry of a COCO caption results file.
struct CocoResult: Decodable {
    var imageID: ImageID
    var caption: String
    enum CodingKeys: String, CodingKey { case imageID = "image_id", caption }

    /// The entries of a parsed results file, or nil when anything is not as expected.
    static func list(_ json: JSONValue) -> [CocoResult]? {
        guard let items = json.arrayValue else { return nil }
        var results: [CocoResult] = []
        results.reserveCapacity(items.count)
        for item in items {
            guard let id = item["image_id"].flatMap(ImageID.init(exactJSON:)), let caption = item["caption"]?.stringValue else { return nil }
            results.append(CocoResult(imageID: id, caption: caption))
        }
        return results
    }
}
