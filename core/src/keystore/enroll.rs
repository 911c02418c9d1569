//! Enrolment: how keys and certificates get into the keystore.
//!
//! - [`request`]: two fresh P-256 keys (signing and encryption, the dual
//!   certificates of Chinese PKI) stored under one new PIN, and a PKCS#10
//!   request for each, to send to the CA.
//! - [`install`]: the certificates the CA returned, each matched to its
//!   stored key by public key, checked for the key's role and chained to a
//!   trust anchor before anything is written.
//! - [`import_pkcs12`] and [`import_pkcs8`]: keys that come with their
//!   certificates from elsewhere, stored under a new PIN.
//!
//! Roles of imported keys follow the certificate's key usage:
//! keyAgreement alone makes an encryption key; digitalSignature or
//! nonRepudiation a signing key. A dual-use certificate (signature bits and
//! keyAgreement, or no key-usage extension at all) is stored as a signing
//! key, because signing is what every flow needs first and one stored key
//! has one role.
//!
//! Trust: when the chain given ends in a self-signed root, that root becomes
//! a trust anchor once every other check has passed. A chain that leads to
//! no known anchor is rejected.
//!
//! NOTE: `Keystore::create_credential` takes a key's certificate but not
//! its chain, so imports store the key bound to its certificate and then
//! record the chain below the anchor with `Keystore::install_certificates`.

use super::{
    CertificateInstall, CertificateRecord, CredentialId, KeyId, Keystore, KeystoreError, NewKey,
    Pin, UnlockedCredential,
};
use crate::error::Localized;
use crate::pki::{
    self, CertInfo, DEFAULT_MAX_DEPTH, ImportedKey, KeyRole, Pkcs12Options, PkiError, Subject,
};

/// Errors of enrolment: the keystore's and the PKI checks', plus matching
/// certificates to keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnrollError {
    /// The keystore failed (PIN, storage).
    #[error(transparent)]
    Keystore(#[from] KeystoreError),

    /// A certificate, chain, request or import check failed.
    #[error(transparent)]
    Pki(#[from] PkiError),

    /// A certificate whose public key belongs to no stored key.
    #[error(
        "certificate {subject} (SHA-256 {fingerprint}) is not for any key on this phone; install the certificate issued for this phone's request"
    )]
    NoKeyForCertificate {
        /// Subject of the certificate.
        subject: String,
        /// Its SHA-256 fingerprint.
        fingerprint: String,
    },

    /// An import of a key that the keystore already holds.
    #[error("the key of certificate {subject} is already on this phone")]
    KeyAlreadyStored {
        /// Subject of the certificate.
        subject: String,
    },

    /// `install` was called without certificates.
    #[error("no certificate to install")]
    NothingToInstall,
}

impl Localized for EnrollError {
    fn code(&self) -> &'static str {
        match self {
            EnrollError::Keystore(e) => e.code(),
            EnrollError::Pki(e) => e.code(),
            EnrollError::NoKeyForCertificate { .. } => "enroll.no_key_for_certificate",
            EnrollError::KeyAlreadyStored { .. } => "enroll.key_already_stored",
            EnrollError::NothingToInstall => "enroll.nothing_to_install",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            EnrollError::Keystore(e) => e.message_zh(),
            EnrollError::Pki(e) => e.message_zh(),
            EnrollError::NoKeyForCertificate {
                subject,
                fingerprint,
            } => format!(
                "证书 {subject}（SHA-256 {fingerprint}）与本机的任何密钥都不对应，请安装为本机申请签发的证书"
            ),
            EnrollError::KeyAlreadyStored { subject } => format!("证书 {subject} 的密钥已在本机中"),
            EnrollError::NothingToInstall => "没有要安装的证书".to_owned(),
        }
    }
}

