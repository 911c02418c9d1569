//! The outer structure of an envelope, walked as a stream (RFC 5652,
//! sections 3 and 6.1; RFC 5083, section 2.1):
//!
//! ```text
//! ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT content }
//! EnvelopedData ::= SEQUENCE { version, originatorInfo [0] OPTIONAL,
//!     recipientInfos SET OF, encryptedContentInfo, unprotectedAttrs [1] OPTIONAL }
//! AuthEnvelopedData ::= SEQUENCE { version, originatorInfo [0] OPTIONAL,
//!     recipientInfos SET OF, authEncryptedContentInfo, authAttrs [1] OPTIONAL,
//!     mac OCTET STRING, unauthAttrs [2] OPTIONAL }
//! EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm,
//!     encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }
//! ```
//!
//! Everything before the encrypted content is read and decoded when the
//! envelope is opened. The content is then read in chunks, and the parts
//! after it (the authenticated attributes and the GCM tag) at the end.
//!
//! Choices: the recipient infos are decoded one by one rather than as a
//! DER SET, so envelopes whose SET is not sorted (BER writers) still open;
//! originatorInfo and unprotected or unauthenticated attributes are skipped;
//! bytes after the `ContentInfo` are ignored; an envelope without content
//! (detached) is refused.

use std::fmt;
use std::io::Read;
use std::path::Path;

use cms::enveloped_data::{RecipientIdentifier, RecipientInfo};
use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;

use super::alg::{self, ContentCipher, ContentParams, EnvelopeKind};
use super::ber::{BerReader, Frame, Header, OctetStream, Tag};
use super::kari::{KeyAgreeInfo, KeyAgreeRid};
use super::{CmsError, input};
use crate::pki::CertInfo;

/// Header facts of an envelope, read without any key.
#[derive(Debug, Clone)]
pub struct EnvelopeInfo {
    /// `EnvelopedData` or `AuthEnvelopedData`.
    pub kind: EnvelopeKind,
    /// The content cipher, `None` when palmbid does not implement it.
    pub content_cipher: Option<ContentCipher>,
    /// The content cipher's OID, dotted.
    pub content_cipher_oid: String,
    /// Every recipient, in envelope order; a `KeyAgreeRecipientInfo` gives
    /// one entry per recipient encrypted key.
    pub recipients: Vec<Recipient>,
}

/// Identifier of a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientId {
    /// By the issuer and serial number of its certificate.
    IssuerSerial {
        /// The issuer as an RFC 4514 string, for display.
        issuer: String,
        /// The issuer Name, DER, for matching.
        issuer_der: Vec<u8>,
        /// The serial number's content octets.
        serial: Vec<u8>,
    },
    /// By subject key identifier.
    KeyId(Vec<u8>),
}

impl RecipientId {
    /// Returns whether `cert` is the certificate this id names.
    pub fn matches(&self, cert: &CertInfo) -> bool {
        match self {
            RecipientId::IssuerSerial {
                issuer_der, serial, ..
            } => *issuer_der == cert.issuer_der && *serial == cert.serial,
            RecipientId::KeyId(id) => cert.subject_key_id.as_deref() == Some(id.as_slice()),
        }
    }

    fn from_issuer_serial(value: &cms::cert::IssuerAndSerialNumber) -> Self {
        RecipientId::IssuerSerial {
            issuer: value.issuer.to_string(),
            issuer_der: value.issuer.to_der().unwrap_or_default(),
            serial: value.serial_number.as_bytes().to_vec(),
        }
    }
}

impl fmt::Display for RecipientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecipientId::IssuerSerial { issuer, serial, .. } => {
                write!(f, "issuer {issuer}, serial {}", hex::encode(serial))
            }
            RecipientId::KeyId(id) => write!(f, "key id {}", hex::encode(id)),
        }
    }
}

/// The kind of a recipient info (RFC 5652, section 6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientKind {
    /// `KeyAgreeRecipientInfo` (ECDH).
    KeyAgreement,
    /// `KeyTransRecipientInfo` (RSA).
    KeyTransport,
    /// `KEKRecipientInfo` (pre-shared key).
    Kek,
    /// `PasswordRecipientInfo`.
    Password,
    /// `OtherRecipientInfo`.
    Other,
}

