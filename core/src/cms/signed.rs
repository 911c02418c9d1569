//! Detached CMS `SignedData` (RFC 5652, section 5) with ECDSA P-256.
//!
//! Signing produces, over a file (SHA-256 streamed) or a given SHA-256
//! digest:
//! - `SignedData` version 1, digestAlgorithms {sha256}, encapContentInfo of
//!   type id-data without content (detached, section 5.2);
//! - `certificates`: the signer's certificate and its chain;
//! - one `SignerInfo` (section 5.3), version 1, sid = issuerAndSerialNumber,
//!   with the signed attributes contentType, messageDigest, signingTime
//!   (section 11) and ESS `signingCertificateV2` (RFC 5035, section 3: the
//!   SHA-256 hash of the signer certificate with its issuer and serial), so
//!   that `CAdES-BES` and `PAdES` B-B verifiers accept it; signatureAlgorithm
//!   ecdsa-with-SHA256 (RFC 5758, 3.2), the DER ECDSA signature over the
//!   DER SET OF signed attributes (section 5.4).
//!
//! The PAdES profile ([`sign_detached_digest_pades`], ETSI EN 319 142-1,
//! 5.2.2 and 6.3) is the same structure without signingTime: a PAdES
//! baseline signature must not carry it, the claimed time goes in the
//! signature dictionary's /M entry instead.
//!
//! The structures are assembled from the `cms` and `x509-cert` types rather
//! than the `cms` builder: the builder needs its `builder` feature (which
//! brings RSA and SHA-3) and takes the signing time from the system clock,
//! where palmbid signs at a time it is given (server time).
//!
//! Verification parses the message, finds the signer's certificate by
//! issuer and serial or by subject key identifier, compares messageDigest
//! with the content's digest, verifies the signature, the ESS certificate
//! hash when present, and the signer's chain to the given trust anchors at
//! the signing time (or at `now` without one).
//!
//! NOTE: the signed attributes are verified over their DER re-encoding;
//! a producer that wrote them as unsorted BER would not verify. Counter
//! signatures and timestamps (unsigned attributes) are ignored.

use std::io::Read;
use std::path::Path;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5911::{ID_DATA, ID_SIGNED_DATA};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use p256::ecdsa::signature::Signer;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::{Attribute, AttributeValue};
use x509_cert::ext::pkix::name::{GeneralName, GeneralNames};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;

use super::CmsError;
use crate::pki::{self, CertInfo, HashAlg, KeyRole};

const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const ID_AA_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// Bytes read at a time when hashing a file.
const READ_CHUNK: usize = 64 * 1024;

/// `SigningCertificateV2` (RFC 5035, section 3).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Vec<Any>>,
}

/// `ESSCertIDv2` (RFC 5035, section 4). hashAlgorithm is DEFAULT
/// id-sha256: `None` here means SHA-256, and palmbid writes `None` because
/// DER omits a default value.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

/// `IssuerSerial` (RFC 5035, section 4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: GeneralNames,
    serial_number: SerialNumber,
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    }
}

/// A verified signature: the signer and the signing time it claims.
#[derive(Debug, Clone)]
pub struct VerifiedSignature {
    /// The signer's certificate.
    pub signer: CertInfo,
    /// The signingTime attribute, seconds since the Unix epoch, when present.
    pub signing_time: Option<i64>,
}

