//! Electronic bid guarantees (电子保函) on the phone: the projects that
//! need one, their sections, the guarantee code, the institutions, the
//! application address ("去申请") and the guarantee's state.
//!
//! The protocol is in [`crate::api::guarantee`]. The flow, as the app
//! drives it:
//!
//! 1. [`guarantee_projects`] (电子保函 on the home screen), then
//!    [`guarantee_sections`] of a project;
//! 2. [`guarantee_code`] of a section the company bids in;
//! 3. [`guarantee_institutions`], then [`apply_for_guarantee`] with the
//!    chosen one and the PIN: the phone signs a statement of who the
//!    bidder is, the platform records the application, and the app opens
//!    the returned address;
//! 4. [`guarantee_status`]: the state, and once issued the document, which
//!    is shown as issued only after [`check_guarantee_document`] passed.
//!
//! Trust: the institution's certificate comes from the catalogue of a
//! trusted platform and must chain to that platform's anchor. The document
//! must carry one `PAdES` signature over the whole file by exactly that
//! certificate, and its document information must name this guarantee
//! code, project, section and company.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use url::{Host, Url};

use super::{AccountError, AccountStore, TrustedPlatform, client_for};
use crate::api::guarantee::{
    BidderStatement, DOC_KEY_CODE, DOC_KEY_CREDIT_CODE, DOC_KEY_GUARANTEE_NO, DOC_KEY_PROJECT,
    DOC_KEY_SECTION, GuaranteeCode, GuaranteeProject, GuaranteeState, Institution,
    STATEMENT_LIFETIME_SECS, SectionList, statement_message,
};
use crate::keystore::{CertificateRecord, CredentialId, KeyOperation, KeyUse, Keystore, Pin};
use crate::pki::{self, CertInfo, KeyRole};

/// The application address to open, and what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuaranteeApplication {
    /// The institution's page with the code and the signed statement.
    pub url: String,
    /// The institution applied to.
    pub institution: Institution,
    /// The guarantee code.
    pub code: GuaranteeCode,
    /// When the statement in the address expires, Unix seconds, server
    /// clock.
    pub expires_at: i64,
}

/// An issued guarantee whose document verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedGuarantee {
    /// The signed PDF.
    pub pdf: Vec<u8>,
    /// The institution's guarantee number, from the signed document.
    pub guarantee_no: String,
    /// The signing certificate's subject.
    pub signer_subject: String,
    /// The signing certificate's SHA-256 fingerprint.
    pub signer_fingerprint: String,
}

/// A section's guarantee as the phone shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuaranteeView {
    /// The code and the section it stands for.
    pub code: GuaranteeCode,
    /// The state; [`GuaranteeState::Issued`] only with a verified
    /// document.
    pub state: GuaranteeState,
    /// The institution applied to or reporting, by id.
    pub institution: Option<String>,
    /// The institution's reason for a rejection or a cancellation.
    pub reason: Option<String>,
    /// When the state last changed, Unix seconds.
    pub updated_at: Option<i64>,
    /// The verified document, when issued.
    pub document: Option<VerifiedGuarantee>,
}

/// Lists the session's projects that require a bid guarantee.
///
/// # Errors
/// [`AccountError::UnknownPlatform`], [`AccountError::NotLoggedIn`],
/// [`AccountError::Api`].
pub async fn guarantee_projects(
    store: &AccountStore,
    name: &str,
) -> Result<Vec<GuaranteeProject>, AccountError> {
    let client = session_client(store, name)?;
    Ok(client.guarantee_projects().await?.projects)
}

/// Lists the sections of `project`, each with the company bidding in it.
///
/// # Errors
/// As [`guarantee_projects`]; `guarantee.project_not_found` and
/// `guarantee.not_a_bidder` from the platform.
pub async fn guarantee_sections(
    store: &AccountStore,
    name: &str,
    project: &str,
) -> Result<SectionList, AccountError> {
    let client = session_client(store, name)?;
    Ok(client.guarantee_sections(project).await?)
}

