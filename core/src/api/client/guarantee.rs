//! The phone's calls of electronic bid guarantees (see
//! [`crate::api::guarantee`]).

use super::PlatformClient;
use crate::api::guarantee::{
    ApplyRequest, GuaranteeCode, GuaranteeProjectList, GuaranteeStatus, InstitutionList,
    SectionList,
};
use crate::api::{ApiError, paths};

impl PlatformClient {
    /// The session's projects that require a bid guarantee.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; transport errors.
    pub async fn guarantee_projects(&self) -> Result<GuaranteeProjectList, ApiError> {
        let request = self.authorized(self.http.get(self.url(paths::GUARANTEE_PROJECTS)?))?;
        self.send(request).await
    }

    /// The sections of project `project`.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `guarantee.project_not_found` or
    /// `guarantee.not_a_bidder`.
    pub async fn guarantee_sections(&self, project: &str) -> Result<SectionList, ApiError> {
        let path = paths::guarantee_sections_path(project);
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// The guarantee code of `section` of `project` for the session's
    /// company.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `guarantee.project_not_found`,
    /// `guarantee.section_not_found` or `guarantee.not_a_bidder`.
    pub async fn guarantee_code(
        &self,
        project: &str,
        section: u32,
    ) -> Result<GuaranteeCode, ApiError> {
        let path = paths::guarantee_code_path(project, section);
        let request = self.authorized(self.http.post(self.url(&path)?))?;
        self.send(request).await
    }

    /// The catalogue of issuing institutions.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; transport errors.
    pub async fn guarantee_institutions(&self) -> Result<InstitutionList, ApiError> {
        let request = self.authorized(self.http.get(self.url(paths::GUARANTEE_INSTITUTIONS)?))?;
        self.send(request).await
    }

    /// Records that the bidder applies to `institution` for `code`.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `guarantee.code_not_found`,
    /// `guarantee.institution_unknown`, `guarantee.state_conflict`.
    pub async fn guarantee_apply(
        &self,
        code: &str,
        institution: &str,
    ) -> Result<GuaranteeStatus, ApiError> {
        let path = paths::guarantee_status_path(code, "apply");
        let body = ApplyRequest {
            institution: institution.to_owned(),
        };
        let request = self
            .authorized(self.http.post(self.url(&path)?))?
            .json(&body);
        self.send(request).await
    }

    /// The state of the guarantee of `code`, with its document once issued.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `guarantee.code_not_found`.
    pub async fn guarantee_status(&self, code: &str) -> Result<GuaranteeStatus, ApiError> {
        let path = paths::guarantee_status_path(code, "");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }
}