fn malformed(detail: impl std::fmt::Display) -> CmsError {
    CmsError::SignatureMalformed {
        detail: detail.to_string(),
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> CmsError + '_ {
    move |source| CmsError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Streams a file through a digest.
fn digest_file(path: &Path, hash: HashAlg) -> Result<Vec<u8>, CmsError> {
    let mut file = std::fs::File::open(path).map_err(io_error(path))?;
    let mut buffer = vec![0u8; READ_CHUNK];
    let mut state = DigestState::new(hash);
    loop {
        let n = file.read(&mut buffer).map_err(io_error(path))?;
        if n == 0 {
            break;
        }
        state.update(&buffer[..n]);
    }
    Ok(state.finish())
}

enum DigestState {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl DigestState {
    fn new(hash: HashAlg) -> Self {
        match hash {
            HashAlg::Sha256 => DigestState::Sha256(Sha256::new()),
            HashAlg::Sha384 => DigestState::Sha384(Sha384::new()),
            HashAlg::Sha512 => DigestState::Sha512(Sha512::new()),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            DigestState::Sha256(h) => h.update(data),
            DigestState::Sha384(h) => h.update(data),
            DigestState::Sha512(h) => h.update(data),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            DigestState::Sha256(h) => h.finalize().to_vec(),
            DigestState::Sha384(h) => h.finalize().to_vec(),
            DigestState::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

fn digest_algorithm(oid: &ObjectIdentifier) -> Option<HashAlg> {
    match *oid {
        ID_SHA256 => Some(HashAlg::Sha256),
        ID_SHA384 => Some(HashAlg::Sha384),
        ID_SHA512 => Some(HashAlg::Sha512),
        _ => None,
    }
}

/// Signs a file, detached: the file is hashed with SHA-256 in chunks.
/// `signing_time` is Unix seconds (server time).
///
/// # Errors
/// [`CmsError::Io`] when the file cannot be read, else as
/// [`sign_detached_digest`].
pub fn sign_detached_file(
    path: &Path,
    key: &p256::SecretKey,
    cert: &CertInfo,
    chain: &[CertInfo],
    signing_time: i64,
) -> Result<Vec<u8>, CmsError> {
    sign_detached_digest(&sha256_file(path)?, key, cert, chain, signing_time)
}

/// SHA-256 of the file at `path`, streamed: what
/// [`sign_detached_file`] signs, for a caller that names the document
/// (the signature log) or signs it with [`sign_detached_digest`].
///
/// # Errors
/// [`CmsError::Io`] when the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<[u8; 32], CmsError> {
    let digest = digest_file(path, HashAlg::Sha256)?;
    digest.try_into().map_err(|_| malformed("SHA-256 length"))
}

/// Signs content known by its SHA-256 digest, detached, and returns the
/// DER `ContentInfo`.
///
/// # Errors
/// [`CmsError::SignerKeyMismatch`] when `cert` is not for `key`,
/// [`CmsError::SignatureMalformed`] when a certificate does not encode.
pub fn sign_detached_digest(
    digest: &[u8; 32],
    key: &p256::SecretKey,
    cert: &CertInfo,
    chain: &[CertInfo],
    signing_time: i64,
) -> Result<Vec<u8>, CmsError> {
    sign_digest(digest, key, cert, chain, Some(signing_time))
}

/// Signs content known by its SHA-256 digest for a PDF signature of
/// `PAdES` B-B level (ETSI EN 319 142-1, 6.3): as [`sign_detached_digest`]
/// with the signed attributes contentType, messageDigest and ESS
/// signingCertificateV2, and no signingTime (the PDF's /M carries the
/// time). `digest` is the SHA-256 of the signature's /`ByteRange`.
///
/// # Errors
/// As [`sign_detached_digest`].
pub fn sign_detached_digest_pades(
    digest: &[u8; 32],
    key: &p256::SecretKey,
    cert: &CertInfo,
    chain: &[CertInfo],
) -> Result<Vec<u8>, CmsError> {
    sign_digest(digest, key, cert, chain, None)
}

/// Both profiles: with `signing_time` the CAdES-BES attributes, without it
/// the `PAdES` ones.
fn sign_digest(
    digest: &[u8; 32],
    key: &p256::SecretKey,
    cert: &CertInfo,
    chain: &[CertInfo],
    signing_time: Option<i64>,
) -> Result<Vec<u8>, CmsError> {
    if cert.p256_public_key.as_deref() != Some(pki::public_key_sec1(key).as_slice()) {
        return Err(CmsError::SignerKeyMismatch {
            subject: cert.subject.clone(),
        });
    }
    let signer = x509_cert::Certificate::from_der(&cert.der).map_err(malformed)?;
    let issuer = signer.tbs_certificate.issuer.clone();
    let serial = signer.tbs_certificate.serial_number.clone();

    let attributes = signed_attributes(digest, &cert.der, &issuer, &serial, signing_time)?;
    let der = assemble(key, signer, chain, attributes)?;
    tracing::info!(
        signer = %cert.fingerprint,
        pades = signing_time.is_none(),
        "made detached CMS signature"
    );
    Ok(der)
}

/// Signs the attributes and wraps everything into a DER `ContentInfo`.
fn assemble(
    key: &p256::SecretKey,
    signer: x509_cert::Certificate,
    chain: &[CertInfo],
    attributes: SetOfVec<Attribute>,
) -> Result<Vec<u8>, CmsError> {
    let to_sign = attributes.to_der().map_err(malformed)?;
    let signature: p256::ecdsa::DerSignature = p256::ecdsa::SigningKey::from(key).sign(&to_sign);

    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_algorithm(),
        signed_attrs: Some(attributes),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: ECDSA_WITH_SHA256,
            parameters: None,
        },
        signature: OctetString::new(signature.as_bytes()).map_err(malformed)?,
        unsigned_attrs: None,
    };

    let mut certificates = vec![CertificateChoices::Certificate(signer)];
    for c in chain {
        let parsed = x509_cert::Certificate::from_der(&c.der).map_err(malformed)?;
        certificates.push(CertificateChoices::Certificate(parsed));
    }

    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256_algorithm()]).map_err(malformed)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet::try_from(certificates).map_err(malformed)?),
        crls: None,
        signer_infos: SignerInfos::try_from(vec![signer_info]).map_err(malformed)?,
    };
    let content_info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(malformed)?,
    };
    content_info.to_der().map_err(malformed)
}

