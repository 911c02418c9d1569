//! What the toolbox asks the phone for, one method a kind, each checking
//! the answer itself before using it: the platform relays and checks
//! too, but the toolbox trusts the CA, not the relay.
//!
//! - Login: the answering signing certificate chains to the CA; the
//!   holder and company come from its subject.
//! - Signing: a detached CMS SignedData that verifies over the file's
//!   digest under the CA.
//! - Sealing: the phone's seal image placed in a PDF revision whose
//!   digest the phone signs (PAdES B-B), verified before it is embedded.
//! - Encryption certificate: chains to the CA, is an encryption
//!   certificate, and names the same holder as the signing certificate
//!   that answered; files are then encrypted to it alone or together with
//!   a hardware certificate, so that either opens them.
//! - Bid upload: a login as above, whose answered request then authorises
//!   the upload of an envelope for the login certificate's company.
//! - Decryption: a one-time P-256 key made here; the phone releases the
//!   content key wrapped to it; the file is decrypted here. The private
//!   key never leaves this process and is dropped after use.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::hall::{MAX_BID_BYTES, UploadedBid};
use palmbid_core::api::pickup::SealKind;
use palmbid_core::api::qr::{
    AnswerPayload, CreateQrRequest, DocumentInfo, MAX_ENVELOPE_HEADER, QrAnswer, QrKind, QrState,
    SigningDigest,
};
use palmbid_core::cms::{self, DecryptReport, EncryptReport, VerifiedSignature};
use palmbid_core::pki::{self, CertInfo, KeyRole};
use sha2::{Digest, Sha256};

use crate::ToolboxError;
use crate::pades::{self, Placement, PreparedPdf};
use crate::relay::{OpenRequest, Progress, Relay, Screen, unix_now};

/// Longest issuing chain accepted above a phone certificate.
const MAX_CHAIN: usize = 4;

/// The toolbox of one platform.
#[derive(Debug, Clone)]
pub struct Toolbox {
    relay: Relay,
    anchors: Vec<CertInfo>,
    machine: String,
}

/// Who logged in.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// The signing certificate that answered.
    pub certificate: CertInfo,
    /// Its subject, as shown.
    pub subject: String,
}

/// A signature made by the phone.
#[derive(Debug, Clone)]
pub struct SignOutcome {
    /// The detached CMS SignedData, DER.
    pub cms: Vec<u8>,
    /// What verification found.
    pub verified: VerifiedSignature,
}

/// A PDF sealed by the phone.
#[derive(Debug, Clone)]
pub struct SealOutcome {
    /// The sealed PDF: the original bytes and one incremental update.
    pub pdf: Vec<u8>,
    /// The seal placed.
    pub seal: SealKind,
    /// The signing certificate.
    pub signer: CertInfo,
}

impl Toolbox {
    /// A toolbox talking to the relay at `relay`, trusting `anchors` (the
    /// platform CA's root) for the phone's certificates, and naming itself
    /// `machine` on the phone's confirm screen.
    pub fn new(relay: Relay, anchors: Vec<CertInfo>, machine: &str) -> Self {
        Toolbox {
            relay,
            anchors,
            machine: machine.to_owned(),
        }
    }

    /// The relay client.
    pub fn relay(&self) -> &Relay {
        &self.relay
    }

    /// Logs in with the phone (扫码登录).
    ///
    /// # Errors
    /// As [`Relay::ask`]; [`ToolboxError::Untrusted`] when the certificate
    /// does not chain to the CA.
    pub async fn login(&self, screen: &mut dyn Screen) -> Result<LoginOutcome, ToolboxError> {
        Ok(self.login_open(screen).await?.1)
    }

