//! The association files that let the phone apps open the platform's QR
//! addresses (`https://{host}/q/{id}`) directly: Android App Links
//! (`/.well-known/assetlinks.json`) and iOS universal links
//! (`/.well-known/apple-app-site-association`).
//!
//! The apps are named on the command line (`--android-app`, `--ios-app`)
//! and checked when the platform starts ([`AppLinks::from_config`]). An
//! invalid value stops the start with an [`AppLinkError`] naming it,
//! because a typo here would otherwise only show as links that open in
//! the browser. Both bodies are built once at startup.
//!
//! Only `/q/*` is claimed: the portal's other pages (login, consoles) stay
//! in the browser.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::error::Failure;

/// Path of the Digital Asset Links statement list that Android fetches.
pub const ASSET_LINKS_PATH: &str = "/.well-known/assetlinks.json";

/// Path of the association file that iOS fetches (through Apple's CDN).
pub const APPLE_ASSOCIATION_PATH: &str = "/.well-known/apple-app-site-association";

/// Paths the apps claim, in the association file's pattern syntax. It is
/// the prefix of the apps' intent filter and of the QR addresses.
pub const CLAIMED_PATHS: &str = "/q/*";

/// Bytes in a SHA-256 certificate fingerprint.
const FINGERPRINT_BYTES: usize = 32;

/// Characters in an Apple team id (the application identifier prefix).
const TEAM_ID_LEN: usize = 10;

/// Invalid configured app value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppLinkError {
    /// An `--android-app` value is not `PACKAGE:SHA256_FINGERPRINT`.
    #[error(
        "invalid --android-app {value:?}: {reason}. Expected PACKAGE:SHA256_FINGERPRINT such as \
         palmbid.app:14:6D:E9:...:9A (the package name, then the 32 colon-separated hex bytes \
         that `keytool -list -v` or the Play Console print as the SHA-256 fingerprint)"
    )]
    AndroidApp {
        /// The value as given.
        value: String,
        /// Reason it is invalid.
        reason: String,
    },

    /// An `--ios-app` value is not `TEAMID.BUNDLEID`.
    #[error(
        "invalid --ios-app {value:?}: {reason}. Expected TEAMID.BUNDLEID such as \
         ABCDE12345.cn.example.palmbid (the 10-character team id from the Apple developer \
         account, a dot, then the app's bundle id)"
    )]
    IosApp {
        /// The value as given.
        value: String,
        /// Reason it is invalid.
        reason: String,
    },
}

/// Android app allowed to open the claimed paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndroidApp {
    /// Package name (`palmbid.app`).
    pub package: String,
    /// SHA-256 fingerprint of the signing certificate, as upper-case hex
    /// bytes joined by colons (the statement list's form).
    pub fingerprint: String,
}

impl AndroidApp {
    /// Parses `PACKAGE:SHA256_FINGERPRINT`. The package name has no
    /// colon, so the value splits at the first one. Hex digits may be in
    /// either case and are stored upper-case.
    ///
    /// # Errors
    /// [`AppLinkError::AndroidApp`] naming the value and the reason.
    pub fn parse(value: &str) -> Result<Self, AppLinkError> {
        let invalid = |reason: &str| AppLinkError::AndroidApp {
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        let (package, fingerprint) = value
            .split_once(':')
            .ok_or_else(|| invalid("there is no colon between package and fingerprint"))?;
        if !is_package_name(package) {
            return Err(invalid(
                "the package name must be two or more dot-separated parts, each a letter \
                 followed by letters, digits or underscores",
            ));
        }
        let bytes: Vec<&str> = fingerprint.split(':').collect();
        if bytes.len() != FINGERPRINT_BYTES
            || !bytes
                .iter()
                .all(|b| b.len() == 2 && b.bytes().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(invalid(
                "the fingerprint must be 32 two-digit hex bytes separated by colons",
            ));
        }
        Ok(AndroidApp {
            package: package.to_owned(),
            fingerprint: fingerprint.to_ascii_uppercase(),
        })
    }
}

/// Checks a Java package name as Android accepts it (`palmbid.app`).
fn is_package_name(name: &str) -> bool {
    let mut parts = 0;
    for part in name.split('.') {
        parts += 1;
        let mut chars = part.chars();
        let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        if !starts_with_letter || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return false;
        }
    }
    parts >= 2
}

