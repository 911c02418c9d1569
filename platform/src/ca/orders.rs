//! CA orders on the database: entry and review by the operator, the
//! phone's pickup (issuing both certificates from its requests), download
//! with the entity-registry match. Synchronous; runs on the blocking pool.
//!
//! Issuing rules:
//! - each request's self-signature must verify (RFC 2986);
//! - each request's subject must be exactly the one the core builds for
//!   the order's name, company and credit code; the CA copies nothing else
//!   from the request (key usage and validity are its own);
//! - the two keys differ, are P-256, and were never certified before;
//! - validity starts at the server clock, for [`LEAF_VALIDITY_DAYS`];
//! - the device attestation chain, if any, is judged
//!   ([`super::attestation`]). An invalid chain is rejected before
//!   anything is issued, so it costs the order nothing. An absent one is
//!   rejected only under `--require-attestation`. The order records the
//!   judgement of each request until its certificates are issued, and
//!   keeps the one it was issued with;
//! - the same two requests again (an interrupted pickup) get the stored
//!   certificates back; other keys for an issued order are refused;
//! - the answer carries the order's seal images ([`super::seals`]).

use base64::Engine;
use palmbid_core::api::auth::is_mobile_number;
use palmbid_core::api::pickup::{
    DownloadResponse, IssuedCertificates, OrderState, PickupOffer, SealImage, SealKind,
};
use palmbid_core::api::{ErrorCode, pickup::CertificateRequest};
use palmbid_core::error::Localized;
use palmbid_core::pki::{
    self, CertInfo, IssuingCa, KeyRole, PkiError, Subject, Validity, parse_verified_csr,
};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

use super::attestation::{Attestation, AttestationFault, AttestationPolicy};
use super::seals::SealFont;
use crate::db::DbError;
use crate::error::Failure;

/// Days a phone certificate is valid.
pub const LEAF_VALIDITY_DAYS: u32 = 365;