/// Gets the guarantee code of `section` of `project`.
///
/// # Errors
/// As [`guarantee_projects`]; `guarantee.not_a_bidder` when the company
/// does not bid in the section, `guarantee.section_not_found`.
pub async fn guarantee_code(
    store: &AccountStore,
    name: &str,
    project: &str,
    section: u32,
) -> Result<GuaranteeCode, AccountError> {
    let client = session_client(store, name)?;
    let code = client.guarantee_code(project, section).await?;
    tracing::info!(project, section, code = %code.code, "guarantee code received");
    Ok(code)
}

/// Lists the institutions that can issue guarantees on platform `name`.
/// Each certificate is checked against the platform's anchor, and an
/// institution whose certificate does not chain is left out and logged.
///
/// # Errors
/// As [`guarantee_projects`].
pub async fn guarantee_institutions(
    store: &AccountStore,
    name: &str,
) -> Result<Vec<Institution>, AccountError> {
    let platform = store.platform(name)?;
    let client = session_client(store, name)?;
    let listed = client.guarantee_institutions().await?.institutions;
    // After the first answer the client knows the server clock.
    let now = client.server_now();
    Ok(listed
        .into_iter()
        .filter(
            |institution| match institution_certificate(&platform, institution, now) {
                Ok(_) => true,
                Err(err) => {
                    tracing::warn!(institution = %institution.id, %err, "institution left out");
                    false
                }
            },
        )
        .collect())
}

/// The credential whose PIN [`apply_for_guarantee`] asks for on `section`
/// of `project`: the one of the newest valid signing certificate of the
/// bidding company that chains to the platform. The app shows that
/// credential's tries left before the PIN is typed. Uses no PIN.
///
/// # Errors
/// [`AccountError::NoGuaranteeCertificate`] when the phone holds no such
/// certificate; otherwise as [`guarantee_code`].
pub async fn guarantee_pin_credential(
    store: &AccountStore,
    keystore: &Keystore,
    name: &str,
    project: &str,
    section: u32,
) -> Result<CredentialId, AccountError> {
    let platform = store.platform(name)?;
    let client = session_client(store, name)?;
    let code = client.guarantee_code(project, section).await?;
    let signer = company_signer(keystore, &platform, &code.credit_code, client.server_now())?;
    Ok(signer.credential)
}

/// Applies for the guarantee of `section` of `project` with
/// `institution`: signs the bidder's statement with the company's signing
/// key (unlocked by `pin`), records the application on the platform and
/// returns the address to open.
///
/// # Errors
/// [`AccountError::InstitutionUnknown`] for an institution not in the
/// catalogue and [`AccountError::NoGuaranteeCertificate`] before any PIN
/// try; [`AccountError::Keystore`] for a wrong PIN or a locked key;
/// [`AccountError::ApplyUrlInvalid`]; [`AccountError::Api`].
pub async fn apply_for_guarantee(
    store: &AccountStore,
    keystore: &Keystore,
    name: &str,
    project: &str,
    section: u32,
    institution: &str,
    pin: &Pin,
) -> Result<GuaranteeApplication, AccountError> {
    let platform = store.platform(name)?;
    let client = session_client(store, name)?;
    let code = client.guarantee_code(project, section).await?;
    let chosen = guarantee_institutions(store, name)
        .await?
        .into_iter()
        .find(|i| i.id == institution)
        .ok_or_else(|| AccountError::InstitutionUnknown {
            id: institution.chars().take(64).collect(),
        })?;
    let mut url = apply_url(&chosen.apply_url)?;

    let now = client.server_now();
    let signer = company_signer(keystore, &platform, &code.credit_code, now)?;
    let mut statement = BidderStatement {
        platform: platform.base_url.to_string(),
        institution: chosen.id.clone(),
        code: code.code.clone(),
        credit_code: code.credit_code.clone(),
        issued_at: now,
        expires_at: now + STATEMENT_LIFETIME_SECS,
        certificate: STANDARD.encode(&signer.cert.der),
        signature: String::new(),
    };
    let usage = KeyUse::new(KeyOperation::GuaranteeApplication)
        .platform(name)
        .project(project);
    let key = keystore.unlock(&signer.key_id, pin, &usage)?;
    let signature: DerSignature =
        SigningKey::from(key.secret()).sign(&statement_message(&statement));
    drop(key);
    statement.signature = STANDARD.encode(signature.as_bytes());

    client.guarantee_apply(&code.code, &chosen.id).await?;
    let json = serde_json::to_vec(&statement).map_err(|e| AccountError::BadAnswer {
        reason: e.to_string(),
    })?;
    url.query_pairs_mut()
        .append_pair("code", &code.code)
        .append_pair("statement", &URL_SAFE_NO_PAD.encode(json));
    tracing::info!(code = %code.code, institution = %chosen.id, "guarantee applied for");
    Ok(GuaranteeApplication {
        url: url.to_string(),
        institution: chosen,
        code,
        expires_at: statement.expires_at,
    })
}

