//! Helpers shared by the keystore integration tests: real keystore homes
//! in temporary folders, with cheap Argon2id parameters.
#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "test helpers; not every test uses each"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use p256::pkcs8::EncodePrivateKey;
use palmbid_core::keystore::{
    DeviceBinding, KdfParams, KeyId, KeyOperation, KeyUse, Keystore, NewKey, Pin,
    SoftwareDeviceBinding,
};
use palmbid_core::pki::{CertInfo, KeyRole};
use rand_core::OsRng;

/// Argon2id parameters cheap enough for tests: 256 KiB, one pass.
pub(crate) const CHEAP: KdfParams = KdfParams {
    m_cost_kib: 256,
    t_cost: 1,
    p_cost: 1,
};

/// A PIN that meets the rules.
pub(crate) const PIN: &str = "135790";
/// Another PIN that meets the rules.
pub(crate) const OTHER_PIN: &str = "246813";
/// A PIN that is wrong for both.
pub(crate) const WRONG_PIN: &str = "975310";

/// A folder holding a keystore home and a device key file beside it (not
/// inside, so a home can be copied without its key).
pub(crate) struct Site {
    root: PathBuf,
    /// Deletes the folder when the site that created it is dropped.
    _temp: Option<tempfile::TempDir>,
}

impl Site {
    /// A new temporary folder.
    pub(crate) fn new() -> Self {
        let temp = tempfile::tempdir().unwrap();
        Site {
            root: temp.path().to_path_buf(),
            _temp: Some(temp),
        }
    }

    /// An existing folder, left in place on drop (for a worker process
    /// that shares its parent's site).
    pub(crate) fn at(root: PathBuf) -> Self {
        Site { root, _temp: None }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    pub(crate) fn device_key(&self) -> PathBuf {
        self.root().join("device.key")
    }

    pub(crate) fn database(&self) -> PathBuf {
        self.home().join("keystore.sqlite3")
    }

    pub(crate) fn binding(&self) -> Arc<dyn DeviceBinding> {
        Arc::new(SoftwareDeviceBinding::open(&self.device_key()).unwrap())
    }

    pub(crate) fn open(&self) -> Keystore {
        Keystore::open_with_kdf(&self.home(), self.binding(), CHEAP).unwrap()
    }

    /// A raw connection to the home's database, for tests that damage it.
    pub(crate) fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.database()).unwrap()
    }
}

pub(crate) fn pin(digits: &str) -> Pin {
    Pin::entered(digits.to_owned())
}

pub(crate) fn new_key(role: KeyRole) -> NewKey {
    NewKey {
        role,
        secret: p256::SecretKey::random(&mut OsRng),
        certificate: None,
    }
}

/// A signing and an encryption key under [`PIN`]; returns the credential
/// and key ids.
pub(crate) fn enroll(keystore: &Keystore) -> (palmbid_core::keystore::CredentialId, Vec<KeyId>) {
    keystore
        .create_credential(
            &pin(PIN),
            "test bidder",
            vec![new_key(KeyRole::Signing), new_key(KeyRole::Encryption)],
        )
        .unwrap()
}

/// A self-signed certificate for `secret`, made by rcgen from its PKCS#8.
pub(crate) fn certificate_for(secret: &p256::SecretKey, common_name: &str) -> CertInfo {
    let pkcs8 = secret.to_pkcs8_der().unwrap();
    let key_pair = rcgen::KeyPair::try_from(pkcs8.as_bytes()).unwrap();

    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    let cert = params.self_signed(&key_pair).unwrap();

    CertInfo::from_der(cert.der(), common_name).unwrap()
}

/// A CA certificate and a leaf certificate it issued for `secret`.
pub(crate) fn issued_certificate(secret: &p256::SecretKey) -> (CertInfo, CertInfo) {
    let ca_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "palmbid test CA");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);

    let pkcs8 = secret.to_pkcs8_der().unwrap();
    let leaf_key = rcgen::KeyPair::try_from(pkcs8.as_bytes()).unwrap();
    let mut leaf_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    leaf_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "bidder");
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();

    (
        CertInfo::from_der(ca_cert.der(), "CA").unwrap(),
        CertInfo::from_der(leaf.der(), "leaf").unwrap(),
    )
}

/// Flips one byte of a BLOB column of the row `id` in `table`.
pub(crate) fn flip_byte(
    conn: &rusqlite::Connection,
    table: &str,
    column: &str,
    id: &str,
    index: usize,
) {
    let mut blob: Vec<u8> = conn
        .query_row(
            &format!("SELECT {column} FROM {table} WHERE id = ?1"),
            [id],
            |row| row.get(0),
        )
        .unwrap();
    blob[index] ^= 0x01;
    conn.execute(
        &format!("UPDATE {table} SET {column} = ?1 WHERE id = ?2"),
        rusqlite::params![blob, id],
    )
    .unwrap();
}

/// Makes a copied device key file owner-only, as the software binding
/// requires.
#[cfg(unix)]
pub(crate) fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Other systems have no owner-only mode to set.
#[cfg(not(unix))]
pub(crate) fn restrict(_path: &Path) {}

/// Copies a file, keeping nothing of its permissions.
pub(crate) fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
}

/// What the keystore tests unlock keys for, as the signature log records
/// it.
pub(crate) fn any_use() -> KeyUse {
    KeyUse::new(KeyOperation::SignDigest)
}