/// One recipient of an envelope.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The recipient info's kind.
    pub kind: RecipientKind,
    /// Its identifier, where the kind has one.
    pub id: Option<RecipientId>,
    /// The key-encryption algorithm's name.
    pub key_algorithm: String,
    /// The key-encryption algorithm's OID, dotted.
    pub key_algorithm_oid: String,
    /// Whether palmbid can open the envelope through this recipient: ECDH
    /// key agreement on P-256 with a supported KDF and key wrap.
    pub supported: bool,
}

impl Recipient {
    /// Returns whether this recipient names `cert`.
    pub fn matches(&self, cert: &CertInfo) -> bool {
        self.id.as_ref().is_some_and(|id| id.matches(cert))
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            RecipientKind::KeyAgreement => "key agreement",
            RecipientKind::KeyTransport => "key transport",
            RecipientKind::Kek => "pre-shared key",
            RecipientKind::Password => "password",
            RecipientKind::Other => "other",
        };
        match &self.id {
            Some(id) => write!(f, "[{id}; {kind}, {}", self.key_algorithm)?,
            None => write!(f, "[{kind}, {}", self.key_algorithm)?,
        }
        if self.supported {
            f.write_str("]")
        } else {
            f.write_str(", unsupported]")
        }
    }
}

/// Reads the header of an envelope file: its kind, content cipher and
/// recipients. No key is needed; the host calls this first to choose the
/// certificate, and only then asks for the PIN.
///
/// # Errors
/// [`CmsError::Io`], [`CmsError::EmptyInput`], [`CmsError::NotAnEnvelope`],
/// [`CmsError::Truncated`], [`CmsError::Malformed`], [`CmsError::TooLarge`].
pub fn inspect(path: &Path) -> Result<EnvelopeInfo, CmsError> {
    Ok(describe(&Envelope::open(path)?))
}

/// As [`inspect`] for an envelope known only by its header (see
/// [`super::envelope_header`]): what a phone receives with a key release
/// request, checked before the PIN is asked.
///
/// # Errors
/// [`CmsError::NotAnEnvelope`], [`CmsError::Truncated`],
/// [`CmsError::Malformed`], [`CmsError::TooLarge`].
pub fn inspect_header(header: &[u8]) -> Result<EnvelopeInfo, CmsError> {
    let input = Box::new(std::io::Cursor::new(header.to_vec()));
    Ok(describe(&Envelope::from_reader(input, "envelope header")?))
}

fn describe(envelope: &Envelope) -> EnvelopeInfo {
    let info = EnvelopeInfo {
        kind: envelope.kind,
        content_cipher: ContentCipher::from_oid(&envelope.content_alg.oid),
        content_cipher_oid: envelope.content_alg.oid.to_string(),
        recipients: envelope.recipients(),
    };
    tracing::debug!(
        kind = info.kind.name(),
        recipients = info.recipients.len(),
        "inspected envelope"
    );
    info
}

/// A decoded recipient info: key agreement in palmbid's own types (see
/// [`KeyAgreeInfo`]), the other kinds in those of `cms`.
pub(crate) enum ParsedRecipientInfo {
    KeyAgree(KeyAgreeInfo),
    Other(RecipientInfo),
}

/// Parts of an envelope after its encrypted content.
pub(crate) struct Trailer {
    /// authAttrs re-tagged as a DER SET OF, the GCM additional data (RFC
    /// 5083, section 2.2); empty when absent.
    pub(crate) auth_attrs: Vec<u8>,
    /// The mac field (the GCM tag) of `AuthEnvelopedData`.
    pub(crate) mac: Option<Vec<u8>>,
}

/// An envelope opened for reading, positioned at its encrypted content.
pub(crate) struct Envelope {
    reader: BerReader<Box<dyn Read>>,
    pub(crate) kind: EnvelopeKind,
    /// Each recipient info with its offset.
    pub(crate) recipient_infos: Vec<(u64, ParsedRecipientInfo)>,
    pub(crate) content_alg: AlgorithmIdentifierOwned,
    content_alg_offset: u64,
    content_info: Frame,
    explicit: Frame,
    body: Frame,
    encrypted_content_info: Frame,
    content: OctetStream,
}

