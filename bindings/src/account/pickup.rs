//! Certificate pickup (证书领取) through the `Account` object: scan the
//! operator's QR code, pick up both certificates under a new PIN, download
//! (下载证书) them into the keystore.
//!
//! `scan` returns the offer as a record; `pickUp` takes it back. Only the
//! platform name and pickup id of that record decide where the requests
//! go (the platform must be trusted, and its stored trust anchor checks
//! the response); the holder's name, company and credit code become the
//! requests' subject, and the platform refuses requests whose subject is
//! not its order's.
//!
//! Device attestation: an Android app requests from the Android Keystore
//! the attestation of the key that guards its device secret, with the
//! challenge [`pickup_attestation_challenge`] of the scanned pickup id,
//! and passes the chain to `pickUp` as `deviceAttestation` (DER
//! certificates, leaf first). The argument defaults to an empty list, so
//! iOS and older callers compile unchanged and send none.

use std::sync::Arc;

use palmbid_core::account::{self as core, AccountError, AccountStore};
use palmbid_core::api::pickup::{self as wire, IssuedCertificates, is_pickup_id};
use palmbid_core::keystore::Pin;
use palmbid_core::pki::CertInfo;

use super::Account;
use super::records::{
    CertificateSeals, Downloaded, PickedUp, PickupRecord, ScannedPickup, SealImage,
};
use crate::error::PalmbidError;
use crate::records::{CertificateInfo, CertificateRecord};
use crate::runtime::{blocking, blocking_future};

/// Computes the attestation challenge of the order behind `pickup_id` (the
/// `pickupId` of the record `scan` returned): 32 bytes to pass to
/// `KeyGenParameterSpec.Builder.setAttestationChallenge` before
/// [`Account::pick_up`], so the attestation is bound to this order.
///
/// # Errors
/// `ffi.invalid_argument` for a pickup id that is not 32 lower-case hex
/// characters.
#[uniffi::export]
pub(crate) fn pickup_attestation_challenge(pickup_id: &str) -> Result<Vec<u8>, PalmbidError> {
    crate::runtime::guard("pickup_attestation_challenge", || {
        if !is_pickup_id(pickup_id) {
            return Err(PalmbidError::invalid_argument(
                "pickup_id",
                "a pickup id is 32 lower-case hex characters; pass the pickupId of the record `scan` returned",
            ));
        }
        Ok(wire::pickup_attestation_challenge(pickup_id).to_vec())
    })
}

#[uniffi::export(async_runtime = "tokio")]
impl Account {
    /// Reads a scanned pickup code (the text of the QR code): checks that
    /// its address is a trusted platform's, that a session is held with
    /// it, and that the order is for the logged-in phone number. Show the
    /// result before the PIN pad.
    ///
    /// # Errors
    /// `account.invalid_pickup_url` naming the rule broken,
    /// `account.unknown_host`, `account.not_logged_in`,
    /// `account.wrong_phone`; the platform's refusal
    /// (`identity.not_approved`, `pickup.wrong_phone`,
    /// `pickup.not_found`, `pickup.not_approved`, ...).
    pub async fn scan(&self, text: String) -> Result<ScannedPickup, PalmbidError> {
        self.run("Account.scan", |store| async move {
            core::scan(&store, &text).await.map(ScannedPickup::from)
        })
        .await
    }

    /// Picks up the certificates of a scanned order: makes a signing and an
    /// encryption key under `new_pin`, sends both requests, and stores the
    /// response. The certificates are not usable until [`Account::download`].
    /// Calling it again for the same order (after a crash, or a lost
    /// answer) sends the same requests and gets the same certificates.
    ///
    /// `device_attestation` is the Android Keystore attestation chain of
    /// the key guarding the device secret, DER certificates leaf first.
    /// The app makes it with [`pickup_attestation_challenge`] of this
    /// order. It is empty (the default) when there is none.
    ///
    /// # Errors
    /// `ffi.invalid_argument` for a pickup id that is not 32 lower-case hex
    /// characters; `account.unknown_platform`; a PIN that breaks the rules;
    /// `account.foreign_chain`; the platform's refusal
    /// (`pickup.attestation_invalid` naming what is wrong with the chain,
    /// `pickup.attestation_required`, ...).
    #[uniffi::method(default(device_attestation = []))]
    pub async fn pick_up(
        &self,
        scanned: ScannedPickup,
        new_pin: String,
        device_attestation: Vec<Vec<u8>>,
    ) -> Result<PickedUp, PalmbidError> {
        let new_pin = Pin::entered(new_pin);
        if !is_pickup_id(&scanned.pickup_id) {
            return Err(PalmbidError::invalid_argument(
                "scanned.pickup_id",
                "a pickup id is 32 lower-case hex characters; pass the record `scan` returned",
            ));
        }
        let store = Arc::clone(&self.store);
        let keystore = Arc::clone(&self.keystore);

        // Argon2id of the new PIN runs inside: off the runtime's workers.
        blocking_future("Account.pick_up", async move {
            let platform = store
                .platform(&scanned.platform)
                .map_err(PalmbidError::from_core)?;
            let request = core::ScannedPickup {
                platform,
                offer: scanned.clone().into(),
            };

            let issued = core::pick_up(&store, &keystore, &request, &new_pin, &device_attestation)
                .await
                .map_err(PalmbidError::from_core)?;
            picked_up(scanned.platform, scanned.pickup_id, &issued)
        })
        .await
    }

