/// Open-addressing hash table from a 64-bit fingerprint to a dense id (linear probing, at most
/// half full). The fingerprints must be well mixed (as `TokenFingerprints.mix` leaves them): their
/// low bits index the table directly.
struct FingerprintTable {
    private var slots: [(key: UInt64, id: Int32)]
    private var mask: Int
    private var count = 0

    init(minimumCapacity: Int) {
        var capacity = 1024
        while capacity < 2 * minimumCapacity { capacity <<= 1 }
        slots = Array(repeating: (0, -1), count: capacity)
        mask = capacity - 1
    }

    /// The id of `key`, inserting it with `nextID` if absent.
    mutating func insert(_ key: UInt64, nextID: Int32) -> Int32 {
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[i]
            if slot.id < 0 { break }
            if slot.key == key { return slot.id }
            i = (i + 1) & mask
        }
        slots[i] = (key, nextID)
        count += 1
        if 2 * count > mask { grow() }
        return nextID
    }

    /// The id of `key`, or −1.
    func find(_ key: UInt64) -> Int32 {
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[i]
            if slot.id < 0 { return -1 }
            if slot.key == key { return slot.id }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        self = FingerprintTable(minimumCapacity: old.count)
        for slot in old where slot.id >= 0 { _ = insert(slot.key, nextID: slot.id) }
    }
}
