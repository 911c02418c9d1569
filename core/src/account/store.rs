//! Trusted platforms and sessions in the keystore database (schema
//! version 2, see `store::migrations`).

use std::path::Path;

use rusqlite::{OptionalExtension, params};
use url::Url;
use zeroize::Zeroizing;

use super::AccountError;
use crate::pki::CertInfo;
use crate::store::{DATABASE_FILE, Database};

/// A platform the phone trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedPlatform {
    /// The user's name for it.
    pub name: String,
    /// Its base address, ending in `/`.
    pub base_url: Url,
    /// The root certificate its CA issues under.
    pub anchor: CertInfo,
    /// When it was added, Unix seconds.
    pub added_at: i64,
}

impl TrustedPlatform {
    /// The host of its address, as the URL parser normalised it.
    pub fn host(&self) -> &str {
        self.base_url.host_str().unwrap_or_default()
    }
}

/// A session held with a platform.
pub struct StoredSession {
    /// The platform's name.
    pub platform: String,
    /// The logged-in phone number.
    pub phone: String,
    /// The bearer token.
    pub token: Zeroizing<String>,
    /// Expiry, Unix seconds, server clock.
    pub expires_at: i64,
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("platform", &self.platform)
            .field("phone", &self.phone)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The account tables of a keystore home. Opens its own connection to
/// `{home}/keystore.sqlite3`; the keystore's connection may be open at the
/// same time (WAL, busy timeout).
pub struct AccountStore {
    pub(super) db: Database,
}

impl std::fmt::Debug for AccountStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountStore").finish_non_exhaustive()
    }
}

impl AccountStore {
    /// Opens the database of the keystore home `home` (created and
    /// migrated when needed).
    ///
    /// # Errors
    /// [`AccountError::Store`] when the database cannot be opened.
    pub fn open(home: &Path) -> Result<Self, AccountError> {
        Ok(AccountStore {
            db: Database::open(&home.join(DATABASE_FILE))?,
        })
    }

    /// Stores a trusted platform.
    ///
    /// # Errors
    /// [`AccountError::PlatformExists`] when the name or address is taken.
    pub fn add_platform(&self, platform: &TrustedPlatform) -> Result<(), AccountError> {
        self.db.write(|tx| {
            let taken: i64 = tx.query_row(
                "SELECT count(*) FROM platforms WHERE name = ?1 OR base_url = ?2",
                params![platform.name, platform.base_url.as_str()],
                |row| row.get(0),
            )?;
            if taken > 0 {
                return Err(AccountError::PlatformExists {
                    name: platform.name.clone(),
                    base_url: platform.base_url.to_string(),
                });
            }
            tx.execute(
                "INSERT INTO platforms
                     (name, base_url, host, anchor_der, anchor_fingerprint, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    platform.name,
                    platform.base_url.as_str(),
                    platform.host(),
                    platform.anchor.der,
                    platform.anchor.fingerprint,
                    platform.added_at
                ],
            )?;
            Ok(())
        })
    }

    /// Every trusted platform, by name.
    ///
    /// # Errors
    /// [`AccountError::Store`] or [`AccountError::Pki`] for a damaged row.
    pub fn platforms(&self) -> Result<Vec<TrustedPlatform>, AccountError> {
        let rows: Vec<(String, String, Vec<u8>, i64)> = {
            let conn = self.db.lock();
            let mut statement = conn.prepare(
                "SELECT name, base_url, anchor_der, added_at FROM platforms ORDER BY name",
            )?;
            statement
                .query_map([], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<Result<_, _>>()?
        };
        rows.into_iter()
            .map(|(name, base_url, anchor, added_at)| {
                let base_url = Url::parse(&base_url)
                    .map_err(|_| AccountError::InvalidName { name: name.clone() })?;
                Ok(TrustedPlatform {
                    name,
                    base_url,
                    anchor: CertInfo::from_der(&anchor, "platform trust anchor")?,
                    added_at,
                })
            })
            .collect()
    }

    /// The trusted platform named `name`.
    ///
    /// # Errors
    /// [`AccountError::UnknownPlatform`] when there is none.
    pub fn platform(&self, name: &str) -> Result<TrustedPlatform, AccountError> {
        self.platforms()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| AccountError::UnknownPlatform {
                name: name.to_owned(),
            })
    }

    /// The trusted platform whose address has host `host` (compared as
    /// the URL parser normalises hosts), if any.
    ///
    /// # Errors
    /// [`AccountError::Store`].
    pub fn platform_for_host(&self, host: &str) -> Result<Option<TrustedPlatform>, AccountError> {
        Ok(self.platforms()?.into_iter().find(|p| p.host() == host))
    }

    /// Removes a trusted platform and its session.
    ///
    /// # Errors
    /// [`AccountError::UnknownPlatform`] when there is none.
    pub fn remove_platform(&self, name: &str) -> Result<(), AccountError> {
        self.db.write(|tx| {
            tx.execute("DELETE FROM platform_sessions WHERE platform = ?1", [name])?;
            if tx.execute("DELETE FROM platforms WHERE name = ?1", [name])? == 0 {
                return Err(AccountError::UnknownPlatform {
                    name: name.to_owned(),
                });
            }
            Ok(())
        })
    }

    /// Stores the session with `session.platform`, replacing an older one.
    ///
    /// # Errors
    /// [`AccountError::Store`].
    pub fn save_session(&self, session: &StoredSession, now: i64) -> Result<(), AccountError> {
        self.db.write(|tx| {
            tx.execute(
                "INSERT INTO platform_sessions (platform, phone, token, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (platform) DO UPDATE SET phone = ?2, token = ?3,
                     expires_at = ?4, created_at = ?5",
                params![
                    session.platform,
                    session.phone,
                    session.token.as_str(),
                    session.expires_at,
                    now
                ],
            )?;
            Ok(())
        })
    }

    /// The session held with `platform`, if any.
    ///
    /// # Errors
    /// [`AccountError::Store`].
    pub fn session(&self, platform: &str) -> Result<Option<StoredSession>, AccountError> {
        let conn = self.db.lock();
        Ok(conn
            .query_row(
                "SELECT phone, token, expires_at FROM platform_sessions WHERE platform = ?1",
                [platform],
                |row| {
                    Ok(StoredSession {
                        platform: platform.to_owned(),
                        phone: row.get(0)?,
                        token: Zeroizing::new(row.get(1)?),
                        expires_at: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Forgets the session with `platform`; whether there was one.
    ///
    /// # Errors
    /// [`AccountError::Store`].
    pub fn delete_session(&self, platform: &str) -> Result<bool, AccountError> {
        let deleted = self.db.write(|tx| {
            tx.execute(
                "DELETE FROM platform_sessions WHERE platform = ?1",
                [platform],
            )
            .map_err(AccountError::from)
        })?;
        // The token's page may linger in the WAL file until a checkpoint.
        self.db.checkpoint_truncate()?;
        Ok(deleted > 0)
    }
}