/// Generates the signing and encryption keys, stores them under `pin` as
/// one new credential, and returns the credential with the DER PKCS#10
/// requests for the signing and the encryption key, in that order.
///
/// # Errors
/// [`EnrollError::Pki`] for a bad subject, [`EnrollError::Keystore`] for a
/// PIN that breaks the rules or a storage failure. Nothing is stored when
/// the requests cannot be built.
pub fn request(
    keystore: &Keystore,
    pin: &Pin,
    subject: &Subject,
) -> Result<(CredentialId, Vec<u8>, Vec<u8>), EnrollError> {
    subject.validate()?;

    let signing = pki::generate_key();
    let encryption = pki::generate_key();
    let csr_signing = pki::build_csr(&signing, subject, KeyRole::Signing)?;
    let csr_encryption = pki::build_csr(&encryption, subject, KeyRole::Encryption)?;

    let label = format!("{} / {}", subject.name, subject.company);
    let keys = vec![
        NewKey {
            role: KeyRole::Signing,
            secret: signing,
            certificate: None,
        },
        NewKey {
            role: KeyRole::Encryption,
            secret: encryption,
            certificate: None,
        },
    ];
    let (credential, key_ids) = keystore.create_credential(pin, &label, keys)?;
    tracing::info!(credential = %credential.0, keys = key_ids.len(), "created keys and requests");
    Ok((credential, csr_signing, csr_encryption))
}

/// Trust material for one installation or import: the configured anchors,
/// the self-signed roots of the given chain (not yet stored), and the
/// chain's other certificates as intermediates.
struct Trust {
    stored: Vec<CertInfo>,
    given_roots: Vec<CertInfo>,
    intermediates: Vec<CertInfo>,
}

impl Trust {
    fn gather(keystore: &Keystore, chain: &[CertInfo]) -> Result<Self, EnrollError> {
        let stored = keystore.trust_anchors()?;
        let (roots, intermediates): (Vec<CertInfo>, Vec<CertInfo>) =
            chain.iter().cloned().partition(pki::is_self_signed);

        // Every root of the file given may end the path, in whatever order
        // a CA bundle lists them; only the roots a verified path ends in
        // become anchors (see `commit`), not every root of the bundle.
        let given_roots = roots
            .into_iter()
            .filter(|r| !stored.iter().any(|a| a.der == r.der))
            .collect();
        Ok(Trust {
            stored,
            given_roots,
            intermediates,
        })
    }

    /// Validates `cert`'s chain at `now` and returns the path below the
    /// anchor (the leaf's issuer first) and the anchor it ends in.
    fn chain_for(
        &self,
        cert: &CertInfo,
        now: i64,
    ) -> Result<(Vec<CertInfo>, Option<CertInfo>), PkiError> {
        let anchors: Vec<CertInfo> = self
            .stored
            .iter()
            .chain(&self.given_roots)
            .cloned()
            .collect();
        let mut path =
            pki::verify_chain(cert, &self.intermediates, &anchors, now, DEFAULT_MAX_DEPTH)?;
        let anchor = path.pop();
        Ok((path, anchor))
    }

    /// Returns the given roots that the verified paths ended in: the
    /// trust anchors to add.
    fn new_anchors(&self, used: &[Option<CertInfo>]) -> Vec<CertInfo> {
        self.given_roots
            .iter()
            .filter(|root| used.iter().flatten().any(|anchor| anchor.der == root.der))
            .cloned()
            .collect()
    }

    /// Stores the given roots that the verified paths ended in.
    fn commit(&self, keystore: &Keystore, used: &[Option<CertInfo>]) -> Result<(), EnrollError> {
        for root in self.new_anchors(used) {
            keystore.add_trust_anchor(&root)?;
            tracing::info!(fingerprint = %root.fingerprint, "added trust anchor");
        }
        Ok(())
    }
}