fn attribute(oid: ObjectIdentifier, value: AttributeValue) -> Result<Attribute, CmsError> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(malformed)?,
    })
}

fn signing_time_value(seconds: i64) -> Result<Time, CmsError> {
    let duration = std::time::Duration::from_secs(
        u64::try_from(seconds).map_err(|_| malformed("signing time before 1970"))?,
    );
    // RFC 5652, 11.3: UTCTime up to 2049, GeneralizedTime from 2050.
    match der::asn1::UtcTime::from_unix_duration(duration) {
        Ok(utc) => Ok(Time::UtcTime(utc)),
        Err(_) => der::asn1::GeneralizedTime::from_unix_duration(duration)
            .map(Time::GeneralTime)
            .map_err(malformed),
    }
}

fn signed_attributes(
    digest: &[u8; 32],
    cert_der: &[u8],
    issuer: &x509_cert::name::Name,
    serial: &SerialNumber,
    signing_time: Option<i64>,
) -> Result<SetOfVec<Attribute>, CmsError> {
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(cert_der).to_vec()).map_err(malformed)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(issuer.clone())],
                serial_number: serial.clone(),
            }),
        }],
        policies: None,
    };

    let mut attributes = vec![
        attribute(
            ID_CONTENT_TYPE,
            Any::encode_from(&ID_DATA).map_err(malformed)?,
        )?,
        attribute(
            ID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec()).map_err(malformed)?)
                .map_err(malformed)?,
        )?,
        attribute(
            ID_AA_SIGNING_CERTIFICATE_V2,
            Any::encode_from(&ess).map_err(malformed)?,
        )?,
    ];
    if let Some(seconds) = signing_time {
        attributes.push(attribute(
            ID_SIGNING_TIME,
            Any::encode_from(&signing_time_value(seconds)?).map_err(malformed)?,
        )?);
    }
    // SET OF in DER is sorted by encoding (X.690, 11.6); try_from sorts.
    SetOfVec::try_from(attributes).map_err(malformed)
}

/// Verifies a detached signature over a file against `anchors`.
///
/// # Errors
/// [`CmsError::Io`], [`CmsError::SignatureMalformed`],
/// [`CmsError::SignedContentMismatch`], [`CmsError::SignatureInvalid`],
/// [`CmsError::SignerCertificateMissing`], [`CmsError::SignerNotTrusted`],
/// [`CmsError::EssCertificateMismatch`],
/// [`CmsError::SignatureAlgorithmUnsupported`].
pub fn verify_detached_file(
    signature: &[u8],
    path: &Path,
    anchors: &[CertInfo],
    now: i64,
) -> Result<VerifiedSignature, CmsError> {
    verify(signature, &Content::File(path), anchors, now)
}