    /// Logs in as [`Toolbox::login`] and keeps the answered request, whose
    /// desktop token authorises bid uploads for the login's company.
    async fn login_open(
        &self,
        screen: &mut dyn Screen,
    ) -> Result<(OpenRequest, LoginOutcome), ToolboxError> {
        let mut open = self.relay.create(&self.request(QrKind::Login)).await?;
        match self.relay.follow(&mut open, screen).await? {
            Progress::Final(QrState::Answered, _) => {}
            Progress::Final(state, reason) => {
                return Err(ToolboxError::NotAnswered {
                    state,
                    reason: reason.unwrap_or_default(),
                });
            }
            Progress::SealChosen { .. } => {
                return Err(invalid("a seal was chosen for a login request"));
            }
        }
        let answer = self.relay.answer(&open).await?;
        let certificate = self.signer(&answer)?;
        if answer.payload != AnswerPayload::Login {
            return Err(invalid("a login was answered with another kind"));
        }
        tracing::info!(signer = %certificate.fingerprint, "toolbox login");
        let outcome = LoginOutcome {
            subject: certificate.subject.clone(),
            certificate,
        };
        Ok((open, outcome))
    }

    /// Uploads the bid file `file` for section `section` of hall project
    /// `project`: checks that it is an envelope and within
    /// [`MAX_BID_BYTES`], logs in with the phone (扫码登录), then uploads
    /// it under that login.
    ///
    /// # Errors
    /// [`ToolboxError::Io`] for the file; [`ToolboxError::Cms`] when it is
    /// not an envelope; [`ToolboxError::TooLarge`]; as
    /// [`Toolbox::login`] and [`Relay::upload_bid`].
    pub async fn upload(
        &self,
        project: &str,
        section: u32,
        file: &Path,
        screen: &mut dyn Screen,
    ) -> Result<UploadedBid, ToolboxError> {
        let (_, size) = digest_file(file)?;
        if size > MAX_BID_BYTES as u64 {
            return Err(ToolboxError::TooLarge {
                size,
                limit: MAX_BID_BYTES as u64,
            });
        }
        cms::envelope_header(file, MAX_ENVELOPE_HEADER)?;
        let envelope = std::fs::read(file).map_err(|source| ToolboxError::Io {
            path: file.display().to_string(),
            source,
        })?;

        let (login, _) = self.login_open(screen).await?;
        self.relay
            .upload_bid(&login, project, section, envelope)
            .await
    }

    /// Has the phone sign `file` (扫码签名): a detached CMS SignedData over
    /// its SHA-256, checked here against the CA.
    ///
    /// # Errors
    /// [`ToolboxError::Io`] for the file; as [`Relay::ask`];
    /// [`ToolboxError::Cms`] when the signature does not verify over the
    /// file or under the CA.
    pub async fn sign(
        &self,
        file: &Path,
        screen: &mut dyn Screen,
    ) -> Result<SignOutcome, ToolboxError> {
        let (digest, size) = digest_file(file)?;
        let mut request = self.request(QrKind::Sign);
        request.document = Some(DocumentInfo {
            name: file_name(file),
            sha256: hex::encode(digest),
            size,
        });

        let answer = self.relay.ask(&request, screen).await?;
        let signer = self.signer(&answer)?;
        let AnswerPayload::Sign { cms } = &answer.payload else {
            return Err(invalid("a signing request was answered with another kind"));
        };
        let cms = decode(cms, "signature")?;
        let verified = cms::verify_detached_digest(&cms, &digest, &self.anchors, unix_now())?;
        if verified.signer.fingerprint != signer.fingerprint {
            return Err(invalid(
                "the signature is by another certificate than the answer",
            ));
        }
        tracing::info!(signer = %signer.fingerprint, "toolbox signature verified");
        Ok(SignOutcome { cms, verified })
    }

