//! Electronic bid guarantees (电子保函) through the `Account` object: the
//! projects that need one, their sections, the guarantee code, the
//! institutions, the application address ("去申请") and the guarantee's
//! state. An issued guarantee comes with its PDF only after the core
//! verified its signature and contents.

use std::sync::Arc;

use palmbid_core::account as core;
use palmbid_core::api::guarantee as wire;
use palmbid_core::keystore::Pin;

use super::Account;
use crate::error::PalmbidError;
use crate::runtime::blocking_future;

/// A project that requires a bid guarantee.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuaranteeProject {
    /// The project id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Opening time, Unix seconds, server clock.
    pub opening_at_unix: i64,
}

impl From<wire::GuaranteeProject> for GuaranteeProject {
    fn from(project: wire::GuaranteeProject) -> Self {
        GuaranteeProject {
            id: project.id,
            name: project.name,
            opening_at_unix: project.opening_at,
        }
    }
}

/// One section of a project.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuaranteeSection {
    /// Position, from 1.
    pub position: u32,
    /// Name.
    pub name: String,
    /// The phone's company bidding in it, or `null` when it does not bid.
    pub credit_code: Option<String>,
}

/// A project and its sections.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuaranteeSections {
    /// The project.
    pub project: GuaranteeProject,
    /// Its sections, in order.
    pub sections: Vec<GuaranteeSection>,
}

/// A guarantee code (保函编码) and the section it is for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuaranteeCode {
    /// The code.
    pub code: String,
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
    /// Section position.
    pub section: u32,
    /// Section name.
    pub section_name: String,
    /// The bidder's credit code.
    pub credit_code: String,
    /// The bidder's company.
    pub company: String,
}

impl From<wire::GuaranteeCode> for GuaranteeCode {
    fn from(code: wire::GuaranteeCode) -> Self {
        GuaranteeCode {
            code: code.code,
            project_id: code.project_id,
            project_name: code.project_name,
            section: code.section,
            section_name: code.section_name,
            credit_code: code.credit_code,
            company: code.company,
        }
    }
}

/// Kind of issuing institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum InstitutionKind {
    /// A bank.
    Bank,
    /// An insurer.
    Insurer,
    /// A guarantee company.
    Guarantor,
}

/// An institution of the platform's catalogue whose certificate chains to
/// the platform's trust anchor.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuaranteeInstitution {
    /// Catalogue id; `applyForGuarantee` takes it.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: InstitutionKind,
    /// Fee rate, basis points (1 = 0.01 %).
    pub fee_rate_bp: u32,
    /// A development institution (开发测试机构): its guarantees are not
    /// real.
    pub development: bool,
}

impl From<wire::Institution> for GuaranteeInstitution {
    fn from(institution: wire::Institution) -> Self {
        GuaranteeInstitution {
            id: institution.id,
            name: institution.name,
            kind: match institution.kind {
                wire::InstitutionKind::Bank => InstitutionKind::Bank,
                wire::InstitutionKind::Insurer => InstitutionKind::Insurer,
                wire::InstitutionKind::Guarantor => InstitutionKind::Guarantor,
            },
            fee_rate_bp: institution.fee_rate_bp,
            development: institution.development,
        }
    }
}

/// The address to open in the browser ("去申请").
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuaranteeApplication {
    /// The institution's page with the code and the signed statement.
    pub url: String,
    /// The institution.
    pub institution: GuaranteeInstitution,
    /// The code applied for.
    pub code: GuaranteeCode,
    /// When the statement in the address expires, Unix seconds, server
    /// clock.
    pub expires_at_unix: i64,
}

/// The state of a section's guarantee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum GuaranteeState {
    /// Nothing applied for.
    None,
    /// Applied for with an institution.
    Applied,
    /// Issued, and its document verified.
    Issued,
    /// Refused by the institution.
    Rejected,
    /// Cancelled by the institution after issue.
    Cancelled,
}

/// An issued guarantee whose document verified.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedGuarantee {
    /// The signed PDF.
    pub pdf: Vec<u8>,
    /// The institution's guarantee number.
    pub guarantee_no: String,
    /// The signing certificate's subject.
    pub signer_subject: String,
    /// The signing certificate's SHA-256 fingerprint.
    pub signer_fingerprint: String,
}

impl std::fmt::Debug for VerifiedGuarantee {
    // The document's bytes stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedGuarantee")
            .field("pdf_len", &self.pdf.len())
            .field("guarantee_no", &self.guarantee_no)
            .field("signer_fingerprint", &self.signer_fingerprint)
            .finish_non_exhaustive()
    }
}

/// A section's guarantee as the phone shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuaranteeView {
    /// The code and its section.
    pub code: GuaranteeCode,
    /// The state.
    pub state: GuaranteeState,
    /// The institution applied to or reporting, by id.
    pub institution: Option<String>,
    /// The institution's reason for a rejection or a cancellation.
    pub reason: Option<String>,
    /// When the state last changed, Unix seconds, server clock.
    pub updated_at_unix: Option<i64>,
    /// The verified document, when issued.
    pub document: Option<VerifiedGuarantee>,
}

