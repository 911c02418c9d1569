import Foundation

/// PIN digits (ASCII) held by the PIN pad, in memory it owns and
/// overwrites.
///
/// A Swift `[UInt8]` cannot promise that. Assigning an array shares its
/// storage, and the next write copies it (copy-on-write), so zeroing one
/// array can leave the digits in the other's storage. Growing an array
/// reallocates and leaves the old storage behind. Here the storage has a
/// fixed size and is never copied: the class is shared by reference, and
/// `take()` moves the digits out. `wipe()` and `deinit` zero it.
///
/// NOTE: a `String` made by `text()` for a library call cannot be wiped
/// from Swift. The library turns it into its own zeroizing PIN at once.
final class PinDigits {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    init(capacity: Int = PinPadState.maximumLength) {
        storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(capacity, 1))
        storage.initialize(repeating: 0)
    }

    /// Digits read back from the Keychain for biometric unlock.
    convenience init(utf8 text: String) {
        self.init(capacity: max(text.utf8.count, PinPadState.maximumLength))
        for byte in text.utf8 {
            append(byte)
        }
    }

    deinit {
        wipe()
        storage.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    var isFull: Bool { count == storage.count }

    /// Appends one byte, unless the buffer is full.
    func append(_ byte: UInt8) {
        guard count < storage.count else { return }
        storage[count] = byte
        count += 1
    }

    /// Removes the last byte, zeroing its place.
    func removeLast() {
        guard count > 0 else { return }
        count -= 1
        storage[count] = 0
    }

    /// Moves the digits into a new value and wipes this one.
    func take() -> PinDigits {
        let moved = PinDigits(capacity: storage.count)
        for index in 0..<count {
            moved.append(storage[index])
        }
        wipe()
        return moved
    }

    /// Zeroes every byte and empties the buffer.
    func wipe() {
        for index in storage.indices {
            storage[index] = 0
        }
        count = 0
    }

    /// Returns whether both contain the same digits.
    func matches(_ other: PinDigits) -> Bool {
        guard count == other.count else { return false }
        for index in 0..<count where storage[index] != other.storage[index] {
            return false
        }
        return true
    }

    /// Returns the digits as the `String` that library calls take.
    func text() -> String {
        String(decoding: UnsafeBufferPointer(rebasing: storage[0..<count]), as: UTF8.self)
    }
}
