//! Command-line syntax of `palmbid`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// palmbid: phone certificate for e-bidding — keystore, signatures and bid
/// envelopes (手机证书：证书库、签名与投标文件信封).
#[derive(Debug, Parser)]
#[command(name = "palmbid", version, about, long_about = None)]
pub(crate) struct Cli {
    /// Keystore home folder [default: the per-user data folder of this OS].
    #[arg(long, global = true, env = "PALMBID_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Read each PIN as one line of standard input instead of from the
    /// terminal; with several PINs (old, new, confirmation), one line each.
    #[arg(long, global = true)]
    pub pin_stdin: bool,

    /// Log operations to standard error (repeat for more detail).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the whole flow in a fresh keystore: test CA, phone and hardware
    /// certificates, envelope, decryption, signature, wrong PIN.
    Demo {
        /// Folder for every artifact [default: ./palmbid-demo].
        #[arg(long, value_name = "DIR", default_value = "palmbid-demo")]
        out: PathBuf,
    },

    /// Import a software certificate with its private key under a new PIN.
    Import(ImportArgs),

    /// List installed certificates.
    Certs {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },

    /// The signature log (签名记录): every PIN entry that asked for a
    /// key, newest first, refused ones included.
    Log {
        /// Rows to print.
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: u32,
        /// Print rows older than this row id (the next page).
        #[arg(long, value_name = "ID")]
        before: Option<i64>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },

    /// Generate signing and encryption keys under a new PIN and write one
    /// PKCS#10 certificate request (CSR) for each.
    Request(RequestArgs),

    /// Install certificates issued for the keys of `palmbid request`.
    Install {
        /// Issued certificate (PEM or DER); repeat for the signing and the
        /// encryption certificate.
        #[arg(long = "cert", value_name = "FILE", required = true, num_args = 1..)]
        certs: Vec<PathBuf>,

        /// Issuing chain up to its root (PEM); the root becomes a trust anchor.
        #[arg(long, value_name = "FILE")]
        chain: Option<PathBuf>,
    },

    /// Make a detached CMS signature (.p7s) of a file.
    Sign {
        /// Certificate id or fingerprint prefix; optional when one fits.
        #[arg(long = "cert", value_name = "ID")]
        cert: Option<String>,

        /// File to sign.
        #[arg(long = "in", value_name = "FILE")]
        input: PathBuf,

        /// Signature file to write (DER).
        #[arg(long, value_name = "FILE.p7s")]
        out: PathBuf,
    },

    /// Verify a detached CMS signature against a CA certificate.
    Verify {
        /// The signed file.
        #[arg(long = "in", value_name = "FILE")]
        input: PathBuf,

        /// The signature (DER or PEM).
        #[arg(long, value_name = "FILE.p7s")]
        sig: PathBuf,

        /// Trust anchor: the CA certificate (PEM or DER).
        #[arg(long, value_name = "FILE")]
        ca: PathBuf,
    },

    /// Encrypt a file to one or more recipient certificates
    /// (AuthEnvelopedData, AES-256-GCM).
    Encrypt {
        /// Recipient certificate (PEM or DER); repeat for several.
        #[arg(long = "to", value_name = "CERT.pem", required = true)]
        to: Vec<PathBuf>,

        /// File to encrypt.
        #[arg(long = "in", value_name = "FILE")]
        input: PathBuf,

        /// Envelope to write (DER).
        #[arg(long, value_name = "FILE.p7m")]
        out: PathBuf,
    },