/// Errors of orders, pickups and downloads.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OrderError {
    /// A field of a new order is unusable.
    #[error("the order's {field} is not usable: {reason}")]
    InvalidOrder {
        /// Which field.
        field: &'static str,
        /// Why.
        reason: String,
    },

    /// No order has this id.
    #[error("no certificate order has this pickup code; scan the code on the CA's page again")]
    NotFound,

    /// The order is for another phone number.
    #[error(
        "this certificate order is for another phone number; log in with the number given to the CA"
    )]
    WrongPhone,

    /// The order is pending or rejected.
    #[error("this certificate order is {state} and cannot be picked up; ask the CA operator")]
    NotApproved {
        /// `pending` or `rejected`.
        state: &'static str,
    },

    /// Issued already for other keys, or downloaded.
    #[error(
        "this certificate order was already {what}; a finished order cannot be picked up again"
    )]
    AlreadyIssued {
        /// `picked up with other keys` or `downloaded`.
        what: &'static str,
    },

    /// Download before pickup.
    #[error("this order's certificates were not picked up yet; scan the code first")]
    NotPickedUp,

    /// A request cannot be parsed or its signature fails.
    #[error("the {role} certificate request is invalid: {source}")]
    CsrInvalid {
        /// Which request.
        role: &'static str,
        /// The parser's or verifier's reason.
        source: PkiError,
    },

    /// A request does not fit the order.
    #[error("the {role} certificate request does not fit the order: {reason}")]
    CsrMismatch {
        /// Which request.
        role: &'static str,
        /// Why.
        reason: &'static str,
    },

    /// The device attestation chain is refused.
    #[error(transparent)]
    AttestationInvalid(AttestationFault),

    /// The platform requires a device attestation chain; none was sent.
    #[error(
        "this platform requires a device attestation with the certificate requests; pick up with the app on an Android phone whose keys are kept in secure hardware"
    )]
    AttestationRequired,

    /// The company is not in the entity registry.
    #[error(
        "the company {company} ({credit_code}) is not in the platform's entity registry; register the company with the platform, then download again"
    )]
    CompanyNotRegistered {
        /// Company name.
        company: String,
        /// Credit code.
        credit_code: String,
    },

    /// Issuing failed.
    #[error("issuing failed: {0}")]
    Issue(PkiError),

    /// The seal images cannot be drawn.
    #[error("cannot draw the seal images: {0}")]
    Seal(#[from] super::seals::SealError),

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for OrderError {
    fn from(err: rusqlite::Error) -> Self {
        OrderError::Db(DbError::Sqlite(err))
    }
}

impl OrderError {
    fn wire(&self) -> Option<(axum::http::StatusCode, ErrorCode)> {
        use axum::http::StatusCode as S;
        Some(match self {
            OrderError::InvalidOrder { .. } => (S::BAD_REQUEST, ErrorCode::Malformed),
            OrderError::NotFound => (S::NOT_FOUND, ErrorCode::PickupNotFound),
            OrderError::WrongPhone => (S::FORBIDDEN, ErrorCode::PickupWrongPhone),
            OrderError::NotApproved { .. } => (S::CONFLICT, ErrorCode::PickupNotApproved),
            OrderError::AlreadyIssued { .. } => (S::CONFLICT, ErrorCode::PickupAlreadyIssued),
            OrderError::NotPickedUp => (S::CONFLICT, ErrorCode::PickupNotPickedUp),
            OrderError::CsrInvalid { .. } => (S::BAD_REQUEST, ErrorCode::PickupCsrInvalid),
            OrderError::CsrMismatch { .. } => (S::BAD_REQUEST, ErrorCode::PickupCsrMismatch),
            OrderError::AttestationInvalid(_) => {
                (S::BAD_REQUEST, ErrorCode::PickupAttestationInvalid)
            }
            OrderError::AttestationRequired => (S::FORBIDDEN, ErrorCode::PickupAttestationRequired),
            OrderError::CompanyNotRegistered { .. } => {
                (S::CONFLICT, ErrorCode::PickupCompanyNotRegistered)
            }
            OrderError::Issue(_) | OrderError::Seal(_) | OrderError::Db(_) => return None,
        })
    }
}

impl Localized for OrderError {
    fn code(&self) -> &'static str {
        self.wire()
            .map_or("server.internal", |(_, code)| code.as_str())
    }

    fn message_zh(&self) -> String {
        match self {
            OrderError::InvalidOrder { field, reason } => {
                format!("订单字段 {field} 不可用：{reason}")
            }
            OrderError::NotFound => {
                "没有与该领取码对应的证书订单；请重新扫描 CA 页面上的二维码".to_owned()
            }
            OrderError::WrongPhone => {
                "该证书订单属于其他手机号；请用向 CA 登记的手机号登录".to_owned()
            }
            OrderError::NotApproved { state } => {
                let state = if *state == "rejected" {
                    "已驳回"
                } else {
                    "待审核"
                };
                format!("该证书订单{state}，不能领取；请联系 CA 工作人员")
            }
            OrderError::AlreadyIssued { what } => {
                let what = if *what == "downloaded" {
                    "已下载"
                } else {
                    "已用其他密钥领取"
                };
                format!("该证书订单{what}，已完成的订单不能再次领取")
            }
            OrderError::NotPickedUp => "该订单的证书尚未领取；请先扫码领取".to_owned(),
            OrderError::CsrInvalid { role, .. } => {
                format!("{} 证书请求无效（无法解析或签名验证失败）", role_zh(role))
            }
            OrderError::CsrMismatch { role, .. } => {
                format!(
                    "{} 证书请求与订单不符（主体、密钥类型或密钥重复）",
                    role_zh(role)
                )
            }
            OrderError::AttestationInvalid(fault) => fault.message_zh(),
            OrderError::AttestationRequired => {
                "本平台要求证书请求附带设备证明；请在密钥存于安全硬件的 Android 手机上用应用领取"
                    .to_owned()
            }
            OrderError::CompanyNotRegistered {
                company,
                credit_code,
            } => format!(
                "单位 {company}（{credit_code}）不在平台主体库中；请先在平台登记该单位，再重新下载证书"
            ),
            OrderError::Issue(_) | OrderError::Seal(_) | OrderError::Db(_) => {
                "平台内部错误，请稍后重试".to_owned()
            }
        }
    }
}

fn role_zh(role: &str) -> &'static str {
    if role == "signing" {
        "签名"
    } else {
        "加密"
    }
}

impl From<OrderError> for Failure {
    fn from(err: OrderError) -> Self {
        match err.wire() {
            Some((status, code)) => Failure::new(status, code, err.to_string(), err.message_zh()),
            None => Failure::internal(&err),
        }
    }
}

