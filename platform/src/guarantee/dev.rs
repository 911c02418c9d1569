//! The development guarantee institution (开发测试机构) that runs on the
//! reference platform, so the whole flow can be tried and tested.
//!
//! Its key and certificate are issued at first start by the platform CA,
//! under the name [`DEV_INSTITUTION_NAME`], and kept in
//! `{data}/guarantee/`. The catalogue entry [`DEV_INSTITUTION_ID`] is
//! written at every start with the current application address. Its
//! application page (`web::guarantee`) takes the guarantee code and the
//! bidder's statement, checks the statement ([`DevInstitution::check_statement`]),
//! issues a sealed PDF or refuses, and reports through the same callback
//! check as any institution ([`super::callback::accept`]), called in
//! process rather than over HTTP.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::DecodePrivateKey;
use palmbid_core::api::guarantee::{
    BidderStatement, CallbackEvent, GuaranteeCallback, InstitutionKind, STATEMENT_LIFETIME_SECS,
    callback_message, statement_message,
};
use palmbid_core::pki::{self, CertInfo, IssuingCa, KeyRole, Subject, Validity};
use rand_core::{OsRng, RngCore};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::GuaranteeError;
use super::store::{self, CodeRow, InstitutionRow};

/// Catalogue id of the development institution.
pub const DEV_INSTITUTION_ID: &str = "dev-institution";

/// Its name, in the catalogue and in its certificate.
pub const DEV_INSTITUTION_NAME: &str = "开发测试保函机构 palmbid development guarantee institution";

/// The company name in its certificate.
const DEV_COMPANY: &str = "开发测试机构（非真实机构） development institution, not real";

/// A credit code of the right form for its certificate; no real company.
const DEV_CREDIT_CODE: &str = "910000000000000DEC";

/// Path of its application page below the platform's base address.
pub const DEV_APPLY_PATH: &str = "dev/guarantee-institution/apply";

/// Its fee rate, basis points.
const DEV_FEE_RATE_BP: u32 = 10;

/// Certificate validity, days.
const VALIDITY_DAYS: u32 = 3650;

/// Seconds of slack on a statement's times for the phone's clock estimate.
const STATEMENT_SLACK_SECS: i64 = 60;

/// The development institution's key and certificate.
pub struct DevInstitution {
    key: p256::SecretKey,
    cert: CertInfo,
    root: CertInfo,
}

impl std::fmt::Debug for DevInstitution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevInstitution")
            .field("cert", &self.cert)
            .finish_non_exhaustive()
    }
}

fn failed(what: &str, detail: impl std::fmt::Display) -> GuaranteeError {
    GuaranteeError::Institution(format!("{what}: {detail}"))
}

impl DevInstitution {
    /// Loads the institution from `dir`, or has `ca` issue one valid from
    /// `now` and stores it there.
    ///
    /// # Errors
    /// [`GuaranteeError::Institution`] when the files cannot be read,
    /// written or parsed.
    pub fn load_or_create(dir: &Path, ca: &IssuingCa, now: i64) -> Result<Self, GuaranteeError> {
        let cert_path = dir.join("dev-institution.pem");
        let key_path = dir.join("dev-institution.key.pem");
        let root = ca.certificate().clone();
        if cert_path.exists() {
            let cert =
                std::fs::read(&cert_path).map_err(|e| failed("reading the certificate", e))?;
            let cert = CertInfo::from_pem_or_der(&cert, "development institution certificate")
                .map_err(|e| failed("parsing the certificate", e))?;
            let pem = Zeroizing::new(
                std::fs::read_to_string(&key_path).map_err(|e| failed("reading the key", e))?,
            );
            let key =
                p256::SecretKey::from_pkcs8_pem(&pem).map_err(|e| failed("parsing the key", e))?;
            return Ok(DevInstitution { key, cert, root });
        }

        let issued = ca
            .issue_with_new_key(
                &Subject {
                    name: DEV_INSTITUTION_NAME.to_owned(),
                    company: DEV_COMPANY.to_owned(),
                    credit_code: DEV_CREDIT_CODE.to_owned(),
                },
                KeyRole::Signing,
                Validity {
                    not_before: now - crate::ca::BACKDATE_SECONDS,
                    days: VALIDITY_DAYS,
                },
            )
            .map_err(|e| failed("issuing the certificate", e))?;
        let key = p256::SecretKey::from_pkcs8_pem(&issued.key_pkcs8_pem)
            .map_err(|e| failed("parsing the key", e))?;
        std::fs::create_dir_all(dir).map_err(|e| failed("creating the folder", e))?;
        crate::ca::write_private(&key_path, issued.key_pkcs8_pem.as_bytes())
            .map_err(|e| failed("writing the key", e))?;
        std::fs::write(&cert_path, issued.cert.to_pem())
            .map_err(|e| failed("writing the certificate", e))?;
        tracing::info!(fingerprint = %issued.cert.fingerprint, "development guarantee institution created");
        Ok(DevInstitution {
            key,
            cert: issued.cert,
            root,
        })
    }

    /// Its certificate.
    pub fn certificate(&self) -> &CertInfo {
        &self.cert
    }

    /// Writes its catalogue entry, with the application page under
    /// `public_base` (ending in `/`).
    ///
    /// # Errors
    /// [`GuaranteeError::Db`].
    pub fn register(&self, conn: &Connection, public_base: &str) -> Result<(), GuaranteeError> {
        store::put_institution(
            conn,
            &InstitutionRow {
                id: DEV_INSTITUTION_ID.to_owned(),
                name: DEV_INSTITUTION_NAME.to_owned(),
                kind: InstitutionKind::Guarantor,
                fee_rate_bp: DEV_FEE_RATE_BP,
                apply_url: format!("{public_base}{DEV_APPLY_PATH}"),
                certificate: self.cert.der.clone(),
                development: true,
            },
        )
    }

