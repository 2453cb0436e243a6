import Foundation

/// A nocaps image domain, spelled as in the official nocaps annotations and on the EvalAI server.
public enum NocapsDomain: String, CaseIterable, Sendable {
    case inDomain = "in-domain"
    case nearDomain = "near-domain"
    case outDomain = "out-domain"
}

/// The images of a nocaps evaluation: a COCO caption set (chosen and ordered as pycocoevalcap
/// does) plus the domain of each evaluated image.
public struct NocapsCaptionSet: Sendable {
    /// The sample shipped with the package (the public half of nocaps val, ViECap-style captions).
    public static let bundledSamplePath = "Tests/Fixtures/nocaps/nocaps_val_public_2251"

    public var captions: CocoCaptionSet
    /// Domain of each image of `captions`, in its order.
    public var domains: [NocapsDomain]

    /// Reads a nocaps captions file (COCO layout whose `images` carry `"domain"`: `in-domain`,
    /// `near-domain` or `out-domain`) and a COCO results file. Everything `CocoCaptionSet.load`
    /// rejects is rejected too, and so is an image without a domain or with an unknown one, or an
    /// image listed twice with two domains.
    public static func load(annotations: URL, results: URL) throws -> NocapsCaptionSet {
        let captions = try CocoCaptionSet.load(annotations: annotations, results: results)
        let file = try CocoCaptionSet.decode(NocapsImagesFile.self, from: annotations)
        let name = annotations.lastPathComponent
        var domainOf: [ImageID: NocapsDomain] = [:]
        for (position, image) in file.images.enumerated() {
            guard let text = image.domain else {
                throw TaskError.badInput("\(name): images[\(position)] (image \(image.id)) has no \"domain\" (expected \(Self.domainList))")
            }
            guard let domain = NocapsDomain(rawValue: text) else {
                throw TaskError.badInput("\(name): images[\(position)] (image \(image.id)) has unknown domain \"\(text)\" (expected \(Self.domainList))")
            }
            if let earlier = domainOf.updateValue(domain, forKey: image.id), earlier != domain {
                throw TaskError.badInput("\(name): image \(image.id) is listed as \(earlier.rawValue) and as \(domain.rawValue)")
            }
        }
        let domains = try captions.imageIDs.map { id in
            // CocoCaptionSet.load takes evaluated images from `images`, so each has a domain.
            guard let domain = domainOf[id] else { throw TaskError.badInput("\(name): image \(id) has no \"domain\"") }
            return domain
        }
        return NocapsCaptionSet(captions: captions, domains: domains)
    }

    public init(captions: CocoCaptionSet, domains: [NocapsDomain]) {
        self.captions = captions
        self.domains = domains
    }

    /// The evaluated images of `domain`, in evaluation order.
    public func subset(_ domain: NocapsDomain) -> CocoCaptionSet {
        captions.subset(domains.indices.filter { domains[$0] == domain })
    }

    private static var domainList: String { NocapsDomain.allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The `images` of a nocaps captions file with their domains (the rest is read by `CocoCaptionSet`).
struct NocapsImagesFile: Decodable {
    struct Image: Decodable {
        var id: ImageID
        var domain: String?
    }
    var images: [Image]
}