    /// Seals the PDF `pdf` (扫码盖章): the phone picks a seal, the toolbox
    /// places its image at `placement` in an incremental update, the phone
    /// signs that revision's digest (PAdES B-B), and the toolbox embeds the
    /// signature once it verifies under the CA. Returns the sealed PDF; the
    /// caller writes it.
    ///
    /// # Errors
    /// [`ToolboxError::Io`] for the file; [`ToolboxError::Pades`] for a PDF
    /// or placement that cannot take the seal (found when the seal is
    /// chosen); as [`Relay::ask`]; [`ToolboxError::Cms`] when the signature
    /// does not verify.
    pub async fn seal(
        &self,
        pdf: &Path,
        placement: &Placement,
        screen: &mut dyn Screen,
    ) -> Result<SealOutcome, ToolboxError> {
        let original = std::fs::read(pdf).map_err(|source| ToolboxError::Io {
            path: pdf.display().to_string(),
            source,
        })?;
        let mut request = self.request(QrKind::Seal);
        request.document = Some(DocumentInfo {
            name: file_name(pdf),
            sha256: hex::encode(Sha256::digest(&original)),
            size: original.len() as u64,
        });

        // The PDF and the place are checked before a code is shown; the
        // field name's suffix is the request id's start, not known yet.
        pades::check(&original, placement, "palmbid-seal-check")?;
        let mut open = self.relay.create(&request).await?;
        let field_name = format!("palmbid-seal-{}", &open.created.id[..8]);
        let mut prepared: Option<(SealKind, PreparedPdf)> = None;
        loop {
            match self.relay.follow(&mut open, screen).await? {
                Progress::SealChosen {
                    seal,
                    seal_png,
                    signer_name,
                } => {
                    let png = decode(&seal_png, "seal image")?;
                    let revision = pades::prepare(
                        &original,
                        &png,
                        placement,
                        &field_name,
                        &signer_name,
                        open.server_now(),
                    )?;
                    let digest = SigningDigest {
                        sha256: hex::encode(revision.digest()),
                        seal,
                    };
                    self.relay.send_digest(&open, &digest).await?;
                    prepared = Some((seal, revision));
                }
                Progress::Final(QrState::Answered, _) => break,
                Progress::Final(state, reason) => {
                    return Err(ToolboxError::NotAnswered {
                        state,
                        reason: reason.unwrap_or_default(),
                    });
                }
            }
        }

        let answer = self.relay.answer(&open).await?;
        let signer = self.signer(&answer)?;
        let AnswerPayload::Seal { cms, seal, .. } = &answer.payload else {
            return Err(invalid("a seal request was answered with another kind"));
        };
        let Some((chosen, revision)) = prepared.filter(|(chosen, _)| chosen == seal) else {
            return Err(invalid("the answer names another seal than the one placed"));
        };
        let cms = decode(cms, "signature")?;
        let verified =
            cms::verify_detached_digest(&cms, &revision.digest(), &self.anchors, unix_now())?;
        if verified.signer.fingerprint != signer.fingerprint {
            return Err(invalid(
                "the signature is by another certificate than the answer",
            ));
        }
        let sealed = revision.finish(&cms)?;
        tracing::info!(signer = %signer.fingerprint, seal = chosen.as_str(), "toolbox sealed a PDF");
        Ok(SealOutcome {
            pdf: sealed,
            seal: chosen,
            signer,
        })
    }

    /// Fetches the phone's encryption certificate (获取加密证书), checked
    /// against the CA and against the holder of the signing certificate
    /// that answered.
    ///
    /// # Errors
    /// As [`Relay::ask`]; [`ToolboxError::Untrusted`].
    pub async fn encryption_certificate(
        &self,
        screen: &mut dyn Screen,
    ) -> Result<CertInfo, ToolboxError> {
        let answer = self
            .relay
            .ask(&self.request(QrKind::EncryptionCertificate), screen)
            .await?;
        let signer = self.signer(&answer)?;
        let AnswerPayload::EncryptionCertificate { certificate } = &answer.payload else {
            return Err(invalid(
                "an encryption certificate request was answered with another kind",
            ));
        };
        let certificate = CertInfo::from_der(
            &decode(certificate, "certificate")?,
            "phone encryption certificate",
        )
        .map_err(ToolboxError::Untrusted)?;
        self.check(&certificate, &answer, KeyRole::Encryption)?;
        if certificate.subject_der != signer.subject_der {
            return Err(invalid("the encryption certificate names another holder"));
        }
        Ok(certificate)
    }

    /// Encrypts `input` into a new file `output` to the phone's encryption
    /// certificate (fetched by QR), and to `hardware` too when given, so
    /// that either opens it.
    ///
    /// # Errors
    /// As [`Toolbox::encryption_certificate`] and
    /// [`palmbid_core::cms::encrypt_to_file`].
    pub async fn encrypt(
        &self,
        input: &Path,
        output: &Path,
        hardware: Option<&CertInfo>,
        screen: &mut dyn Screen,
    ) -> Result<(CertInfo, EncryptReport), ToolboxError> {
        let phone = self.encryption_certificate(screen).await?;
        let mut recipients = vec![phone.clone()];
        recipients.extend(hardware.cloned());
        let report = cms::encrypt_to_file(input, output, &recipients)?;
        Ok((phone, report))
    }