    /// Downloads a picked-up order: the platform matches the company in
    /// its entity registry (主体库), then both certificates and their chain
    /// are installed under the pickup's PIN. On any failure nothing is
    /// installed. The PIN is checked before the platform is asked.
    ///
    /// # Errors
    /// `account.nothing_picked_up`; a wrong PIN (with tries left) or a
    /// locked credential; `pickup.company_not_registered`; the platform's
    /// other refusals.
    pub async fn download(
        &self,
        platform: String,
        pickup_id: String,
        pin: String,
    ) -> Result<Downloaded, PalmbidError> {
        let pin = Pin::entered(pin);
        let store = Arc::clone(&self.store);
        let keystore = Arc::clone(&self.keystore);

        blocking_future("Account.download", async move {
            let matched = core::download(&store, &keystore, &platform, &pickup_id, &pin)
                .await
                .map_err(PalmbidError::from_core)?;

            let certificates = installed(&store, &keystore, &platform, &pickup_id)?;
            Ok(Downloaded {
                company: matched.company,
                credit_code: matched.credit_code,
                certificates,
            })
        })
        .await
    }

    /// Lists the seal images held with each installed signing
    /// certificate, for the certificate screen; no platform is asked.
    ///
    /// # Errors
    /// A database error, or a stored image that is not base64.
    pub async fn seals(&self) -> Result<Vec<CertificateSeals>, PalmbidError> {
        let keystore = self.keystore();
        let store = self.store();
        blocking("Account.seals", move || {
            core::seals(&store, &keystore)
                .map_err(PalmbidError::from_core)?
                .into_iter()
                .map(CertificateSeals::try_from)
                .collect()
        })
        .await
    }

    /// Lists every pickup stored on this phone, oldest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn pickups(&self) -> Result<Vec<PickupRecord>, PalmbidError> {
        self.run("Account.pickups", |store| async move {
            let records = core::pickups(&store)?;
            Ok(records.into_iter().map(PickupRecord::from).collect())
        })
        .await
    }
}

/// Converts the platform's response to a pickup: certificates parsed, seal
/// images decoded.
fn picked_up(
    platform: String,
    pickup_id: String,
    issued: &IssuedCertificates,
) -> Result<PickedUp, PalmbidError> {
    let parse = |pem: &str, what: &str| {
        CertInfo::from_pem_or_der(pem.as_bytes(), what)
            .map(CertificateInfo::from)
            .map_err(PalmbidError::from_core)
    };

    let seals = issued
        .seals
        .iter()
        .map(SealImage::decode)
        .collect::<Result<Vec<_>, PalmbidError>>()?;

    Ok(PickedUp {
        signing_certificate: parse(&issued.signing_cert_pem, "signing certificate")?,
        encryption_certificate: parse(&issued.encryption_cert_pem, "encryption certificate")?,
        chain: issued
            .chain_pem
            .iter()
            .map(|pem| parse(pem, "issuing chain"))
            .collect::<Result<_, _>>()?,
        seals,
        platform,
        pickup_id,
    })
}

/// Finds the keystore's records of the two certificates a download
/// installed.
fn installed(
    store: &AccountStore,
    keystore: &palmbid_core::keystore::Keystore,
    platform: &str,
    pickup_id: &str,
) -> Result<Vec<CertificateRecord>, PalmbidError> {
    let records = core::pickups(store).map_err(PalmbidError::from_core)?;
    let Some(issued) = records
        .into_iter()
        .find(|r| r.platform == platform && r.pickup_id == pickup_id)
        .and_then(|r| r.issued)
    else {
        return Err(PalmbidError::from_core(AccountError::NothingPickedUp));
    };

    let fingerprints = [&issued.signing_cert_pem, &issued.encryption_cert_pem]
        .into_iter()
        .map(|pem| {
            CertInfo::from_pem_or_der(pem.as_bytes(), "issued certificate")
                .map(|cert| cert.fingerprint)
                .map_err(PalmbidError::from_core)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let installed = keystore.certificates().map_err(PalmbidError::from_core)?;
    Ok(installed
        .into_iter()
        .filter(|r| fingerprints.contains(&r.cert.fingerprint))
        .map(CertificateRecord::from)
        .collect())
}
