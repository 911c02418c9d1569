//! PKCS#12 (RFC 7292) import: the P-256 keys of a `.p12` / `.pfx` file,
//! the certificate of each key and the other certificates.
//!
//! Integrity: only password integrity mode is read (authSafe of type
//! id-data). The MAC (section 5, HMAC-SHA-1/256/384/512 keyed through the
//! PKCS#12 KDF, appendix B) is verified before anything is decrypted, with
//! every known form of the password: the `BMPString` with terminator, and
//! for an empty password also the empty string. A file without a MAC is
//! refused unless [`Pkcs12Options::allow_missing_mac`] is set, and then the
//! result says so ([`Pkcs12Contents::integrity_checked`]).
//!
//! Errors are kept apart: bytes that do not decode (a truncated or damaged
//! file) are [`PkiError::Pkcs12Malformed`]; a MAC that matches no password
//! form is [`PkiError::WrongPassword`]; counts over the cap are
//! [`PkiError::IterationsTooHigh`], checked before any key derivation.
//!
//! Bags read: keyBag, pkcs8ShroudedKeyBag and certBag (x509Certificate),
//! in plain or encrypted (`EncryptedData`) `SafeContents`; the decryption
//! schemes are those of [`super::pbe`]. Other bags (CRLs, secrets, nested
//! `SafeContents`) are skipped.

use cms::content_info::ContentInfo;
use cms::encrypted_data::EncryptedData;
use const_oid::db::rfc5911::{ID_DATA, ID_ENCRYPTED_DATA};
use der::asn1::{Any, ContextSpecific, OctetString};
use der::{Decode, Encode};
use hmac::{Mac, SimpleHmac};
use pkcs12::pfx::Pfx;
use pkcs12::safe_bag::{SafeBag, SafeContents};
use sha2::digest::core_api::BlockSizeUser;
use sha2::digest::{Digest, FixedOutputReset};
use zeroize::Zeroizing;

use super::pbe::{self, PasswordForms, PbeError};
use super::pkcs8::secret_from_pkcs8_der;
use super::{CertInfo, PkiError};

const WHAT: &str = "PKCS#12 file";

/// Options of [`parse_pkcs12`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Pkcs12Options {
    /// Accept a file without an integrity MAC (the result is flagged).
    /// Off by default: such a file may have been altered.
    pub allow_missing_mac: bool,
}

/// A private key from an import with the certificate that carries its
/// public key.
pub struct ImportedKey {
    /// The private key; zeroized on drop by `p256`.
    pub secret: p256::SecretKey,
    /// Its certificate.
    pub cert: CertInfo,
}

impl std::fmt::Debug for ImportedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportedKey")
            .field("cert", &self.cert)
            .finish_non_exhaustive()
    }
}

/// What a PKCS#12 file holds.
#[derive(Debug)]
pub struct Pkcs12Contents {
    /// Every P-256 key with its certificate.
    pub keys: Vec<ImportedKey>,
    /// The certificates that belong to no key: the issuing chain.
    pub chain: Vec<CertInfo>,
    /// Whether a MAC was verified; `false` only with
    /// [`Pkcs12Options::allow_missing_mac`].
    pub integrity_checked: bool,
}

fn malformed(detail: impl std::fmt::Display) -> PkiError {
    PkiError::Pkcs12Malformed {
        detail: detail.to_string(),
    }
}