/// Reads the guarantee of `section` of `project`. An issued guarantee's
/// document is checked with [`check_guarantee_document`] first.
///
/// # Errors
/// [`AccountError::GuaranteeNotGenuine`] when an issued document does not
/// pass; otherwise as [`guarantee_code`].
pub async fn guarantee_status(
    store: &AccountStore,
    name: &str,
    project: &str,
    section: u32,
) -> Result<GuaranteeView, AccountError> {
    let platform = store.platform(name)?;
    let client = session_client(store, name)?;
    let code = client.guarantee_code(project, section).await?;
    let status = client.guarantee_status(&code.code).await?;

    let document = if status.state == GuaranteeState::Issued {
        let not_genuine = |reason: String| AccountError::GuaranteeNotGenuine { reason };
        let pdf = status
            .document
            .as_deref()
            .and_then(|b64| STANDARD.decode(b64).ok())
            .ok_or_else(|| not_genuine("the platform sent no readable document".to_owned()))?;
        let institution_id = status
            .institution
            .as_deref()
            .ok_or_else(|| not_genuine("no institution is named".to_owned()))?;
        let institution = client
            .guarantee_institutions()
            .await?
            .institutions
            .into_iter()
            .find(|i| i.id == institution_id)
            .ok_or_else(|| AccountError::InstitutionUnknown {
                id: institution_id.to_owned(),
            })?;
        Some(check_guarantee_document(
            &platform,
            &institution,
            &code,
            &pdf,
            client.server_now(),
        )?)
    } else {
        None
    };
    tracing::info!(code = %code.code, state = status.state.as_str(), "guarantee status read");
    Ok(GuaranteeView {
        code,
        state: status.state,
        institution: status.institution,
        reason: status.reason,
        updated_at: status.updated_at,
        document,
    })
}

/// Checks an issued guarantee's PDF: one signature over the whole file
/// that verifies at `now` to the platform's anchor, made by the
/// institution's catalogue certificate, and document information naming
/// `code`'s guarantee code, project, section and company.
///
/// # Errors
/// [`AccountError::GuaranteeNotGenuine`] saying which check failed.
pub fn check_guarantee_document(
    platform: &TrustedPlatform,
    institution: &Institution,
    code: &GuaranteeCode,
    pdf: &[u8],
    now: i64,
) -> Result<VerifiedGuarantee, AccountError> {
    let not_genuine = |reason: String| AccountError::GuaranteeNotGenuine { reason };
    let expected = institution_certificate(platform, institution, now)?;
    let signed = crate::pdf::verify_signed_pdf(pdf, std::slice::from_ref(&platform.anchor), now)
        .map_err(|e| not_genuine(e.to_string()))?;
    if signed.signer.fingerprint != expected.fingerprint {
        return Err(not_genuine(format!(
            "it is signed by {}, not by the institution {}",
            signed.signer.subject, institution.name
        )));
    }

    let section = code.section.to_string();
    for (key, want) in [
        (DOC_KEY_CODE, code.code.as_str()),
        (DOC_KEY_PROJECT, code.project_id.as_str()),
        (DOC_KEY_SECTION, section.as_str()),
        (DOC_KEY_CREDIT_CODE, code.credit_code.as_str()),
    ] {
        let found = signed.info.get(key).map(String::as_str);
        if found != Some(want) {
            return Err(not_genuine(format!(
                "its {key} is {found:?}, not {want:?}: it is another guarantee's document"
            )));
        }
    }
    let guarantee_no = signed
        .info
        .get(DOC_KEY_GUARANTEE_NO)
        .cloned()
        .ok_or_else(|| not_genuine(format!("it has no {DOC_KEY_GUARANTEE_NO}")))?;
    tracing::info!(code = %code.code, signer = %signed.signer.fingerprint, "guarantee document verified");
    Ok(VerifiedGuarantee {
        pdf: pdf.to_vec(),
        guarantee_no,
        signer_subject: signed.signer.subject,
        signer_fingerprint: signed.signer.fingerprint,
    })
}