/// Verifies a detached signature over content known by its SHA-256 digest.
///
/// # Errors
/// As [`verify_detached_file`]; a signer that used another digest
/// algorithm is [`CmsError::SignatureAlgorithmUnsupported`].
pub fn verify_detached_digest(
    signature: &[u8],
    digest: &[u8; 32],
    anchors: &[CertInfo],
    now: i64,
) -> Result<VerifiedSignature, CmsError> {
    verify(signature, &Content::Sha256(digest), anchors, now)
}

enum Content<'a> {
    File(&'a Path),
    Sha256(&'a [u8; 32]),
}

impl Content<'_> {
    fn digest(&self, hash: HashAlg) -> Result<Vec<u8>, CmsError> {
        match (self, hash) {
            (Content::File(path), _) => digest_file(path, hash),
            (Content::Sha256(digest), HashAlg::Sha256) => Ok(digest.to_vec()),
            (Content::Sha256(_), other) => Err(CmsError::SignatureAlgorithmUnsupported {
                oid: format!("{other:?} digest over a given SHA-256 digest"),
            }),
        }
    }
}

fn verify(
    signature: &[u8],
    content: &Content<'_>,
    anchors: &[CertInfo],
    now: i64,
) -> Result<VerifiedSignature, CmsError> {
    let content_info = ContentInfo::from_der(signature).map_err(malformed)?;
    if content_info.content_type != ID_SIGNED_DATA {
        return Err(malformed(format!(
            "content type {} is not signedData",
            content_info.content_type
        )));
    }
    let signed_data = content_info
        .content
        .decode_as::<SignedData>()
        .map_err(malformed)?;
    if signed_data.encap_content_info.econtent.is_some() {
        return Err(malformed(
            "the signature carries its content; a detached signature was expected",
        ));
    }

    let certs = embedded_certificates(&signed_data)?;
    let mut verified = None;
    for signer_info in signed_data.signer_infos.0.iter() {
        let result = verify_signer(
            signer_info,
            &signed_data.encap_content_info,
            &certs,
            content,
            anchors,
            now,
        )?;
        verified.get_or_insert(result);
    }
    let verified = verified.ok_or_else(|| malformed("no SignerInfo"))?;
    tracing::info!(signer = %verified.signer.fingerprint, "verified detached CMS signature");
    Ok(verified)
}

fn embedded_certificates(signed_data: &SignedData) -> Result<Vec<CertInfo>, CmsError> {
    let mut certs = Vec::new();
    for choice in signed_data.certificates.iter().flat_map(|set| set.0.iter()) {
        if let CertificateChoices::Certificate(cert) = choice {
            let der = cert.to_der().map_err(malformed)?;
            certs
                .push(CertInfo::from_der(&der, "certificate in the signature").map_err(malformed)?);
        }
    }
    Ok(certs)
}

fn find_signer<'c>(
    sid: &SignerIdentifier,
    certs: &'c [CertInfo],
) -> Result<&'c CertInfo, CmsError> {
    let found = match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            let issuer = ias.issuer.to_der().map_err(malformed)?;
            certs
                .iter()
                .find(|c| c.issuer_der == issuer && c.serial == ias.serial_number.as_bytes())
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => certs
            .iter()
            .find(|c| c.subject_key_id.as_deref() == Some(ski.0.as_bytes())),
    };
    found.ok_or(CmsError::SignerCertificateMissing)
}

/// The single value of a signed attribute, if present.
fn attribute_value(
    attrs: &SetOfVec<Attribute>,
    oid: ObjectIdentifier,
) -> Result<Option<&AttributeValue>, CmsError> {
    let Some(attr) = attrs.iter().find(|a| a.oid == oid) else {
        return Ok(None);
    };
    let mut values = attr.values.iter();
    match (values.next(), values.next()) {
        (Some(value), None) => Ok(Some(value)),
        _ => Err(malformed(format!(
            "attribute {oid} must have exactly one value"
        ))),
    }
}