fn expect_tag(header: &Header, tag: Tag, what: &str) -> Result<(), CmsError> {
    if header.tag == tag {
        Ok(())
    } else {
        Err(BerReader::<&[u8]>::malformed(
            header.start,
            format!("expected the {what}"),
        ))
    }
}

impl Envelope {
    /// Opens `path` and reads up to the encrypted content.
    ///
    /// # Errors
    /// As [`inspect`].
    pub(crate) fn open(path: &Path) -> Result<Self, CmsError> {
        let (input, _form) = input::open(path)?;
        Self::from_reader(input, &path.display().to_string())
    }

    /// Reads a binary (DER or BER) envelope from `input` up to the
    /// encrypted content; `name` names it in errors.
    ///
    /// # Errors
    /// As [`inspect`].
    pub(crate) fn from_reader(input: Box<dyn Read>, name: &str) -> Result<Self, CmsError> {
        let mut reader = BerReader::new(input, name.to_owned());
        let not_envelope = |found: String| CmsError::NotAnEnvelope {
            path: name.to_owned(),
            found,
        };

        let content_info = reader.read_header()?;
        if content_info.tag != Tag::SEQUENCE {
            return Err(not_envelope("no CMS ContentInfo".to_owned()));
        }
        let content_info = content_info.frame();

        let type_header = reader.expect_in(&content_info, "content type")?;
        expect_tag(&type_header, Tag::universal(6, false), "content type OID")?;
        let type_der = reader.element_der(&type_header)?;
        let content_type = ObjectIdentifier::from_der(&type_der)
            .map_err(|e| BerReader::<&[u8]>::malformed(type_header.start, e.to_string()))?;
        let kind = match content_type {
            alg::ENVELOPED_DATA => EnvelopeKind::Enveloped,
            alg::AUTH_ENVELOPED_DATA => EnvelopeKind::AuthEnveloped,
            other => {
                return Err(not_envelope(format!(
                    "CMS {} ({other})",
                    alg::oid_name(&other)
                )));
            }
        };

        let explicit = reader.expect_in(&content_info, "content")?;
        expect_tag(&explicit, Tag::context(0, true), "[0] content")?;
        let explicit = explicit.frame();
        let body = reader.expect_in(&explicit, kind.name())?;
        expect_tag(&body, Tag::SEQUENCE, kind.name())?;
        let body = body.frame();

        let version = reader.expect_in(&body, "version")?;
        expect_tag(&version, Tag::universal(2, false), "version")?;
        reader.skip_element(&version)?;

        let mut next = reader.expect_in(&body, "recipient infos")?;
        if next.tag == Tag::context(0, true) {
            reader.skip_element(&next)?;
            next = reader.expect_in(&body, "recipient infos")?;
        }
        let recipient_infos = Self::read_recipient_infos(&mut reader, &next)?;

        let eci = reader.expect_in(&body, "encrypted content info")?;
        expect_tag(&eci, Tag::SEQUENCE, "encrypted content info")?;
        let encrypted_content_info = eci.frame();
        let inner_type = reader.expect_in(&encrypted_content_info, "encrypted content type")?;
        expect_tag(
            &inner_type,
            Tag::universal(6, false),
            "encrypted content type",
        )?;
        reader.skip_element(&inner_type)?;

        let alg_header =
            reader.expect_in(&encrypted_content_info, "content encryption algorithm")?;
        expect_tag(&alg_header, Tag::SEQUENCE, "content encryption algorithm")?;
        let alg_der = reader.element_der(&alg_header)?;
        let content_alg = AlgorithmIdentifierOwned::from_der(&alg_der)
            .map_err(|e| BerReader::<&[u8]>::malformed(alg_header.start, e.to_string()))?;

        let at = reader.offset();
        let content = match reader.next_in(&encrypted_content_info)? {
            Some(header) if header.tag.is_context(0) => OctetStream::new(&header),
            Some(header) => {
                return Err(BerReader::<&[u8]>::malformed(
                    header.start,
                    "expected the encrypted content",
                ));
            }
            None => {
                return Err(BerReader::<&[u8]>::malformed(
                    at,
                    "the envelope has no encrypted content (detached content is not supported)",
                ));
            }
        };

        Ok(Envelope {
            reader,
            kind,
            recipient_infos,
            content_alg,
            content_alg_offset: alg_header.start,
            content_info,
            explicit,
            body,
            encrypted_content_info,
            content,
        })
    }