    /// Decrypt an envelope (EnvelopedData or AuthEnvelopedData) with a
    /// phone certificate.
    Decrypt {
        /// Certificate id or fingerprint prefix; optional when one fits.
        #[arg(long = "cert", value_name = "ID")]
        cert: Option<String>,

        /// Envelope (DER, BER, PEM or S/MIME).
        #[arg(long = "in", value_name = "FILE.p7m")]
        input: PathBuf,

        /// Plaintext file to write; written only once the envelope is
        /// authenticated.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },

    /// PIN status and change.
    Pin {
        #[command(subcommand)]
        action: PinAction,
    },

    /// Trusted platforms (可信平台): add, list, remove.
    Platform {
        #[command(subcommand)]
        action: crate::commands::platform::PlatformAction,
    },

    /// Log in to a trusted platform with an SMS code (短信验证码登录).
    Login(crate::commands::login::LoginArgs),

    /// Identity verification (实名认证): code, submit, status.
    VerifyIdentity {
        #[command(subcommand)]
        action: crate::commands::identity::IdentityAction,
    },

    /// Scan a code (扫一扫): a certificate pickup code (make both key pairs
    /// under a new PIN, pick up the certificates), or a request of the
    /// portal or the bid toolbox (show it, then answer with the PIN).
    Scan {
        /// The text of the QR code, `https://{platform}/q/{id}[?t=..&h=..]`.
        url: String,

        /// Login: the number shown on the computer [default: ask].
        #[arg(long, value_name = "NN")]
        number: Option<u8>,

        #[allow(
            clippy::doc_markdown,
            reason = "clap shows this text as help, backticks and all"
        )]
        /// Seal: personal, legal_representative or company [default: the
        /// only seal held, else ask].
        #[arg(long, value_name = "SEAL", value_parser = parse_seal)]
        seal: Option<palmbid_core::api::pickup::SealKind>,
    },

    /// The bid toolbox (投标工具) side of QR requests: show a code, wait for
    /// the phone, use its answer.
    Toolbox(crate::commands::toolbox::ToolboxArgs),

    /// The bid-opening hall (掌上开标): list projects, follow an opening.
    Hall {
        #[command(subcommand)]
        action: crate::commands::hall::HallAction,
    },

    /// Download picked-up certificates (下载证书): registry match on the
    /// platform, then install.
    Download {
        /// The trusted platform; optional when one pickup waits.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// The pickup id; optional when one pickup waits.
        #[arg(long, value_name = "ID")]
        pickup: Option<String>,
    },

    /// Log out of a trusted platform (退出登录).
    Logout {
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },

    /// Electronic bid guarantees (电子保函): list, sections, code,
    /// institutions, apply, status.
    Guarantee {
        #[command(subcommand)]
        action: crate::commands::guarantee::GuaranteeAction,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub(crate) struct ImportArgs {
    /// PKCS#12 file (.p12, .pfx).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["key", "cert"])]
    pub p12: Option<PathBuf>,

    /// File holding the PKCS#12 password on its first line [default: ask].
    #[arg(long, value_name = "FILE", requires = "p12")]
    pub p12_password_file: Option<PathBuf>,

    /// Private key: PKCS#8 or SEC1, PEM or DER.
    #[arg(long, value_name = "KEY.pem", requires = "cert")]
    pub key: Option<PathBuf>,

    /// Certificate of that key (PEM or DER).
    #[arg(long, value_name = "CERT.pem", requires = "key")]
    pub cert: Option<PathBuf>,

    /// Issuing chain up to its root (PEM), for --key or for a --p12 file
    /// that lacks it; the root it ends in becomes a trust anchor.
    #[arg(long, value_name = "CHAIN.pem")]
    pub chain: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// Holder's name (CN), e.g. 张三.
    #[arg(long)]
    pub name: String,

    /// Company name (O).
    #[arg(long)]
    pub company: String,

    /// The company's 18-character unified social credit code.
    #[arg(long = "credit-code", value_name = "CODE")]
    pub credit_code: String,

    /// Folder for signing.csr and encryption.csr.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PinAction {
    /// Show failed attempts, tries left and lock state of every credential.
    Status,
    /// Change the PIN of a credential (all its keys are re-wrapped).
    Change {
        /// Certificate id or fingerprint prefix of the credential;
        /// optional when there is one.
        #[arg(long = "cert", value_name = "ID")]
        cert: Option<String>,
    },
}

fn parse_seal(text: &str) -> Result<palmbid_core::api::pickup::SealKind, String> {
    palmbid_core::api::pickup::SealKind::parse(text)
        .ok_or_else(|| "use personal, legal_representative or company".to_owned())
}
