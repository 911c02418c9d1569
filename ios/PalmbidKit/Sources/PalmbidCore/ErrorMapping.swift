import Foundation
import PalmbidBindings

extension AppError {
    /// Converts what a bindings call threw; the one place where the library's
    /// error becomes the app's.
    static func from(_ error: Error) -> AppError {
        if let failure = error as? PalmbidError, case let .Failed(code, messageZh, messageEn) = failure {
            return AppError(code: code, messageZh: messageZh, messageEn: messageEn)
        }
        return AppError(error)
    }
}

/// Runs a bindings call and rethrows its failure as `AppError`.
func bridged<T>(_ call: () async throws -> T) async throws -> T {
    do {
        return try await call()
    } catch {
        throw AppError.from(error)
    }
}

/// Synchronous twin of `bridged` for the few calls that do not suspend.
func bridgedSync<T>(_ call: () throws -> T) throws -> T {
    do {
        return try call()
    } catch {
        throw AppError.from(error)
    }
}

extension Date {
    /// Makes a date from the library's Unix seconds.
    init(unix seconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(seconds))
    }
}