/// Parses the institution's certificate and checks that it chains to the
/// platform's anchor, is valid at `now` and is a signing certificate.
fn institution_certificate(
    platform: &TrustedPlatform,
    institution: &Institution,
    now: i64,
) -> Result<CertInfo, AccountError> {
    let not_genuine = |reason: String| AccountError::GuaranteeNotGenuine { reason };
    let der = STANDARD
        .decode(&institution.certificate)
        .map_err(|_| not_genuine("the institution's certificate is not base64".to_owned()))?;
    let cert = CertInfo::from_der(&der, "institution certificate")
        .map_err(|e| not_genuine(e.to_string()))?;
    pki::check_key_usage(&cert, KeyRole::Signing).map_err(|e| not_genuine(e.to_string()))?;
    pki::verify_chain(
        &cert,
        &[],
        std::slice::from_ref(&platform.anchor),
        now,
        pki::DEFAULT_MAX_DEPTH,
    )
    .map_err(|e| not_genuine(format!("the institution's certificate is not trusted: {e}")))?;
    Ok(cert)
}

/// Picks the newest valid signing certificate of company `credit_code`
/// issued under the platform's anchor.
fn company_signer(
    keystore: &Keystore,
    platform: &TrustedPlatform,
    credit_code: &str,
    now: i64,
) -> Result<CertificateRecord, AccountError> {
    let marker = format!("organizationIdentifier={credit_code}");
    keystore
        .certificates()?
        .into_iter()
        .filter(|c| c.role == KeyRole::Signing)
        .filter(|c| c.cert.subject.split(',').any(|part| part.trim() == marker))
        .filter(|c| {
            pki::verify_chain(
                &c.cert,
                &c.chain,
                std::slice::from_ref(&platform.anchor),
                now,
                pki::DEFAULT_MAX_DEPTH,
            )
            .is_ok()
        })
        .max_by_key(|c| c.cert.not_before)
        .ok_or_else(|| AccountError::NoGuaranteeCertificate {
            credit_code: credit_code.to_owned(),
        })
}

/// Parses an institution's application address: `https`, or `http` on
/// loopback (development), without user-info, query or fragment.
fn apply_url(text: &str) -> Result<Url, AccountError> {
    let invalid = |reason| AccountError::ApplyUrlInvalid {
        url: text.chars().take(200).collect(),
        reason,
    };
    let url = Url::parse(text).map_err(|_| invalid("it is not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it contains user information"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it contains a query or a fragment"));
    }
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => return Err(invalid("it has no host")),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(invalid("it is neither https nor http on loopback")),
    }
}

/// Makes a client of platform `name` that has a session.
fn session_client(
    store: &AccountStore,
    name: &str,
) -> Result<crate::api::client::PlatformClient, AccountError> {
    if store.session(name)?.is_none() {
        return Err(AccountError::NotLoggedIn {
            platform: name.to_owned(),
        });
    }
    client_for(store, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_url_rules() {
        assert!(apply_url("https://bank.example.cn/apply").is_ok());
        assert!(apply_url("http://127.0.0.1:8080/dev/apply").is_ok());
        for bad in [
            "http://bank.example.cn/apply",
            "https://u@bank.example.cn/",
            "https://bank.example.cn/?x=1",
            "javascript:alert(1)",
        ] {
            assert!(
                matches!(apply_url(bad), Err(AccountError::ApplyUrlInvalid { .. })),
                "{bad}"
            );
        }
    }
}
