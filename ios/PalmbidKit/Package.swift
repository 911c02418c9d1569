// swift-tools-version:5.9
//
// PalmbidKit: everything of the iOS app except the SwiftUI views and the
// device services (camera, Secure Enclave, push), in layers where each ring
// depends only on the one below it:
//
//   PalmbidFFI           the Rust library, an XCFramework (binary target)
//   PalmbidBindings      the Swift wrapper uniffi generates for it
//   PalmbidCore          app-owned protocols and types, and their live
//                        implementations over the bindings
//   PalmbidPresentation  one view model a screen; sees PalmbidCore only
//   PalmbidMocks         in-memory implementations of the core protocols
//
// No target above PalmbidCore imports PalmbidBindings, so no generated type
// reaches a view.
import Foundation
import PackageDescription

// Source of the XCFramework.
//
// Local work: bindings/scripts/build-xcframework.sh (on a Mac) writes
// Frameworks/PalmbidFFI.xcframework into this package.
//
// A release: the release job uploads the zip the same script makes with
// `--zip` and sets both variables below (the checksum is what
// `swift package compute-checksum PalmbidFFI.xcframework.zip` prints, also
// printed by the script). A tagged release commit replaces the two
// `environment[...]` reads with the literal URL and checksum, so that
// packages depending on the tag resolve it without any environment.
let environment = ProcessInfo.processInfo.environment
let palmbidFFI: Target
if let url = environment["PALMBID_FFI_URL"], let checksum = environment["PALMBID_FFI_CHECKSUM"] {
    palmbidFFI = .binaryTarget(name: "PalmbidFFI", url: url, checksum: checksum)
} else {
    palmbidFFI = .binaryTarget(name: "PalmbidFFI", path: "Frameworks/PalmbidFFI.xcframework")
}

let package = Package(
    name: "PalmbidKit",
    defaultLocalization: "zh-Hans",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "PalmbidCore", targets: ["PalmbidCore"]),
        .library(name: "PalmbidPresentation", targets: ["PalmbidPresentation"]),
        .library(name: "PalmbidMocks", targets: ["PalmbidMocks"]),
    ],
    targets: [
        palmbidFFI,
        // A byte-for-byte copy of target/bindings/swift/PalmbidFFI.swift;
        // ios/scripts/update-bindings.sh refreshes it, ios/scripts/check.sh
        // fails when it is stale.
        .target(
            name: "PalmbidBindings",
            dependencies: ["PalmbidFFI"],
            path: "Sources/PalmbidBindings",
            // The static library calls the system trust store
            // (rustls-platform-verifier over security-framework).
            linkerSettings: [
                .linkedFramework("Security"),
                .linkedFramework("CoreFoundation"),
            ]
        ),
        .target(
            name: "PalmbidCore",
            dependencies: ["PalmbidBindings"],
            path: "Sources/PalmbidCore"
        ),
        .target(
            name: "PalmbidPresentation",
            dependencies: ["PalmbidCore"],
            path: "Sources/PalmbidPresentation"
        ),
        .target(
            name: "PalmbidMocks",
            dependencies: ["PalmbidCore"],
            path: "Sources/PalmbidMocks"
        ),
        // The live core's adapters, against the generated bindings.
        .testTarget(
            name: "PalmbidCoreTests",
            dependencies: ["PalmbidCore", "PalmbidBindings"],
            path: "Tests/PalmbidCoreTests"
        ),
        .testTarget(
            name: "PalmbidPresentationTests",
            dependencies: ["PalmbidPresentation", "PalmbidMocks"],
            path: "Tests/PalmbidPresentationTests"
        ),
    ]
)
