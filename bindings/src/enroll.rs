//! Getting keys and certificates into the keystore: certificate requests
//! and their installation, PKCS#12 and PKCS#8 imports.

use std::sync::Arc;

use palmbid_core::keystore as enroll;
use palmbid_core::keystore::{self as core, CredentialId, Pin};
use palmbid_core::pki::CertInfo;

use crate::error::PalmbidError;
use crate::keystore::Keystore;
use crate::records::{CertificateRecord, CertificateRequests, Subject};

#[uniffi::export(async_runtime = "tokio")]
impl Keystore {
    /// Makes a signing and an encryption key under a new PIN, and a PKCS#10
    /// request for each, to send to the CA.
    ///
    /// # Errors
    /// A bad subject (name, company, credit code), a PIN that breaks the
    /// rules, or a database error.
    pub async fn request_certificates(
        self: Arc<Self>,
        subject: Subject,
        new_pin: String,
    ) -> Result<CertificateRequests, PalmbidError> {
        let new_pin = Pin::entered(new_pin);
        self.with("Keystore.request_certificates", move |keystore| {
            let (credential, signing, encryption) =
                enroll::request(keystore, &new_pin, &subject.into())
                    .map_err(PalmbidError::from_core)?;
            Ok(CertificateRequests {
                credential_id: credential.0,
                signing_csr_der: signing,
                encryption_csr_der: encryption,
            })
        })
        .await
    }

    /// Installs the certificates the CA issued for this phone's requests
    /// (DER or PEM each); `chain` is the issuing chain, and a self-signed
    /// root at its end becomes a trust anchor. Nothing is installed unless
    /// every certificate, the chain and the PIN pass.
    ///
    /// # Errors
    /// A certificate for no stored key, a wrong key usage or chain, a wrong
    /// PIN (with tries left), locked, or a database error.
    pub async fn install_certificates(
        self: Arc<Self>,
        certificates: Vec<Vec<u8>>,
        chain: Vec<Vec<u8>>,
        pin: String,
    ) -> Result<Vec<CertificateRecord>, PalmbidError> {
        let pin = Pin::entered(pin);
        self.with("Keystore.install_certificates", move |keystore| {
            let certificates = parse_all(&certificates, "certificate")?;
            let chain = parse_all(&chain, "chain certificate")?;
            let installed =
                enroll::install(keystore, &pin, &certificates, &chain, crate::unix_now())
                    .map_err(PalmbidError::from_core)?;
            Ok(installed.into_iter().map(CertificateRecord::from).collect())
        })
        .await
    }

    /// Imports the keys and certificates of a PKCS#12 (.p12/.pfx) file under
    /// a new PIN, and returns what was installed.
    ///
    /// # Errors
    /// A wrong password, a damaged or unsupported file, a chain that leads
    /// to no trust anchor, a key already stored, a PIN that breaks the
    /// rules, or a database error.
    pub async fn import_pkcs12(
        self: Arc<Self>,
        pkcs12: Vec<u8>,
        password: String,
        new_pin: String,
    ) -> Result<Vec<CertificateRecord>, PalmbidError> {
        let password = zeroize::Zeroizing::new(password);
        let new_pin = Pin::entered(new_pin);
        self.with("Keystore.import_pkcs12", move |keystore| {
            let (credential, _) =
                enroll::import_pkcs12(keystore, &pkcs12, &password, &new_pin, crate::unix_now())
                    .map_err(PalmbidError::from_core)?;
            records_of(keystore, &credential)
        })
        .await
    }

    /// Imports a PKCS#8 or SEC1 private key (PEM or DER; `password` for an
    /// encrypted one) with its certificate and optional chain (PEM or DER)
    /// under a new PIN, and returns what was installed.
    ///
    /// # Errors
    /// As [`Keystore::import_pkcs12`], and a certificate not matching the
    /// key.
    pub async fn import_pkcs8(
        self: Arc<Self>,
        private_key: Vec<u8>,
        certificate: Vec<u8>,
        chain: Option<Vec<u8>>,
        password: Option<String>,
        new_pin: String,
    ) -> Result<Vec<CertificateRecord>, PalmbidError> {
        let private_key = zeroize::Zeroizing::new(private_key);
        let password = password.map(zeroize::Zeroizing::new);
        let new_pin = Pin::entered(new_pin);
        self.with("Keystore.import_pkcs8", move |keystore| {
            let (credential, _) = enroll::import_pkcs8(
                keystore,
                &private_key,
                &certificate,
                chain.as_deref(),
                password.as_ref().map(|p| p.as_str()),
                &new_pin,
                crate::unix_now(),
            )
            .map_err(PalmbidError::from_core)?;
            records_of(keystore, &credential)
        })
        .await
    }
}

/// Parses each certificate (DER or PEM); `what` names them in errors.
fn parse_all(certificates: &[Vec<u8>], what: &str) -> Result<Vec<CertInfo>, PalmbidError> {
    certificates
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            CertInfo::from_pem_or_der(bytes, &format!("{what} {}", i + 1))
                .map_err(PalmbidError::from_core)
        })
        .collect()
}

/// Lists the installed certificates of one credential.
fn records_of(
    keystore: &core::Keystore,
    credential: &CredentialId,
) -> Result<Vec<CertificateRecord>, PalmbidError> {
    let records = keystore.certificates().map_err(PalmbidError::from_core)?;
    Ok(records
        .into_iter()
        .filter(|r| &r.credential == credential)
        .map(CertificateRecord::from)
        .collect())
}