    fn read_recipient_infos(
        reader: &mut BerReader<Box<dyn Read>>,
        set: &Header,
    ) -> Result<Vec<(u64, ParsedRecipientInfo)>, CmsError> {
        expect_tag(set, Tag::SET, "recipient infos SET")?;
        let frame = set.frame();
        let mut infos = Vec::new();
        while let Some(header) = reader.next_in(&frame)? {
            let der = reader.element_der(&header)?;
            let info = if header.tag == Tag::context(1, true) {
                KeyAgreeInfo::from_recipient_info(&der).map(ParsedRecipientInfo::KeyAgree)
            } else {
                RecipientInfo::from_der(&der).map(ParsedRecipientInfo::Other)
            }
            .map_err(|e| {
                BerReader::<&[u8]>::malformed(header.start, format!("recipient info: {e}"))
            })?;
            infos.push((header.start, info));
        }
        if infos.is_empty() {
            return Err(BerReader::<&[u8]>::malformed(
                set.start,
                "the envelope has no recipient",
            ));
        }
        Ok(infos)
    }

    /// Decodes the content cipher and its parameters.
    ///
    /// # Errors
    /// [`CmsError::UnsupportedContentAlgorithm`], [`CmsError::Malformed`].
    pub(crate) fn content_params(&self) -> Result<ContentParams, CmsError> {
        let params = alg::content_params(&self.content_alg, self.content_alg_offset)?;
        let gcm_expected = self.kind == EnvelopeKind::AuthEnveloped;
        if params.cipher.is_gcm() != gcm_expected {
            return Err(BerReader::<&[u8]>::malformed(
                self.content_alg_offset,
                format!("{} cannot carry {}", self.kind.name(), params.cipher.name()),
            ));
        }
        Ok(params)
    }

    /// Offset of the next byte to be read in the decoded envelope.
    pub(crate) fn offset(&self) -> u64 {
        self.reader.offset()
    }

    /// Reads encrypted content into `buf` until it is full or the content
    /// is over; returns the count, 0 at the end.
    ///
    /// # Errors
    /// [`CmsError::Truncated`], [`CmsError::Malformed`].
    pub(crate) fn read_content(&mut self, buf: &mut [u8]) -> Result<usize, CmsError> {
        self.content.fill(&mut self.reader, buf)
    }

    /// Reads what follows the content, once [`Envelope::read_content`] has
    /// returned 0.
    ///
    /// # Errors
    /// [`CmsError::Truncated`], [`CmsError::Malformed`], [`CmsError::TooLarge`].
    pub(crate) fn finish(mut self) -> Result<Trailer, CmsError> {
        let reader = &mut self.reader;
        reader.close(&self.encrypted_content_info, "encrypted content")?;

        let mut trailer = Trailer {
            auth_attrs: Vec::new(),
            mac: None,
        };
        match self.kind {
            EnvelopeKind::Enveloped => {
                if let Some(header) = reader.next_in(&self.body)? {
                    expect_tag(&header, Tag::context(1, true), "unprotected attributes")?;
                    reader.skip_element(&header)?;
                    reader.close(&self.body, self.kind.name())?;
                }
            }
            EnvelopeKind::AuthEnveloped => {
                let mut header = reader.expect_in(&self.body, "message authentication code")?;
                if header.tag == Tag::context(1, true) {
                    let mut attrs = reader.element_der(&header)?;
                    // [1] IMPLICIT becomes the SET OF tag; the length is unchanged.
                    attrs[0] = 0x31;
                    trailer.auth_attrs = attrs;
                    header = reader.expect_in(&self.body, "message authentication code")?;
                }
                if !header.tag.is_universal(4) {
                    return Err(BerReader::<&[u8]>::malformed(
                        header.start,
                        "expected the mac OCTET STRING",
                    ));
                }
                let mac_der = reader.element_der(&header)?;
                let mac = OctetString::from_der(&mac_der)
                    .map_err(|e| BerReader::<&[u8]>::malformed(header.start, e.to_string()))?;
                trailer.mac = Some(mac.as_bytes().to_vec());

                if let Some(header) = reader.next_in(&self.body)? {
                    expect_tag(&header, Tag::context(2, true), "unauthenticated attributes")?;
                    reader.skip_element(&header)?;
                    reader.close(&self.body, self.kind.name())?;
                }
            }
        }

        // `next_in` returning `None` above has consumed the end of the body.
        reader.close(&self.explicit, "content")?;
        reader.close(&self.content_info, "content info")?;
        Ok(trailer)
    }