/// An order as stored.
#[derive(Debug, Clone)]
pub struct Order {
    /// Console id.
    pub id: String,
    /// Pickup id (the QR capability).
    pub pickup_id: String,
    /// Holder's name.
    pub name: String,
    /// Holder's phone number.
    pub phone: String,
    /// Company name.
    pub company: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// Seals to issue.
    pub seals: Vec<SealKind>,
    /// State.
    pub state: OrderState,
    /// Rejection reason.
    pub reason: Option<String>,
    /// Entry time, Unix seconds.
    pub created_at: i64,
    /// The device attestation judged at the first pickup request; `None`
    /// before it.
    pub attestation: Option<Attestation>,
}

impl Order {
    fn subject(&self) -> Subject {
        Subject {
            name: self.name.clone(),
            company: self.company.clone(),
            credit_code: self.credit_code.clone(),
        }
    }

    /// Returns the offer shown on the phone before the PIN pad.
    pub fn offer(&self) -> PickupOffer {
        PickupOffer {
            pickup_id: self.pickup_id.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            company: self.company.clone(),
            credit_code: self.credit_code.clone(),
            seals: self.seals.clone(),
            state: self.state,
        }
    }
}

/// The fields the operator enters.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// Holder's name.
    pub name: String,
    /// Holder's phone number.
    pub phone: String,
    /// Company name.
    pub company: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// Seals to issue.
    pub seals: Vec<SealKind>,
}

/// Stores a new pending order; returns its console id.
///
/// # Errors
/// [`OrderError::InvalidOrder`] naming the field.
pub fn create(conn: &Connection, new: &NewOrder, now: i64) -> Result<String, OrderError> {
    if !is_mobile_number(&new.phone) {
        return Err(OrderError::InvalidOrder {
            field: "phone",
            reason: "not an 11-digit mainland mobile number".to_owned(),
        });
    }
    let subject = Subject {
        name: new.name.trim().to_owned(),
        company: new.company.trim().to_owned(),
        credit_code: new.credit_code.trim().to_owned(),
    };
    subject.validate().map_err(|e| OrderError::InvalidOrder {
        field: "name, company or credit code",
        reason: e.to_string(),
    })?;

    let id = random_id();
    let seals: Vec<&str> = new.seals.iter().map(|s| s.as_str()).collect();
    conn.execute(
        "INSERT INTO orders (id, pickup_id, name, phone, company, credit_code, seals, state,
             created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8)",
        params![
            id,
            random_id(),
            subject.name,
            new.phone,
            subject.company,
            subject.credit_code,
            seals.join(","),
            now
        ],
    )?;
    tracing::info!(order = %id, "order entered");
    Ok(id)
}

const ORDER_COLUMNS: &str = "id, pickup_id, name, phone, company, credit_code, seals, state, reason, created_at, attestation";

fn order_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Order> {
    let seals: String = row.get(6)?;
    let state: String = row.get(7)?;
    let attestation: Option<String> = row.get(10)?;
    Ok(Order {
        id: row.get(0)?,
        pickup_id: row.get(1)?,
        name: row.get(2)?,
        phone: row.get(3)?,
        company: row.get(4)?,
        credit_code: row.get(5)?,
        seals: seals.split(',').filter_map(SealKind::parse).collect(),
        state: OrderState::parse(&state).unwrap_or(OrderState::Rejected),
        reason: row.get(8)?,
        created_at: row.get(9)?,
        attestation: attestation.and_then(|json| serde_json::from_str(&json).ok()),
    })
}

/// Lists every order, newest first.
///
/// # Errors
/// [`OrderError::Db`].
pub fn list(conn: &Connection) -> Result<Vec<Order>, OrderError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders ORDER BY created_at DESC, rowid DESC"
    ))?;
    let orders = statement
        .query_map([], order_from_row)?
        .collect::<Result<_, _>>()?;
    Ok(orders)
}

/// Finds the order with console id `id`.
///
/// # Errors
/// [`OrderError::NotFound`].
pub fn by_id(conn: &Connection, id: &str) -> Result<Order, OrderError> {
    conn.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"),
        [id],
        order_from_row,
    )
    .optional()?
    .ok_or(OrderError::NotFound)
}

/// Finds the order with pickup id `pickup_id`.
///
/// # Errors
/// [`OrderError::NotFound`].
pub fn by_pickup_id(conn: &Connection, pickup_id: &str) -> Result<Order, OrderError> {
    conn.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE pickup_id = ?1"),
        [pickup_id],
        order_from_row,
    )
    .optional()?
    .ok_or(OrderError::NotFound)
}