impl From<core::GuaranteeView> for GuaranteeView {
    fn from(view: core::GuaranteeView) -> Self {
        GuaranteeView {
            code: view.code.into(),
            state: match view.state {
                wire::GuaranteeState::None => GuaranteeState::None,
                wire::GuaranteeState::Applied => GuaranteeState::Applied,
                wire::GuaranteeState::Issued => GuaranteeState::Issued,
                wire::GuaranteeState::Rejected => GuaranteeState::Rejected,
                wire::GuaranteeState::Cancelled => GuaranteeState::Cancelled,
            },
            institution: view.institution,
            reason: view.reason,
            updated_at_unix: view.updated_at,
            document: view.document.map(|d| VerifiedGuarantee {
                pdf: d.pdf,
                guarantee_no: d.guarantee_no,
                signer_subject: d.signer_subject,
                signer_fingerprint: d.signer_fingerprint,
            }),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Account {
    /// Lists the projects that require a bid guarantee and in which the
    /// phone's company bids (电子保函 on the home screen).
    ///
    /// # Errors
    /// `account.not_logged_in`, `account.unknown_platform`, network errors.
    pub async fn guarantee_projects(
        &self,
        platform: String,
    ) -> Result<Vec<GuaranteeProject>, PalmbidError> {
        self.run("Account.guarantee_projects", |store| async move {
            core::guarantee_projects(&store, &platform)
                .await
                .map(|list| list.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Lists the sections of `project`, each with the company bidding in it.
    ///
    /// # Errors
    /// `guarantee.project_not_found`, `guarantee.not_a_bidder`; as
    /// `guaranteeProjects`.
    pub async fn guarantee_sections(
        &self,
        platform: String,
        project: String,
    ) -> Result<GuaranteeSections, PalmbidError> {
        self.run("Account.guarantee_sections", |store| async move {
            let list = core::guarantee_sections(&store, &platform, &project).await?;
            Ok(GuaranteeSections {
                project: list.project.into(),
                sections: list
                    .sections
                    .into_iter()
                    .map(|s| GuaranteeSection {
                        position: s.position,
                        name: s.name,
                        credit_code: s.credit_code,
                    })
                    .collect(),
            })
        })
        .await
    }

    /// Gets the guarantee code of `section` of `project`.
    ///
    /// # Errors
    /// `guarantee.not_a_bidder` for a section the company does not bid in,
    /// `guarantee.section_not_found`; as `guaranteeProjects`.
    pub async fn guarantee_code(
        &self,
        platform: String,
        project: String,
        section: u32,
    ) -> Result<GuaranteeCode, PalmbidError> {
        self.run("Account.guarantee_code", |store| async move {
            core::guarantee_code(&store, &platform, &project, section)
                .await
                .map(Into::into)
        })
        .await
    }

    /// Lists the institutions that can issue guarantees.
    ///
    /// # Errors
    /// As `guaranteeProjects`.
    pub async fn guarantee_institutions(
        &self,
        platform: String,
    ) -> Result<Vec<GuaranteeInstitution>, PalmbidError> {
        self.run("Account.guarantee_institutions", |store| async move {
            core::guarantee_institutions(&store, &platform)
                .await
                .map(|list| list.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// The credential whose PIN `applyForGuarantee` asks for on `section`
    /// of `project` (the company's newest valid signing certificate), to
    /// show its tries left, or pick a PIN kept for biometric unlock,
    /// before the PIN is typed. Uses no PIN.
    ///
    /// # Errors
    /// `account.no_guarantee_certificate`; as `guaranteeCode`.
    pub async fn guarantee_pin_credential(
        &self,
        platform: String,
        project: String,
        section: u32,
    ) -> Result<String, PalmbidError> {
        let store = Arc::clone(&self.store);
        let keystore = Arc::clone(&self.keystore);
        blocking_future("Account.guarantee_pin_credential", async move {
            core::guarantee_pin_credential(&store, &keystore, &platform, &project, section)
                .await
                .map(|credential| credential.0)
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Applies with `institution` for the guarantee of `section` of
    /// `project`: signs the bidder's statement with the company's signing
    /// key under `pin` and returns the address to open.
    ///
    /// # Errors
    /// `account.institution_unknown`, `account.no_guarantee_certificate`
    /// (no PIN try used); a wrong PIN or a locked key;
    /// `guarantee.state_conflict` when already issued; as
    /// `guaranteeProjects`.
    pub async fn apply_for_guarantee(
        &self,
        platform: String,
        project: String,
        section: u32,
        institution: String,
        pin: String,
    ) -> Result<GuaranteeApplication, PalmbidError> {
        let pin = Pin::entered(pin);
        let store = Arc::clone(&self.store);
        let keystore = Arc::clone(&self.keystore);
        blocking_future("Account.apply_for_guarantee", async move {
            let application = core::apply_for_guarantee(
                &store,
                &keystore,
                &platform,
                &project,
                section,
                &institution,
                &pin,
            )
            .await
            .map_err(PalmbidError::from_core)?;
            Ok(GuaranteeApplication {
                url: application.url,
                institution: application.institution.into(),
                code: application.code.into(),
                expires_at_unix: application.expires_at,
            })
        })
        .await
    }

    /// Reads the guarantee of `section` of `project`. An issued one comes
    /// with its verified PDF.
    ///
    /// # Errors
    /// `account.guarantee_not_genuine` when an issued document does not
    /// verify; as `guaranteeCode`.
    pub async fn guarantee_status(
        &self,
        platform: String,
        project: String,
        section: u32,
    ) -> Result<GuaranteeView, PalmbidError> {
        self.run("Account.guarantee_status", |store| async move {
            core::guarantee_status(&store, &platform, &project, section)
                .await
                .map(Into::into)
        })
        .await
    }
}