/// Installs certificates the CA issued for stored keys. Each certificate
/// must carry the public key of a stored key, fit that key's role, and
/// chain through `chain` to a trust anchor at `now` (Unix seconds); a
/// self-signed root at the end of `chain` is taken as a new anchor. All must
/// be for keys of one credential, whose PIN `pin` is. Nothing is installed,
/// and no anchor added, unless every check and the PIN pass; the PIN is
/// checked once, as one try.
///
/// # Errors
/// [`EnrollError::NoKeyForCertificate`], [`EnrollError::Pki`] for key usage
/// and chain failures, [`EnrollError::Keystore`] for keys of two
/// credentials, a wrong PIN or storage.
pub fn install(
    keystore: &Keystore,
    pin: &Pin,
    certs: &[CertInfo],
    chain: &[CertInfo],
    now: i64,
) -> Result<Vec<CertificateRecord>, EnrollError> {
    let plan = plan_install(keystore, certs, chain, now)?;
    // The PIN is checked before anything is written, so a wrong PIN leaves
    // no trust anchor behind.
    let unlocked = keystore.unlock_credential(plan.credential(), pin, None)?;
    plan.apply(keystore, &unlocked)
}

/// Runs every check of [`install`] that needs no PIN and returns the
/// plan to apply once the credential is unlocked. The certificate download
/// plans first, then checks the PIN, then calls the platform, and applies
/// last. No rejection then comes after the platform marked the order
/// downloaded, and the PIN is checked once.
///
/// # Errors
/// As [`install`], except the PIN.
pub fn plan_install<'a>(
    keystore: &Keystore,
    certs: &'a [CertInfo],
    chain: &[CertInfo],
    now: i64,
) -> Result<InstallPlan<'a>, EnrollError> {
    InstallPlan::new(keystore, certs, chain, now)
}

/// The checked certificates of one installation, before anything is
/// written: each matched to its key and its chain below the anchor.
pub struct InstallPlan<'a> {
    credential: CredentialId,
    items: Vec<(KeyId, &'a CertInfo, Vec<CertInfo>)>,
    trust: Trust,
    anchors: Vec<Option<CertInfo>>,
}