    /// Decrypts the envelope `input` into a new file `output` by key
    /// release (扫码解密): the phone unwraps the content key of its entry
    /// and wraps it to a one-time key made here.
    ///
    /// # Errors
    /// [`ToolboxError::Cms`] for an envelope that is not one or whose
    /// header is too large; as [`Relay::ask`]; the decryption errors.
    pub async fn decrypt(
        &self,
        input: &Path,
        output: &Path,
        screen: &mut dyn Screen,
    ) -> Result<DecryptReport, ToolboxError> {
        let header = cms::envelope_header(input, MAX_ENVELOPE_HEADER)?;
        let (digest, size) = digest_file(input)?;
        let one_time = p256::SecretKey::random(&mut rand_core::OsRng);
        let mut request = self.request(QrKind::Decrypt);
        request.document = Some(DocumentInfo {
            name: file_name(input),
            sha256: hex::encode(digest),
            size,
        });
        request.recipient_key = Some(STANDARD.encode(one_time.public_key().to_sec1_bytes()));
        request.envelope_header = Some(STANDARD.encode(header));

        let answer = self.relay.ask(&request, screen).await?;
        self.signer(&answer)?;
        let AnswerPayload::Decrypt { released_key } = &answer.payload else {
            return Err(invalid(
                "a decryption request was answered with another kind",
            ));
        };
        let released = decode(released_key, "released key")?;
        let report = cms::decrypt_with_released_key(input, output, &released, &one_time)?;
        tracing::info!("toolbox decrypted by key release");
        Ok(report)
    }

    fn request(&self, kind: QrKind) -> CreateQrRequest {
        CreateQrRequest {
            kind,
            machine: self.machine.clone(),
            document: None,
            recipient_key: None,
            envelope_header: None,
        }
    }

    /// The answering signing certificate, checked against the CA.
    fn signer(&self, answer: &QrAnswer) -> Result<CertInfo, ToolboxError> {
        let certificate = CertInfo::from_der(
            &decode(&answer.certificate, "certificate")?,
            "phone signing certificate",
        )
        .map_err(ToolboxError::Untrusted)?;
        self.check(&certificate, answer, KeyRole::Signing)?;
        Ok(certificate)
    }

    fn check(&self, cert: &CertInfo, answer: &QrAnswer, role: KeyRole) -> Result<(), ToolboxError> {
        let chain = answer
            .chain
            .iter()
            .map(|der| {
                CertInfo::from_der(&decode(der, "chain")?, "phone certificate chain")
                    .map_err(ToolboxError::Untrusted)
            })
            .collect::<Result<Vec<_>, _>>()?;
        pki::verify_chain(cert, &chain, &self.anchors, unix_now(), MAX_CHAIN)
            .map_err(ToolboxError::Untrusted)?;
        pki::check_key_usage(cert, role).map_err(ToolboxError::Untrusted)
    }
}

fn invalid(reason: &str) -> ToolboxError {
    ToolboxError::AnswerInvalid {
        reason: reason.to_owned(),
    }
}

fn decode(b64: &str, what: &str) -> Result<Vec<u8>, ToolboxError> {
    STANDARD
        .decode(b64)
        .map_err(|_| invalid(&format!("the {what} is not base64")))
}

/// SHA-256 and size of a file, read in chunks.
///
/// # Errors
/// [`ToolboxError::Io`] when the file cannot be read.
pub fn digest_file(path: &Path) -> Result<([u8; 32], u64), ToolboxError> {
    use std::io::Read;
    let io = |source| ToolboxError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hash = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer).map_err(io)?;
        if read == 0 {
            break;
        }
        hash.update(&buffer[..read]);
        size += read as u64;
    }
    Ok((hash.finalize().into(), size))
}

/// The file name shown on the phone: the last path component, at most
/// [`palmbid_core::api::qr::MAX_DOCUMENT_NAME_CHARS`] characters, control
/// characters replaced.
pub fn file_name(path: &Path) -> String {
    let name = path.file_name().map_or_else(
        || "document".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    name.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .take(palmbid_core::api::qr::MAX_DOCUMENT_NAME_CHARS)
        .collect()
}