    /// Lists the recipients, one entry per recipient encrypted key.
    pub(crate) fn recipients(&self) -> Vec<Recipient> {
        let mut recipients = Vec::new();
        for (_, info) in &self.recipient_infos {
            match info {
                ParsedRecipientInfo::KeyAgree(kari) => {
                    let supported = alg::key_agreement(&kari.key_enc_alg).is_ok()
                        && matches!(
                            kari.originator,
                            cms::enveloped_data::OriginatorIdentifierOrKey::OriginatorKey(_)
                        );
                    for key in &kari.recipient_enc_keys {
                        recipients.push(Recipient {
                            kind: RecipientKind::KeyAgreement,
                            id: Some(kari_id(&key.rid)),
                            key_algorithm: alg::oid_name(&kari.key_enc_alg.oid),
                            key_algorithm_oid: kari.key_enc_alg.oid.to_string(),
                            supported,
                        });
                    }
                }
                ParsedRecipientInfo::Other(RecipientInfo::Ktri(ktri)) => {
                    recipients.push(Recipient {
                        kind: RecipientKind::KeyTransport,
                        id: Some(match &ktri.rid {
                            RecipientIdentifier::IssuerAndSerialNumber(ias) => {
                                RecipientId::from_issuer_serial(ias)
                            }
                            RecipientIdentifier::SubjectKeyIdentifier(ski) => {
                                RecipientId::KeyId(ski.0.as_bytes().to_vec())
                            }
                        }),
                        key_algorithm: alg::oid_name(&ktri.key_enc_alg.oid),
                        key_algorithm_oid: ktri.key_enc_alg.oid.to_string(),
                        supported: false,
                    });
                }
                ParsedRecipientInfo::Other(RecipientInfo::Kekri(kekri)) => {
                    recipients.push(Recipient {
                        kind: RecipientKind::Kek,
                        id: None,
                        key_algorithm: alg::oid_name(&kekri.key_enc_alg.oid),
                        key_algorithm_oid: kekri.key_enc_alg.oid.to_string(),
                        supported: false,
                    });
                }
                ParsedRecipientInfo::Other(RecipientInfo::Pwri(pwri)) => {
                    recipients.push(Recipient {
                        kind: RecipientKind::Password,
                        id: None,
                        key_algorithm: alg::oid_name(&pwri.key_enc_alg.oid),
                        key_algorithm_oid: pwri.key_enc_alg.oid.to_string(),
                        supported: false,
                    });
                }
                // A `[1]` element is always decoded as `KeyAgree` above.
                ParsedRecipientInfo::Other(RecipientInfo::Kari(_)) => {}
                ParsedRecipientInfo::Other(RecipientInfo::Ori(ori)) => recipients.push(Recipient {
                    kind: RecipientKind::Other,
                    id: None,
                    key_algorithm: alg::oid_name(&ori.ori_type),
                    key_algorithm_oid: ori.ori_type.to_string(),
                    supported: false,
                }),
            }
        }
        recipients
    }
}

/// Returns the identifier of a recipient encrypted key.
pub(crate) fn kari_id(rid: &KeyAgreeRid) -> RecipientId {
    match rid {
        KeyAgreeRid::IssuerAndSerialNumber(ias) => RecipientId::from_issuer_serial(ias),
        KeyAgreeRid::RKeyId(key_id) => {
            RecipientId::KeyId(key_id.subject_key_identifier.0.as_bytes().to_vec())
        }
    }
}