/// iOS app allowed to open the claimed paths, by application identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IosApp {
    /// `TEAMID.BUNDLEID` as the association file carries it.
    pub app_id: String,
}

impl IosApp {
    /// Parses `TEAMID.BUNDLEID`: ten upper-case letters or digits, a dot,
    /// and a bundle id of letters, digits, hyphens and dots.
    ///
    /// # Errors
    /// [`AppLinkError::IosApp`] naming the value and the reason.
    pub fn parse(value: &str) -> Result<Self, AppLinkError> {
        let invalid = |reason: &str| AppLinkError::IosApp {
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        let (team, bundle) = value
            .split_once('.')
            .ok_or_else(|| invalid("there is no dot between team id and bundle id"))?;
        if team.len() != TEAM_ID_LEN
            || !team
                .bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return Err(invalid(
                "the team id must be 10 upper-case letters or digits",
            ));
        }
        if bundle.is_empty()
            || bundle.starts_with('.')
            || bundle.ends_with('.')
            || bundle.contains("..")
            || !bundle
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
        {
            return Err(invalid(
                "the bundle id must be dot-separated parts of letters, digits and hyphens",
            ));
        }
        Ok(IosApp {
            app_id: value.to_owned(),
        })
    }
}

/// Both association bodies, built at startup.
#[derive(Debug, Clone)]
pub struct AppLinks {
    /// Digital Asset Links statement list, `[]` without Android apps.
    asset_links: String,
    /// Apple association file, `None` without iOS apps.
    apple_association: Option<String>,
}

impl AppLinks {
    /// Checks the configured values and builds both bodies.
    ///
    /// # Errors
    /// [`AppLinkError`] for the first invalid value.
    pub fn from_config(android: &[String], ios: &[String]) -> Result<Self, AppLinkError> {
        let android = android
            .iter()
            .map(|value| AndroidApp::parse(value))
            .collect::<Result<Vec<_>, _>>()?;
        let ios = ios
            .iter()
            .map(|value| IosApp::parse(value))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AppLinks {
            asset_links: asset_links(&android),
            apple_association: apple_association(&ios),
        })
    }
}

/// Builds one statement per package with all its fingerprints. A package
/// given twice (an upload key and Play's app signing key) is one app
/// signed two ways, not two apps.
fn asset_links(apps: &[AndroidApp]) -> String {
    let mut by_package: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for app in apps {
        let fingerprints = by_package.entry(app.package.as_str()).or_default();
        if !fingerprints.contains(&app.fingerprint.as_str()) {
            fingerprints.push(app.fingerprint.as_str());
        }
    }
    let statements: Vec<serde_json::Value> = by_package
        .into_iter()
        .map(|(package, fingerprints)| {
            serde_json::json!({
                "relation": ["delegate_permission/common.handle_all_urls"],
                "target": {
                    "namespace": "android_app",
                    "package_name": package,
                    "sha256_cert_fingerprints": fingerprints,
                },
            })
        })
        .collect();
    serde_json::Value::Array(statements).to_string()
}

/// Builds the `applinks` file in Apple's current form (`appIDs` and
/// `components`), all apps sharing one entry.
fn apple_association(apps: &[IosApp]) -> Option<String> {
    if apps.is_empty() {
        return None;
    }
    let mut app_ids: Vec<&str> = Vec::with_capacity(apps.len());
    for app in apps {
        if !app_ids.contains(&app.app_id.as_str()) {
            app_ids.push(app.app_id.as_str());
        }
    }
    let file = serde_json::json!({
        "applinks": {
            "details": [{
                "appIDs": app_ids,
                "components": [{ "/": CLAIMED_PATHS }],
            }],
        },
    });
    Some(file.to_string())
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(ASSET_LINKS_PATH, get(asset_links_file))
        .route(APPLE_ASSOCIATION_PATH, get(apple_association_file))
}

fn json(body: String) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

async fn asset_links_file(State(state): State<AppState>) -> Response {
    json(state.app_links.asset_links.clone())
}

/// Serves the Apple file, or 404 without iOS apps. A file naming no app
/// would associate nothing, so "not found" states plainly that this host
/// claims no iOS app.
async fn apple_association_file(State(state): State<AppState>) -> Response {
    match &state.app_links.apple_association {
        Some(body) => json(body.clone()),
        None => Failure::not_found().into_response(),
    }
}