/// Parses a PKCS#12 file (DER) opened with `password`.
///
/// # Errors
/// [`PkiError::Pkcs12Malformed`], [`PkiError::WrongPassword`],
/// [`PkiError::IterationsTooHigh`], [`PkiError::Pkcs12NoMac`],
/// [`PkiError::UnsupportedEncryption`], [`PkiError::NoPrivateKey`],
/// [`PkiError::NoMatchingCertificate`], [`PkiError::UnsupportedKey`].
pub fn parse_pkcs12(
    bytes: &[u8],
    password: &str,
    options: Pkcs12Options,
) -> Result<Pkcs12Contents, PkiError> {
    let pfx = Pfx::from_der(bytes).map_err(malformed)?;
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(PkiError::UnsupportedEncryption {
            what: "PKCS#12 integrity mode",
            oid: pfx.auth_safe.content_type.to_string(),
        });
    }
    let auth_safe = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(malformed)?;
    let auth_safe = auth_safe.as_bytes();

    let forms = PasswordForms::new(password);
    let (bmp_forms, integrity_checked) = match &pfx.mac_data {
        Some(mac) => (vec![matching_mac_form(mac, auth_safe, &forms)?], true),
        None if options.allow_missing_mac => {
            tracing::warn!("importing a PKCS#12 file without an integrity MAC");
            (forms.bmp_candidates.iter().collect(), false)
        }
        None => return Err(PkiError::Pkcs12NoMac),
    };

    let contents = Vec::<ContentInfo>::from_der(auth_safe).map_err(malformed)?;
    let mut secrets = Vec::new();
    let mut certs = Vec::new();
    for content in &contents {
        let bags = safe_contents(content, &forms.utf8, &bmp_forms)?;
        read_bags(&bags, &forms.utf8, &bmp_forms, &mut secrets, &mut certs)?;
    }

    let contents = pair_keys(secrets, certs, integrity_checked)?;
    tracing::info!(
        keys = contents.keys.len(),
        chain = contents.chain.len(),
        integrity_checked,
        "parsed PKCS#12 file"
    );
    Ok(contents)
}

/// Finds the password form under which the MAC verifies.
fn matching_mac_form<'f>(
    mac: &pkcs12::mac_data::MacData,
    auth_safe: &[u8],
    forms: &'f PasswordForms,
) -> Result<&'f Zeroizing<Vec<u8>>, PkiError> {
    pbe::check_iterations("PKCS#12 MAC", i64::from(mac.iterations))?;
    let salt = mac.mac_salt.as_bytes();
    let expected = mac.mac.digest.as_bytes();
    let oid = mac.mac.algorithm.oid;

    for form in &forms.bmp_candidates {
        let ok = match oid {
            const_oid::db::rfc5912::ID_SHA_1 => {
                mac_matches::<sha1::Sha1>(form, salt, mac.iterations, auth_safe, expected)
            }
            const_oid::db::rfc5912::ID_SHA_256 => {
                mac_matches::<sha2::Sha256>(form, salt, mac.iterations, auth_safe, expected)
            }
            const_oid::db::rfc5912::ID_SHA_384 => {
                mac_matches::<sha2::Sha384>(form, salt, mac.iterations, auth_safe, expected)
            }
            const_oid::db::rfc5912::ID_SHA_512 => {
                mac_matches::<sha2::Sha512>(form, salt, mac.iterations, auth_safe, expected)
            }
            _ => {
                return Err(PkiError::UnsupportedEncryption {
                    what: "PKCS#12 MAC",
                    oid: oid.to_string(),
                });
            }
        };
        if ok {
            return Ok(form);
        }
    }
    Err(PkiError::WrongPassword { what: WHAT })
}

fn mac_matches<D>(
    password: &[u8],
    salt: &[u8],
    iterations: i32,
    data: &[u8],
    expected: &[u8],
) -> bool
where
    D: Digest + FixedOutputReset + BlockSizeUser,
{
    let key = Zeroizing::new(pkcs12::kdf::derive_key::<D>(
        password,
        salt,
        pkcs12::kdf::Pkcs12KeyType::Mac,
        iterations,
        <D as Digest>::output_size(),
    ));
    let Ok(mut hmac) = <SimpleHmac<D> as Mac>::new_from_slice(&key) else {
        return false;
    };
    hmac.update(data);
    hmac.verify_slice(expected).is_ok()
}