/// Approves or rejects a pending order.
///
/// # Errors
/// [`OrderError::NotFound`] when no pending order has this id.
pub fn decide(
    conn: &Connection,
    id: &str,
    approve: bool,
    reason: Option<&str>,
    now: i64,
) -> Result<(), OrderError> {
    let state = if approve { "approved" } else { "rejected" };
    let reason = reason.map(str::trim).filter(|r| !r.is_empty() && !approve);
    let changed = conn.execute(
        "UPDATE orders SET state = ?2, reason = ?3, decided_at = ?4
         WHERE id = ?1 AND state = 'pending'",
        params![id, state, reason, now],
    )?;
    if changed == 0 {
        return Err(OrderError::NotFound);
    }
    tracing::info!(order = id, state, "order decided");
    Ok(())
}

/// The order behind `pickup_id` as `phone` may see it: it must be this
/// phone's, and approved or picked up.
///
/// # Errors
/// [`OrderError::NotFound`], [`OrderError::WrongPhone`],
/// [`OrderError::NotApproved`], [`OrderError::AlreadyIssued`].
pub fn offer_for(conn: &Connection, pickup_id: &str, phone: &str) -> Result<Order, OrderError> {
    let order = by_pickup_id(conn, pickup_id)?;
    if order.phone != phone {
        return Err(OrderError::WrongPhone);
    }
    match order.state {
        OrderState::Approved | OrderState::PickedUp => Ok(order),
        OrderState::Pending => Err(OrderError::NotApproved { state: "pending" }),
        OrderState::Rejected => Err(OrderError::NotApproved { state: "rejected" }),
        OrderState::Issued => Err(OrderError::AlreadyIssued { what: "downloaded" }),
    }
}

/// A checked request: its DER and the SHA-256 of its public key.
struct CheckedCsr {
    der: Vec<u8>,
    key_sha256: String,
}

fn check_csr(pem: &str, role: KeyRole, order: &Order) -> Result<CheckedCsr, OrderError> {
    let name = role.as_str();
    let request = parse_verified_csr(pem.as_bytes())
        .map_err(|source| OrderError::CsrInvalid { role: name, source })?;

    // The subject the core builds for this order, compared as DER.
    let expected = pki::build_csr(&pki::generate_key(), &order.subject(), role)
        .and_then(|der| parse_verified_csr(&der))
        .map_err(OrderError::Issue)?;
    if request.info.subject != expected.info.subject {
        return Err(OrderError::CsrMismatch {
            role: name,
            reason: "its subject is not the order's name, company and credit code",
        });
    }

    let key = request.info.public_key.subject_public_key.raw_bytes();
    let der = der::Encode::to_der(&request).map_err(|e| OrderError::CsrInvalid {
        role: name,
        source: PkiError::InvalidCsr {
            detail: e.to_string(),
        },
    })?;
    Ok(CheckedCsr {
        der,
        key_sha256: hex::encode(Sha256::digest(key)),
    })
}