impl std::fmt::Debug for InstallPlan<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstallPlan")
            .field("credential", &self.credential)
            .field("certificates", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl<'a> InstallPlan<'a> {
    /// Returns the credential whose keys the certificates are for.
    #[must_use]
    pub fn credential(&self) -> &CredentialId {
        &self.credential
    }

    fn new(
        keystore: &Keystore,
        certs: &'a [CertInfo],
        chain: &[CertInfo],
        now: i64,
    ) -> Result<Self, EnrollError> {
        let keys = keystore.keys()?;
        let trust = Trust::gather(keystore, chain)?;

        let mut credential: Option<CredentialId> = None;
        let mut items = Vec::with_capacity(certs.len());
        let mut anchors = Vec::with_capacity(certs.len());
        for cert in certs {
            let key = keys
                .iter()
                .find(|k| cert.p256_public_key.as_deref() == Some(k.public_key.as_slice()))
                .ok_or_else(|| EnrollError::NoKeyForCertificate {
                    subject: cert.subject.clone(),
                    fingerprint: cert.fingerprint.clone(),
                })?;
            match &credential {
                None => credential = Some(key.credential.clone()),
                Some(first) if *first != key.credential => {
                    return Err(KeystoreError::KeyOfAnotherCredential {
                        key: key.id.clone(),
                        credential: first.clone(),
                    }
                    .into());
                }
                Some(_) => {}
            }
            pki::check_key_usage(cert, key.role)?;
            let (below_anchor, anchor) = trust.chain_for(cert, now)?;
            items.push((key.id.clone(), cert, below_anchor));
            anchors.push(anchor);
        }
        let credential = credential.ok_or(EnrollError::NothingToInstall)?;
        Ok(InstallPlan {
            credential,
            items,
            trust,
            anchors,
        })
    }

    /// Installs every certificate and adds the new trust anchors, in one
    /// transaction.
    ///
    /// # Errors
    /// [`KeystoreError::KeyOfAnotherCredential`] when `unlocked` is another
    /// credential; the storage and integrity errors of
    /// [`Keystore::install_certificates`].
    pub fn apply(
        self,
        keystore: &Keystore,
        unlocked: &UnlockedCredential<'_>,
    ) -> Result<Vec<CertificateRecord>, EnrollError> {
        if *unlocked.credential() != self.credential {
            let key = self
                .items
                .first()
                .map(|(key, ..)| key.clone())
                .ok_or(EnrollError::NothingToInstall)?;
            return Err(KeystoreError::KeyOfAnotherCredential {
                key,
                credential: unlocked.credential().clone(),
            }
            .into());
        }
        let anchors = self.trust.new_anchors(&self.anchors);
        let installs: Vec<CertificateInstall<'_>> = self
            .items
            .iter()
            .map(|(key_id, cert, chain)| CertificateInstall {
                key_id,
                cert,
                chain,
            })
            .collect();
        let installed = keystore.install_certificates(unlocked, &installs, &anchors)?;
        for record in &installed {
            tracing::info!(key = %record.key_id.0, fingerprint = %record.cert.fingerprint, "installed certificate");
        }
        Ok(installed)
    }
}

/// The role an imported key takes from its certificate's key usage (see
/// the module documentation for the dual-use case).
///
/// # Errors
/// [`PkiError::WrongKeyUsage`] when the usage allows neither role.
pub fn role_for_certificate(cert: &CertInfo) -> Result<KeyRole, PkiError> {
    let ku = &cert.key_usage;
    let signs = ku.digital_signature || ku.non_repudiation;
    if !ku.present || signs {
        return Ok(KeyRole::Signing);
    }
    if ku.key_agreement {
        return Ok(KeyRole::Encryption);
    }
    Err(PkiError::WrongKeyUsage {
        subject: cert.subject.clone(),
        role: KeyRole::Signing.as_str(),
        need: "digitalSignature, nonRepudiation or keyAgreement",
    })
}

/// Imports the keys of a PKCS#12 file under a new PIN, each with its
/// certificate, after checking their chains at `now` (Unix seconds).
///
/// # Errors
/// [`EnrollError::Pki`] for the file and chain checks (see
/// [`pki::parse_pkcs12`]), [`EnrollError::KeyAlreadyStored`],
/// [`EnrollError::Keystore`] for the new PIN or storage.
pub fn import_pkcs12(
    keystore: &Keystore,
    bytes: &[u8],
    password: &str,
    new_pin: &Pin,
    now: i64,
) -> Result<(CredentialId, Vec<KeyId>), EnrollError> {
    import_pkcs12_with_chain(keystore, bytes, password, &[], new_pin, now)
}

/// As [`import_pkcs12`], with CA certificates given beside the file for
/// one that carries none (or not its root): `chain` is added to the
/// file's own, and a root that a verified path ends in becomes a trust
/// anchor.
///
/// # Errors
/// As [`import_pkcs12`].
pub fn import_pkcs12_with_chain(
    keystore: &Keystore,
    bytes: &[u8],
    password: &str,
    chain: &[CertInfo],
    new_pin: &Pin,
    now: i64,
) -> Result<(CredentialId, Vec<KeyId>), EnrollError> {
    let contents = pki::parse_pkcs12(bytes, password, Pkcs12Options::default())?;
    let mut all = contents.chain;
    all.extend(chain.iter().cloned());
    import_keys(keystore, contents.keys, &all, new_pin, now)
}

/// Imports a PKCS#8 or SEC1 key (PEM or DER, `password` for an encrypted
/// one) with its certificate and an optional chain, under a new PIN.
///
/// # Errors
/// As [`import_pkcs12`], with the parse errors of [`pki::import_pkcs8`].
pub fn import_pkcs8(
    keystore: &Keystore,
    key: &[u8],
    cert: &[u8],
    chain: Option<&[u8]>,
    password: Option<&str>,
    new_pin: &Pin,
    now: i64,
) -> Result<(CredentialId, Vec<KeyId>), EnrollError> {
    let (imported, chain) = pki::import_pkcs8(key, cert, chain, password)?;
    import_keys(keystore, vec![imported], &chain, new_pin, now)
}

fn import_keys(
    keystore: &Keystore,
    imported: Vec<ImportedKey>,
    chain: &[CertInfo],
    new_pin: &Pin,
    now: i64,
) -> Result<(CredentialId, Vec<KeyId>), EnrollError> {
    let stored = keystore.keys()?;
    let trust = Trust::gather(keystore, chain)?;

    let mut keys = Vec::with_capacity(imported.len());
    let mut chains = Vec::with_capacity(imported.len());
    let mut anchors = Vec::with_capacity(imported.len());
    for ImportedKey { secret, cert } in imported {
        if stored
            .iter()
            .any(|k| cert.p256_public_key.as_deref() == Some(k.public_key.as_slice()))
        {
            return Err(EnrollError::KeyAlreadyStored {
                subject: cert.subject.clone(),
            });
        }
        let role = role_for_certificate(&cert)?;
        let (below_anchor, anchor) = trust.chain_for(&cert, now)?;
        chains.push(below_anchor);
        anchors.push(anchor);
        keys.push(NewKey {
            role,
            secret,
            certificate: Some(cert),
        });
    }
    let certs: Vec<CertInfo> = keys.iter().filter_map(|k| k.certificate.clone()).collect();
    let label = certs.first().map(|c| c.subject.clone()).unwrap_or_default();

    trust.commit(keystore, &anchors)?;
    let (credential, key_ids) = keystore.create_credential(new_pin, &label, keys)?;
    let installs: Vec<CertificateInstall<'_>> = key_ids
        .iter()
        .zip(&certs)
        .zip(&chains)
        .filter(|(_, below_anchor)| !below_anchor.is_empty())
        .map(|((key_id, cert), chain)| CertificateInstall {
            key_id,
            cert,
            chain,
        })
        .collect();
    if !installs.is_empty() {
        // The chains are recorded under the new PIN, checked once.
        let unlocked = keystore.unlock_credential(&credential, new_pin, None)?;
        keystore.install_certificates(&unlocked, &installs, &[])?;
    }
    tracing::info!(credential = %credential.0, keys = key_ids.len(), "imported keys");
    Ok((credential, key_ids))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::KeyUsage;

    fn cert_with(ku: KeyUsage) -> CertInfo {
        CertInfo {
            der: Vec::new(),
            subject: "CN=t".to_owned(),
            issuer: "CN=t".to_owned(),
            issuer_der: Vec::new(),
            subject_der: Vec::new(),
            serial: vec![1],
            not_before: 0,
            not_after: 1,
            fingerprint: String::new(),
            spki_der: Vec::new(),
            p256_public_key: None,
            subject_key_id: None,
            key_usage: ku,
            is_ca: false,
        }
    }

    #[test]
    fn role_follows_key_usage() {
        let agreement = KeyUsage {
            key_agreement: true,
            present: true,
            ..KeyUsage::default()
        };
        assert_eq!(
            role_for_certificate(&cert_with(agreement)).ok(),
            Some(KeyRole::Encryption)
        );

        let signing = KeyUsage {
            non_repudiation: true,
            present: true,
            ..KeyUsage::default()
        };
        assert_eq!(
            role_for_certificate(&cert_with(signing)).ok(),
            Some(KeyRole::Signing)
        );

        let dual = KeyUsage {
            digital_signature: true,
            key_agreement: true,
            present: true,
            ..KeyUsage::default()
        };
        assert_eq!(
            role_for_certificate(&cert_with(dual)).ok(),
            Some(KeyRole::Signing)
        );

        assert_eq!(
            role_for_certificate(&cert_with(KeyUsage::default())).ok(),
            Some(KeyRole::Signing)
        );

        let neither = KeyUsage {
            key_encipherment: true,
            present: true,
            ..KeyUsage::default()
        };
        assert!(matches!(
            role_for_certificate(&cert_with(neither)),
            Err(PkiError::WrongKeyUsage { .. })
        ));
    }
}
