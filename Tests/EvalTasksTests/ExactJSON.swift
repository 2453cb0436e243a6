import Foundation
import EvalTasks
import TestSupport

/// JSON read with `JSONValue.parse` (exact doubles) and bridged to Foundation types, so that tests
/// can use `as? [String: Double]` without the ulp errors of Linux `JSONSerialization`.
enum ExactJSON {
    static func fixture(_ relative: String) throws -> Any {
        bridged(try JSONValue.parse(Fixtures.data(relative), name: relative))
    }

    static func parse(_ data: Data) throws -> Any { bridged(try JSONValue.parse(data, name: "report")) }

    static func bridged(_ value: JSONValue) -> Any {
        switch value {
        case .null: return NSNull()
        case let .bool(flag): return flag
        case let .int(number): return NSNumber(value: number)
        case let .double(number): return NSNumber(value: number)
        case let .string(text): return text
        case let .array(items): return items.map(bridged)
        case let .object(members): return members.mapValues(bridged)
        }
    }
}