/// Issues (or, for the same keys again, returns) the certificates of the
/// order behind `pickup_id` for `phone`, judging the request's device
/// attestation under `policy`.
///
/// # Errors
/// As [`offer_for`]; [`OrderError::CsrInvalid`],
/// [`OrderError::CsrMismatch`]; [`OrderError::AttestationInvalid`],
/// [`OrderError::AttestationRequired`]; [`OrderError::AlreadyIssued`] for
/// other keys after issuing.
#[allow(
    clippy::too_many_arguments,
    reason = "the caller's identity, its request and the issuer's parts, each needed"
)]
pub fn issue(
    conn: &mut Connection,
    ca: &IssuingCa,
    font: Option<&SealFont>,
    policy: &AttestationPolicy,
    pickup_id: &str,
    phone: &str,
    request: &CertificateRequest,
    now: i64,
) -> Result<IssuedCertificates, OrderError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let order = offer_for(&tx, pickup_id, phone)?;

    let signing = check_csr(&request.signing_csr_pem, KeyRole::Signing, &order)?;
    let encryption = check_csr(&request.encryption_csr_pem, KeyRole::Encryption, &order)?;
    if signing.key_sha256 == encryption.key_sha256 {
        return Err(OrderError::CsrMismatch {
            role: "encryption",
            reason: "it has the same key as the signing request",
        });
    }

    let attestation = policy.judge(&request.device_attestation, pickup_id);
    let refusal = match &attestation {
        Attestation::Invalid { fault } => Some(OrderError::AttestationInvalid(fault.clone())),
        Attestation::Absent if policy.required() => Some(OrderError::AttestationRequired),
        Attestation::Absent | Attestation::Verified { .. } => None,
    };
    let record = attestation.to_json();
    if let Some(refusal) = refusal {
        // Recorded for the operator; nothing else changes, so a corrected
        // request may follow.
        if order.state == OrderState::Approved {
            tx.execute(
                "UPDATE orders SET attestation = ?2 WHERE id = ?1",
                params![order.id, record],
            )?;
            tx.commit()?;
        }
        tracing::info!(order = %order.id, code = refusal.code(), "device attestation rejected");
        return Err(refusal);
    }

    if order.state == OrderState::PickedUp {
        let stored = stored_certs(&tx, &order.id)?;
        let same = stored
            .iter()
            .any(|(role, key, _)| role == "signing" && *key == signing.key_sha256)
            && stored
                .iter()
                .any(|(role, key, _)| role == "encryption" && *key == encryption.key_sha256);
        if !same {
            return Err(OrderError::AlreadyIssued {
                what: "picked up with other keys",
            });
        }
        tracing::info!(order = %order.id, "pickup resumed with the same keys");
        return bundle(ca, font, &stored, &order);
    }

    for (csr, role) in [(&signing, "signing"), (&encryption, "encryption")] {
        let used: i64 = tx.query_row(
            "SELECT count(*) FROM order_certs WHERE key_sha256 = ?1",
            [&csr.key_sha256],
            |row| row.get(0),
        )?;
        if used > 0 {
            return Err(OrderError::CsrMismatch {
                role,
                reason: "its key was certified for another order",
            });
        }
    }

    let validity = Validity {
        not_before: now - super::BACKDATE_SECONDS,
        days: LEAF_VALIDITY_DAYS,
    };
    let mut stored = Vec::new();
    for (csr, role) in [
        (&signing, KeyRole::Signing),
        (&encryption, KeyRole::Encryption),
    ] {
        let cert = ca
            .issue_from_csr(&csr.der, role, validity)
            .map_err(|e| match e {
                PkiError::UnsupportedKey { .. } => OrderError::CsrMismatch {
                    role: role.as_str(),
                    reason: "its key is not P-256",
                },
                other => OrderError::Issue(other),
            })?;
        tx.execute(
            "INSERT INTO order_certs (order_id, role, key_sha256, fingerprint, der)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                order.id,
                role.as_str(),
                csr.key_sha256,
                cert.fingerprint,
                cert.der
            ],
        )?;
        stored.push((role.as_str().to_owned(), csr.key_sha256.clone(), cert.der));
    }
    tx.execute(
        "UPDATE orders SET state = 'picked_up', picked_up_at = ?2, attestation = ?3 WHERE id = ?1",
        params![order.id, now, record],
    )?;
    tx.commit()?;

    tracing::info!(order = %order.id, outcome = "issued", "pickup");
    bundle(ca, font, &stored, &order)
}

/// Draws the order's seal images. Drawing is deterministic, so a resumed
/// pickup gets the same images.
fn seal_images(font: Option<&SealFont>, order: &Order) -> Result<Vec<SealImage>, OrderError> {
    if order.seals.is_empty() {
        return Ok(Vec::new());
    }
    let font = font.ok_or(super::seals::SealError::NoFont {
        looked: super::seals::DEBIAN_FONTS.join(", "),
    })?;
    order
        .seals
        .iter()
        .map(|kind| {
            let png = font.draw(*kind, &order.name, &order.company)?;
            Ok(SealImage {
                kind: *kind,
                png_base64: base64::engine::general_purpose::STANDARD.encode(png),
            })
        })
        .collect()
}

