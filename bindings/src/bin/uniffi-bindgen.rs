//! The uniffi binding generator, pinned to the uniffi version of this
//! crate so the generated Kotlin and Swift always match the scaffolding.
//!
//! `cargo run -p palmbid-ffi --features cli --bin uniffi-bindgen -- generate
//! --library target/release/libpalmbid_ffi.so --language kotlin --out-dir DIR`

fn main() {
    uniffi::uniffi_bindgen_main();
}