fn verify_signer(
    signer_info: &SignerInfo,
    encap: &EncapsulatedContentInfo,
    certs: &[CertInfo],
    content: &Content<'_>,
    anchors: &[CertInfo],
    now: i64,
) -> Result<VerifiedSignature, CmsError> {
    let signer = find_signer(&signer_info.sid, certs)?;
    let digest_hash = digest_algorithm(&signer_info.digest_alg.oid).ok_or_else(|| {
        CmsError::SignatureAlgorithmUnsupported {
            oid: signer_info.digest_alg.oid.to_string(),
        }
    })?;
    let content_digest = content.digest(digest_hash)?;
    let signature = signer_info.signature.as_bytes();

    // ecdsa-with-SHAx names its own hash; some producers put the bare key
    // algorithm and mean the digest algorithm's hash.
    let sig_oid = signer_info.signature_algorithm.oid;
    let signature_hash = if sig_oid == ID_EC_PUBLIC_KEY {
        digest_hash
    } else {
        HashAlg::from_ecdsa_oid(&sig_oid).ok_or_else(|| {
            CmsError::SignatureAlgorithmUnsupported {
                oid: sig_oid.to_string(),
            }
        })?
    };

    let mut signing_time = None;
    let prehash = match &signer_info.signed_attrs {
        Some(attrs) => {
            check_content_type(attrs, encap)?;
            let digest = attribute_value(attrs, ID_MESSAGE_DIGEST)?
                .ok_or_else(|| malformed("signed attributes lack messageDigest"))?
                .decode_as::<OctetString>()
                .map_err(malformed)?;
            if digest.as_bytes() != content_digest.as_slice() {
                return Err(CmsError::SignedContentMismatch);
            }
            if let Some(value) = attribute_value(attrs, ID_SIGNING_TIME)? {
                let time =
                    Time::from_der(&value.to_der().map_err(malformed)?).map_err(malformed)?;
                signing_time =
                    Some(i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX));
            }
            signature_hash.digest(&attrs.to_der().map_err(malformed)?)
        }
        // Without signed attributes the signature covers the content
        // itself (RFC 5652, 5.4), so the two hashes must agree.
        None if signature_hash == digest_hash => content_digest,
        None => {
            return Err(malformed(
                "signature and digest algorithms differ without signed attributes",
            ));
        }
    };

    let valid = pki::verify_ecdsa_prehash(&signer.spki_der, &prehash, signature)
        .map_err(|e| CmsError::SignerNotTrusted { source: e })?;
    if !valid {
        return Err(CmsError::SignatureInvalid {
            signer: signer.subject.clone(),
        });
    }
    if let Some(attrs) = &signer_info.signed_attrs {
        check_ess(attrs, signer)?;
    }

    let at = signing_time.unwrap_or(now);
    let intermediates: Vec<CertInfo> = certs
        .iter()
        .filter(|c| c.der != signer.der)
        .cloned()
        .collect();
    pki::check_key_usage(signer, KeyRole::Signing)
        .map_err(|e| CmsError::SignerNotTrusted { source: e })?;
    pki::verify_chain(signer, &intermediates, anchors, at, pki::DEFAULT_MAX_DEPTH)
        .map_err(|e| CmsError::SignerNotTrusted { source: e })?;

    Ok(VerifiedSignature {
        signer: signer.clone(),
        signing_time,
    })
}

/// RFC 5652, 5.3: with signed attributes, contentType must be present and
/// equal to the eContentType.
fn check_content_type(
    attrs: &SetOfVec<Attribute>,
    encap: &EncapsulatedContentInfo,
) -> Result<(), CmsError> {
    let content_type = attribute_value(attrs, ID_CONTENT_TYPE)?
        .ok_or_else(|| malformed("signed attributes lack contentType"))?
        .decode_as::<ObjectIdentifier>()
        .map_err(malformed)?;
    if content_type != encap.econtent_type {
        return Err(malformed(format!(
            "contentType attribute {content_type} differs from eContentType {}",
            encap.econtent_type
        )));
    }
    Ok(())
}

