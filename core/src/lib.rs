//! palmbid-core: the phone-certificate core of palmbid.
//!
//! Everything that must be right lives here, free of FFI and UI text:
//!
//! - [`api`]: the platform protocol's wire types and HTTP client.
//! - [`account`]: trusted platforms, SMS login and sessions on the phone.
//! - [`qr`]: scanning codes of the portal and the bid toolbox and answering
//!   them with the certificate.
//! - [`hall`]: the bid-opening hall; for now the verifiable coefficient
//!   draw (抽系数).
//! - [`store`]: the SQLite database of a keystore home and its migrations.
//! - [`keystore`]: PIN-wrapped P-256 keys bound to the device, attempt
//!   counting and lockout, certificates and trust anchors.
//! - [`pki`]: key generation, PKCS#10 requests, certificate parsing, chain and
//!   key-usage checks, PKCS#12 and PKCS#8 import, a small issuing CA.
//! - [`pdf`]: checking a signed PDF (`PAdES`) and reading its document
//!   information.
//! - [`cms`]: RFC 5652 SignedData, EnvelopedData and RFC 5083
//!   AuthEnvelopedData with ECDH key agreement (RFC 5753), streamed.
//!
//! Errors of every module implement [`error::Localized`]: a stable code plus
//! a message in Chinese (zh-CN) and English, which the CLI and the FFI show.
#![forbid(unsafe_code)]

pub mod account;
pub mod api;
pub mod cms;
pub mod error;
pub mod hall;
pub mod keystore;
pub mod pdf;
pub mod pki;
pub mod qr;
pub mod store;