/// The `SafeContents` of one `ContentInfo` of the `AuthenticatedSafe`, decrypted
/// when it is `EncryptedData`.
fn safe_contents(
    content: &ContentInfo,
    utf8: &[u8],
    bmp_forms: &[&Zeroizing<Vec<u8>>],
) -> Result<SafeContents, PkiError> {
    match content.content_type {
        ID_DATA => {
            let data = content
                .content
                .decode_as::<OctetString>()
                .map_err(malformed)?;
            SafeContents::from_der(data.as_bytes()).map_err(malformed)
        }
        ID_ENCRYPTED_DATA => {
            let encrypted = content
                .content
                .decode_as::<EncryptedData>()
                .map_err(malformed)?;
            let info = &encrypted.enc_content_info;
            let ciphertext = info
                .encrypted_content
                .as_ref()
                .ok_or_else(|| malformed("EncryptedData without content"))?;
            let plain = decrypt_any(
                &info.content_enc_alg,
                utf8,
                bmp_forms,
                ciphertext.as_bytes(),
            )?;
            SafeContents::from_der(&plain).map_err(|_| PkiError::WrongPassword { what: WHAT })
        }
        other => Err(PkiError::UnsupportedEncryption {
            what: "PKCS#12 content",
            oid: other.to_string(),
        }),
    }
}

/// Decrypts with each remaining password form until one succeeds.
fn decrypt_any(
    algorithm: &spki::AlgorithmIdentifierOwned,
    utf8: &[u8],
    bmp_forms: &[&Zeroizing<Vec<u8>>],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    for bmp in bmp_forms {
        match pbe::decrypt(WHAT, algorithm, utf8, bmp, ciphertext) {
            Ok(plain) => return Ok(plain),
            Err(PbeError::Decrypt) => {}
            Err(PbeError::Refused(e)) => return Err(e),
        }
    }
    Err(PkiError::WrongPassword { what: WHAT })
}

fn read_bags(
    bags: &[SafeBag],
    utf8: &[u8],
    bmp_forms: &[&Zeroizing<Vec<u8>>],
    secrets: &mut Vec<p256::SecretKey>,
    certs: &mut Vec<CertInfo>,
) -> Result<(), PkiError> {
    for bag in bags {
        match bag.bag_id {
            pkcs12::PKCS_12_KEY_BAG_OID => {
                let value = ContextSpecific::<Any>::from_der(&bag.bag_value).map_err(malformed)?;
                let der = Zeroizing::new(value.value.to_der().map_err(malformed)?);
                secrets.push(secret_from_pkcs8_der(&der, WHAT)?);
            }
            pkcs12::PKCS_12_PKCS8_KEY_BAG_OID => {
                let value =
                    ContextSpecific::<pkcs12::pbe_params::EncryptedPrivateKeyInfo>::from_der(
                        &bag.bag_value,
                    )
                    .map_err(malformed)?
                    .value;
                let der = decrypt_any(
                    &value.encryption_algorithm,
                    utf8,
                    bmp_forms,
                    value.encrypted_data.as_bytes(),
                )?;
                secrets.push(secret_from_pkcs8_der(&der, WHAT)?);
            }
            pkcs12::PKCS_12_CERT_BAG_OID => {
                let value = ContextSpecific::<pkcs12::cert_type::CertBag>::from_der(&bag.bag_value)
                    .map_err(malformed)?
                    .value;
                if value.cert_id == pkcs12::PKCS_12_X509_CERT_OID {
                    certs.push(CertInfo::from_der(value.cert_value.as_bytes(), WHAT)?);
                }
            }
            other => tracing::debug!(bag = %other, "skipping PKCS#12 bag"),
        }
    }
    Ok(())
}

/// Pairs each key with the certificate that carries its public key.
fn pair_keys(
    secrets: Vec<p256::SecretKey>,
    mut certs: Vec<CertInfo>,
    integrity_checked: bool,
) -> Result<Pkcs12Contents, PkiError> {
    if secrets.is_empty() {
        return Err(PkiError::NoPrivateKey { what: WHAT });
    }
    let mut keys = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let public = super::public_key_sec1(&secret);
        let at = certs
            .iter()
            .position(|c| c.p256_public_key.as_deref() == Some(public.as_slice()))
            .ok_or(PkiError::NoMatchingCertificate { what: WHAT })?;
        keys.push(ImportedKey {
            secret,
            cert: certs.remove(at),
        });
    }
    Ok(Pkcs12Contents {
        keys,
        chain: certs,
        integrity_checked,
    })
}