/// Checks the first `ESSCertIDv2` of a `signingCertificateV2` attribute against
/// the signer certificate (RFC 5035, section 5.4: the first identifies the
/// signer).
fn check_ess(attrs: &SetOfVec<Attribute>, signer: &CertInfo) -> Result<(), CmsError> {
    let Some(value) = attribute_value(attrs, ID_AA_SIGNING_CERTIFICATE_V2)? else {
        return Ok(());
    };
    let ess = value
        .decode_as::<SigningCertificateV2>()
        .map_err(malformed)?;
    let first = ess
        .certs
        .first()
        .ok_or_else(|| malformed("empty signingCertificateV2"))?;

    let hash_oid = first.hash_algorithm.as_ref().map_or(ID_SHA256, |a| a.oid);
    let hash =
        digest_algorithm(&hash_oid).ok_or_else(|| CmsError::SignatureAlgorithmUnsupported {
            oid: hash_oid.to_string(),
        })?;
    if first.cert_hash.as_bytes() != hash.digest(&signer.der).as_slice() {
        return Err(CmsError::EssCertificateMismatch {
            signer: signer.subject.clone(),
        });
    }
    if let Some(issuer_serial) = &first.issuer_serial {
        // The issuer is a GeneralNames; a directoryName must be the signer
        // certificate's issuer, byte for byte.
        let mut issuer_matches = true;
        for name in &issuer_serial.issuer {
            if let GeneralName::DirectoryName(name) = name {
                issuer_matches &= name.to_der().map_err(malformed)? == signer.issuer_der;
            }
        }
        if !issuer_matches || issuer_serial.serial_number.as_bytes() != signer.serial.as_slice() {
            return Err(CmsError::EssCertificateMismatch {
                signer: signer.subject.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{IssuingCa, Subject, Validity};

    const JAN_2026: i64 = 1_767_225_600;

    fn subject() -> Subject {
        Subject {
            name: "李四".to_owned(),
            company: "某某有限公司".to_owned(),
            credit_code: "914403001922038216".to_owned(),
        }
    }

    #[test]
    fn ess_hash_of_another_certificate_is_refused() {
        let validity = Validity {
            not_before: JAN_2026,
            days: 365,
        };
        let ca = IssuingCa::new_root("测试根", validity).expect("root");
        let issued = ca
            .issue_with_new_key(&subject(), KeyRole::Signing, validity)
            .expect("issue");
        let other = ca
            .issue_with_new_key(&subject(), KeyRole::Signing, validity)
            .expect("issue");
        let key =
            crate::pki::parse_private_key(issued.key_pkcs8_pem.as_bytes(), None).expect("key");

        let digest: [u8; 32] = Sha256::digest(b"bid").into();
        let signer = x509_cert::Certificate::from_der(&issued.cert.der).expect("cert");
        let issuer = signer.tbs_certificate.issuer.clone();
        let serial = signer.tbs_certificate.serial_number.clone();
        let attrs = signed_attributes(
            &digest,
            &other.cert.der,
            &issuer,
            &serial,
            Some(JAN_2026 + 60),
        )
        .expect("attributes");
        let der = assemble(&key, signer, &[], attrs).expect("assemble");

        let anchors = [ca.certificate().clone()];
        let err =
            verify_detached_digest(&der, &digest, &anchors, JAN_2026 + 60).expect_err("swapped");
        assert!(
            matches!(err, CmsError::EssCertificateMismatch { .. }),
            "{err}"
        );
    }

    /// Lists the OIDs of the first signer's signed attributes.
    fn signed_attribute_oids(der: &[u8]) -> Vec<ObjectIdentifier> {
        let content_info = ContentInfo::from_der(der).expect("content info");
        let signed_data = content_info
            .content
            .decode_as::<SignedData>()
            .expect("signed data");
        let signer_info = signed_data.signer_infos.0.get(0).expect("signer info");
        let attrs = signer_info
            .signed_attrs
            .as_ref()
            .expect("signed attributes");
        attrs.iter().map(|a| a.oid).collect()
    }

    #[test]
    fn pades_profile_has_no_signing_time_and_verifies() {
        let validity = Validity {
            not_before: JAN_2026,
            days: 365,
        };
        let ca = IssuingCa::new_root("测试根", validity).expect("root");
        let issued = ca
            .issue_with_new_key(&subject(), KeyRole::Signing, validity)
            .expect("issue");
        let key =
            crate::pki::parse_private_key(issued.key_pkcs8_pem.as_bytes(), None).expect("key");
        let digest: [u8; 32] = Sha256::digest(b"%PDF-1.7 byte ranges").into();

        let der = sign_detached_digest_pades(&digest, &key, &issued.cert, &[]).expect("sign");

        let mut oids = signed_attribute_oids(&der);
        oids.sort();
        let mut expected = vec![
            ID_CONTENT_TYPE,
            ID_MESSAGE_DIGEST,
            ID_AA_SIGNING_CERTIFICATE_V2,
        ];
        expected.sort();
        assert_eq!(oids, expected);

        let anchors = [ca.certificate().clone()];
        let verified =
            verify_detached_digest(&der, &digest, &anchors, JAN_2026 + 60).expect("verify");
        assert_eq!(verified.signing_time, None);
        assert_eq!(verified.signer.der, issued.cert.der);

        // Without signingTime the chain is judged at `now`: after the
        // certificate expired the signature is refused.
        let expired = verify_detached_digest(&der, &digest, &anchors, JAN_2026 + 400 * 86_400)
            .expect_err("expired");
        assert!(
            matches!(expired, CmsError::SignerNotTrusted { .. }),
            "{expired}"
        );

        let other: [u8; 32] = Sha256::digest(b"another document").into();
        let mismatch =
            verify_detached_digest(&der, &other, &anchors, JAN_2026 + 60).expect_err("mismatch");
        assert!(
            matches!(mismatch, CmsError::SignedContentMismatch),
            "{mismatch}"
        );
    }

    #[test]
    fn cades_profile_keeps_signing_time() {
        let validity = Validity {
            not_before: JAN_2026,
            days: 365,
        };
        let ca = IssuingCa::new_root("测试根", validity).expect("root");
        let issued = ca
            .issue_with_new_key(&subject(), KeyRole::Signing, validity)
            .expect("issue");
        let key =
            crate::pki::parse_private_key(issued.key_pkcs8_pem.as_bytes(), None).expect("key");
        let digest: [u8; 32] = Sha256::digest(b"bid").into();

        let der =
            sign_detached_digest(&digest, &key, &issued.cert, &[], JAN_2026 + 60).expect("sign");

        assert!(signed_attribute_oids(&der).contains(&ID_SIGNING_TIME));
        let anchors = [ca.certificate().clone()];
        let verified =
            verify_detached_digest(&der, &digest, &anchors, JAN_2026 + 60).expect("verify");
        assert_eq!(verified.signing_time, Some(JAN_2026 + 60));
    }

    /// OpenSSL (the `openssl` binary) verifies the `PAdES` profile over the
    /// content whose digest was signed.
    #[test]
    fn openssl_verifies_pades_profile() {
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock after 1970")
                .as_secs(),
        )
        .expect("time fits");
        let validity = Validity {
            not_before: now - 86_400,
            days: 30,
        };
        let ca = IssuingCa::new_root("测试根", validity).expect("root");
        let issued = ca
            .issue_with_new_key(&subject(), KeyRole::Signing, validity)
            .expect("issue");
        let key =
            crate::pki::parse_private_key(issued.key_pkcs8_pem.as_bytes(), None).expect("key");
        let content = b"%PDF-1.7 signed byte ranges".to_vec();
        let digest: [u8; 32] = Sha256::digest(&content).into();
        let der = sign_detached_digest_pades(&digest, &key, &issued.cert, &[]).expect("sign");

        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("content"), &content).expect("write");
        std::fs::write(dir.path().join("sig.der"), &der).expect("write");
        std::fs::write(dir.path().join("ca.pem"), ca.certificate().to_pem()).expect("write");
        let output = std::process::Command::new("openssl")
            .current_dir(dir.path())
            .args([
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "sig.der",
                "-content",
                "content",
                "-CAfile",
                "ca.pem",
                "-purpose",
                "any",
                "-out",
                "/dev/null",
            ])
            .output()
            .expect("run openssl (apt-get install openssl)");
        assert!(
            output.status.success(),
            "openssl cms -verify: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    #[test]
    fn signing_time_after_2049_is_generalized_time() {
        assert!(matches!(
            signing_time_value(1_000_000_000),
            Ok(Time::UtcTime(_))
        ));
        assert!(matches!(
            signing_time_value(2_600_000_000),
            Ok(Time::GeneralTime(_))
        ));
    }
}