    /// Reads and checks a bidder's statement for `code`: the form, this
    /// institution and code, the platform `public_base`, the times at
    /// `now`, the signature, and a signing certificate of this platform's
    /// CA, valid and not revoked, of the company the code is for.
    ///
    /// # Errors
    /// [`GuaranteeError::StatementInvalid`] saying what failed;
    /// [`GuaranteeError::CodeNotFound`]; [`GuaranteeError::Db`].
    pub fn check_statement(
        &self,
        conn: &Connection,
        code: &str,
        statement: &str,
        public_base: &str,
        now: i64,
    ) -> Result<(BidderStatement, CodeRow), GuaranteeError> {
        let invalid = |reason: String| GuaranteeError::StatementInvalid { reason };
        let json = URL_SAFE_NO_PAD
            .decode(statement.trim())
            .map_err(|_| invalid("it is not base64url".to_owned()))?;
        let statement: BidderStatement = serde_json::from_slice(&json)
            .map_err(|e| invalid(format!("it does not parse: {e}")))?;
        if statement.institution != DEV_INSTITUTION_ID {
            return Err(invalid(format!(
                "it is for institution {}",
                statement.institution
            )));
        }
        if statement.code != code {
            return Err(invalid("it is for another guarantee code".to_owned()));
        }
        if statement.platform != public_base {
            return Err(invalid(format!(
                "it is for platform {}",
                statement.platform
            )));
        }
        if statement.expires_at - statement.issued_at > STATEMENT_LIFETIME_SECS
            || now < statement.issued_at - STATEMENT_SLACK_SECS
            || now > statement.expires_at
        {
            return Err(invalid(format!(
                "it is valid from {} to {}, and the time is {now}; apply again from the phone",
                statement.issued_at, statement.expires_at
            )));
        }

        let der = STANDARD
            .decode(&statement.certificate)
            .map_err(|_| invalid("the certificate is not base64".to_owned()))?;
        let cert =
            CertInfo::from_der(&der, "bidder certificate").map_err(|e| invalid(e.to_string()))?;
        pki::check_key_usage(&cert, KeyRole::Signing).map_err(|e| invalid(e.to_string()))?;
        pki::verify_chain(
            &cert,
            &[],
            std::slice::from_ref(&self.root),
            now,
            pki::DEFAULT_MAX_DEPTH,
        )
        .map_err(|e| invalid(format!("the certificate is not this platform's: {e}")))?;
        if crate::ca::revocation::is_revoked(conn, &cert.fingerprint)? {
            return Err(invalid("the certificate is revoked".to_owned()));
        }
        let signature = STANDARD
            .decode(&statement.signature)
            .map_err(|_| invalid("the signature is not base64".to_owned()))?;
        let message = statement_message(&statement);
        if !pki::verify_ecdsa_prehash(&cert.spki_der, &Sha256::digest(&message), &signature)
            .unwrap_or(false)
        {
            return Err(invalid("the signature does not verify".to_owned()));
        }
        let marker = format!("organizationIdentifier={}", statement.credit_code);
        if !cert.subject.split(',').any(|part| part.trim() == marker) {
            return Err(invalid("the certificate is of another company".to_owned()));
        }
        let row = store::code_row(conn, code)?;
        if row.code.credit_code != statement.credit_code {
            return Err(invalid(
                "the guarantee code is another company's".to_owned(),
            ));
        }
        Ok((statement, row))
    }

    /// Issues a sealed guarantee PDF for `row` with a new guarantee number.
    ///
    /// # Errors
    /// [`GuaranteeError::Institution`].
    pub fn issue(&self, row: &CodeRow, now: i64) -> Result<(String, Vec<u8>), GuaranteeError> {
        let mut bytes = [0_u8; 6];
        OsRng.fill_bytes(&mut bytes);
        let guarantee_no = format!("DEV-{}", hex::encode_upper(bytes));
        let pdf = super::document::sealed_guarantee(
            row,
            &guarantee_no,
            DEV_INSTITUTION_NAME,
            &self.key,
            &self.cert,
            std::slice::from_ref(&self.root),
            now,
        )?;
        Ok((guarantee_no, pdf))
    }

    /// A callback of this institution, with a fresh id, signed.
    pub fn callback(
        &self,
        code: &str,
        event: CallbackEvent,
        guarantee_no: Option<String>,
        reason: Option<String>,
        document: Option<&[u8]>,
        now: i64,
    ) -> GuaranteeCallback {
        let mut bytes = [0_u8; 16];
        OsRng.fill_bytes(&mut bytes);
        let mut callback = GuaranteeCallback {
            institution: DEV_INSTITUTION_ID.to_owned(),
            code: code.to_owned(),
            event,
            callback_id: hex::encode(bytes),
            sent_at: now,
            guarantee_no,
            reason,
            document: document.map(|d| STANDARD.encode(d)),
            signature: String::new(),
        };
        let digest = document
            .map(|d| hex::encode(Sha256::digest(d)))
            .unwrap_or_default();
        let signature: DerSignature =
            SigningKey::from(&self.key).sign(&callback_message(&callback, &digest));
        callback.signature = STANDARD.encode(signature.as_bytes());
        callback
    }
}