/// `(role, key_sha256, der)` of the certificates stored for an order.
fn stored_certs(
    conn: &Connection,
    order_id: &str,
) -> Result<Vec<(String, String, Vec<u8>)>, OrderError> {
    let mut statement =
        conn.prepare("SELECT role, key_sha256, der FROM order_certs WHERE order_id = ?1")?;
    let rows = statement
        .query_map([order_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn bundle(
    ca: &IssuingCa,
    font: Option<&SealFont>,
    stored: &[(String, String, Vec<u8>)],
    order: &Order,
) -> Result<IssuedCertificates, OrderError> {
    let pem_of = |role: &str| -> Result<String, OrderError> {
        let der = stored
            .iter()
            .find(|(r, _, _)| r == role)
            .map(|(_, _, der)| der)
            .ok_or(OrderError::NotPickedUp)?;
        Ok(CertInfo::from_der(der, "issued certificate")
            .map_err(OrderError::Issue)?
            .to_pem())
    };
    Ok(IssuedCertificates {
        signing_cert_pem: pem_of("signing")?,
        encryption_cert_pem: pem_of("encryption")?,
        chain_pem: vec![ca.certificate().to_pem()],
        seals: seal_images(font, order)?,
    })
}

/// Matches the order's company in the registry and marks the order issued.
/// Repeating it after success answers the same.
///
/// # Errors
/// As [`by_pickup_id`]; [`OrderError::WrongPhone`];
/// [`OrderError::NotPickedUp`]; [`OrderError::AlreadyIssued`] for a
/// fingerprint that is not the order's;
/// [`OrderError::CompanyNotRegistered`].
pub fn download(
    conn: &mut Connection,
    pickup_id: &str,
    phone: &str,
    signing_fingerprint: &str,
    now: i64,
) -> Result<DownloadResponse, OrderError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let order = by_pickup_id(&tx, pickup_id)?;
    if order.phone != phone {
        return Err(OrderError::WrongPhone);
    }
    match order.state {
        OrderState::PickedUp | OrderState::Issued => {}
        OrderState::Approved => return Err(OrderError::NotPickedUp),
        OrderState::Pending => return Err(OrderError::NotApproved { state: "pending" }),
        OrderState::Rejected => return Err(OrderError::NotApproved { state: "rejected" }),
    }
    let fingerprint: Option<String> = tx
        .query_row(
            "SELECT fingerprint FROM order_certs WHERE order_id = ?1 AND role = 'signing'",
            [&order.id],
            |row| row.get(0),
        )
        .optional()?;
    if fingerprint.as_deref() != Some(signing_fingerprint) {
        return Err(OrderError::AlreadyIssued {
            what: "picked up with other keys",
        });
    }

    let company: Option<String> = tx
        .query_row(
            "SELECT company FROM registry WHERE credit_code = ?1",
            [&order.credit_code],
            |row| row.get(0),
        )
        .optional()?;
    let Some(company) = company else {
        return Err(OrderError::CompanyNotRegistered {
            company: order.company,
            credit_code: order.credit_code,
        });
    };
    tx.execute(
        "UPDATE orders SET state = 'issued', issued_at = coalesce(issued_at, ?2) WHERE id = ?1",
        params![order.id, now],
    )?;
    tx.commit()?;

    tracing::info!(order = %order.id, outcome = "issued", "download matched in registry");
    Ok(DownloadResponse {
        company,
        credit_code: order.credit_code,
    })
}

/// Adds or renames a company in the entity registry.
///
/// # Errors
/// [`OrderError::InvalidOrder`] for a bad credit code or empty name.
pub fn register_company(
    conn: &Connection,
    company: &str,
    credit_code: &str,
    now: i64,
) -> Result<(), OrderError> {
    let company = company.trim();
    if company.is_empty() || company.chars().any(char::is_control) {
        return Err(OrderError::InvalidOrder {
            field: "company",
            reason: "it is empty or has control characters".to_owned(),
        });
    }
    pki::validate_credit_code(credit_code.trim()).map_err(|e| OrderError::InvalidOrder {
        field: "credit code",
        reason: e.to_string(),
    })?;
    conn.execute(
        "INSERT INTO registry (credit_code, company, added_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (credit_code) DO UPDATE SET company = ?2",
        params![credit_code.trim(), company, now],
    )?;
    Ok(())
}

/// The registry, by company name: `(credit_code, company)`.
///
/// # Errors
/// [`OrderError::Db`].
pub fn registry(conn: &Connection) -> Result<Vec<(String, String)>, OrderError> {
    let mut statement =
        conn.prepare("SELECT credit_code, company FROM registry ORDER BY company")?;
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// 128 random bits, lower-case hex.
fn random_id() -> String {
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
