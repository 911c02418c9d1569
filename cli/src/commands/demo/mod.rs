//! `palmbid demo`: the main job, end to end in a fresh keystore.
//!
//! Reference platform started in process -> SMS login -> identity
//! verification -> CA order and approval -> pickup of the phone's dual
//! certificates under a PIN -> download with the entity-registry match ->
//! hardware certificate from the same CA -> portal login by QR code -> the
//! bid toolbox logs in by QR code -> it seals a sample PDF with the company
//! seal picked on the phone -> a bid file encrypted to both certificates, decrypted with the
//! phone, signed and verified -> the toolbox encrypts to the phone's
//! certificate handed over by QR and the hardware certificate, and opens
//! it by key release from the phone -> a wrong PIN -> a bid guarantee
//! applied for through the development institution, issued and verified
//! -> a bid opening with three bidders, from upload to close (`hall`).
//! Every artifact is written to the output folder.
mod evaluation;
mod guarantee;
mod hall;
mod platform;
mod qr;

use std::path::Path;
use std::time::Instant;

use palmbid_core::account::AccountStore;
use palmbid_core::api::pickup::SealKind;
use palmbid_core::cms;
use palmbid_core::error::Lang;
use palmbid_core::keystore::{CertificateRecord, KeyOperation, KeyUse, Keystore, Pin};
use palmbid_core::pki::{CertInfo, IssuingCa, KeyRole, Subject, Validity};
use palmbid_toolbox::pades::{Placement, sample_bid_document};
use palmbid_toolbox::relay::Relay;
use palmbid_toolbox::tasks::Toolbox;

use crate::Context;
use crate::commands::request::write_atomic;
use crate::error::{CliError, CliResult, core};
use platform::DemoPlatform;

/// The demo's PIN, printed so the user can repeat steps by hand.
const DEMO_PIN: &str = "258036";
/// The demo company.
const DEMO_COMPANY: &str = "示范建设有限公司";
/// The demo company's unified social credit code.
const DEMO_CREDIT_CODE: &str = "91350100M000100Y43";

/// A wrong PIN for the lockout step.
const WRONG_PIN: &str = "147036";
/// Marks a folder this command created, so a rerun may clear it.
const MARKER: &str = ".palmbid-demo";

/// The files the demo writes, besides its keystore home, the platform's
/// data folder and the marker.
const ARTIFACTS: [&str; 15] = [
    "ca.pem",
    "phone-signing.pem",
    "phone-encryption.pem",
    "hardware.pem",
    "hardware.key.pem",
    "bid.txt",
    "bid.p7m",
    "bid.decrypted.txt",
    "bid.p7s",
    "bid.dual.p7m",
    "bid.released.txt",
    "bid-letter.pdf",
    "bid-letter.sealed.pdf",
    "guarantee.pdf",
    "hall",
];

/// The demo's keystore home inside its folder.
const HOME: &str = "home";
/// The embedded platform's data folder inside the demo folder.
const PLATFORM_DATA: &str = "platform";

const BID_TEXT: &str = "\
投标文件（演示）
项目：某市政道路改造工程 第一标段
投标人：示范建设有限公司
投标报价：人民币 12,345,678.00 元
工期：180 日历天
";

/// Prints numbered steps with their durations.
struct Steps<'a> {
    ctx: &'a Context,
    number: u32,
}

impl Steps<'_> {
    fn run<T>(&mut self, zh: &str, en: &str, work: impl FnOnce() -> CliResult<T>) -> CliResult<T> {
        self.number += 1;
        let started = Instant::now();
        let result = work()?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        outln!("[{}] {}  ({ms:.0} ms)", self.number, self.ctx.tr(zh, en));
        Ok(result)
    }
}

pub(crate) fn run(ctx: &Context, out: &Path) -> CliResult<()> {
    prepare_folder(out)?;
    let now = crate::unix_now();
    let mut steps = Steps { ctx, number: 0 };

    outln!("{} {}", ctx.tr("演示目录：", "Demo folder:"), out.display());
    outln!("{} {DEMO_PIN}", ctx.tr("演示 PIN：", "Demo PIN:"));

    let Enrolled {
        ca,
        keystore,
        store,
        hardware,
        platform,
    } = enrol(&mut steps, out, now)?;
    let phone = qr::Phone {
        store: &store,
        keystore: &keystore,
        pin: DEMO_PIN,
    };
    let toolbox = Toolbox::new(
        Relay::new(&platform.base_url).map_err(core)?,
        vec![ca.certificate().clone()],
        "DEMO-PC",
    );
    portal_login_step(&mut steps, &platform, &phone)?;
    toolbox_login_step(&mut steps, &platform, &phone, &toolbox)?;
    seal_step(&mut steps, out, &platform, &phone, &toolbox)?;
    let phone_signing = bid_steps(&mut steps, out, &ca, &keystore, &hardware)?;
    toolbox_envelope_steps(&mut steps, out, &platform, &phone, &toolbox, &hardware)?;
    wrong_pin_step(&mut steps, &keystore, &phone_signing)?;
    guarantee::guarantee_steps(
        &mut steps,
        out,
        &platform,
        &store,
        &keystore,
        DEMO_CREDIT_CODE,
    )?;
    hall::hall_steps(
        &mut steps,
        out,
        &platform,
        &toolbox,
        (DEMO_COMPANY, DEMO_CREDIT_CODE),
        &store,
        &keystore,
        &hardware,
    )?;
    platform.stop()?;
    print_artifacts(ctx, out, &out.join("bid.p7m"));
    Ok(())
}

/// Results of the enrolment steps.
struct Enrolled {
    ca: IssuingCa,
    keystore: Keystore,
    store: AccountStore,
    hardware: CertInfo,
    platform: DemoPlatform,
}

/// Starts the platform and runs the phone's first day with it: SMS login,
/// identity verification, the CA order (operator side), pickup under a new
/// PIN and download; then issues the hardware certificate from the same CA.
fn enrol(steps: &mut Steps<'_>, out: &Path, now: i64) -> CliResult<Enrolled> {
    let home = out.join(HOME);
    let subject = Subject {
        name: "张三".to_owned(),
        company: DEMO_COMPANY.to_owned(),
        credit_code: DEMO_CREDIT_CODE.to_owned(),
    };

    let platform = steps.run(
        "在本机回环端口启动参考平台",
        "start the reference platform on a loopback port",
        || DemoPlatform::start(&out.join(PLATFORM_DATA)),
    )?;
    outln!("    {}", platform.base_url);

    let keystore = steps.run(
        "打开新证书库（设备密钥已密封）",
        "open a fresh keystore (device secret sealed)",
        || crate::home::open(&home),
    )?;
    let store = AccountStore::open(&home).map_err(core)?;

    steps.run(
        "信任平台并用短信验证码登录",
        "trust the platform and log in with an SMS code",
        || platform.login(&store, now),
    )?;
    steps.run(
        "实名认证（视频与身份证号；开发模式自动通过）",
        "verify identity (video and ID number; approved at once in development)",
        || platform.verify_identity(&store, &subject.name),
    )?;
    let url = steps.run(
        "运营端录入并审核 CA 订单，主体库登记单位",
        "operator enters and approves the CA order, registers the company",
        || platform.order(&subject.name, &subject.company, &subject.credit_code),
    )?;
    outln!("    {url}");
    steps.run(
        "扫码领取双证书（新 PIN 下生成密钥）并下载证书（主体库匹配）",
        "scan to pick up both certificates (keys made under a new PIN) and download them (registry match)",
        || {
            let pin = Pin::chosen(DEMO_PIN.to_owned()).map_err(core)?;
            platform.pick_up(&store, &keystore, &url, &pin)?;
            for record in keystore.certificates().map_err(core)? {
                let name = match record.role {
                    KeyRole::Signing => "phone-signing.pem",
                    KeyRole::Encryption => "phone-encryption.pem",
                };
                write_atomic(&out.join(name), record.cert.to_pem().as_bytes())?;
            }
            Ok(())
        },
    )?;

    let ca = platform_ca(&platform.data)?;
    write_atomic(&out.join("ca.pem"), ca.certificate().to_pem().as_bytes())?;
    let validity = Validity {
        not_before: now - 60,
        days: 365,
    };
    let hardware = steps.run(
        "平台 CA 签发实体 CA（USB-KEY）加密证书",
        "the platform CA issues a hardware (USB-KEY) encryption certificate",
        || {
            let issued = ca
                .issue_with_new_key(&subject, KeyRole::Encryption, validity)
                .map_err(core)?;
            write_atomic(&out.join("hardware.pem"), issued.cert.to_pem().as_bytes())?;
            // NOTE: a real USB-KEY never exports its key. This file replaces
            // the token, so the envelope can also be opened on the PC side.
            write_atomic(
                &out.join("hardware.key.pem"),
                issued.key_pkcs8_pem.as_bytes(),
            )?;
            Ok(issued.cert)
        },
    )?;

    Ok(Enrolled {
        ca,
        keystore,
        store,
        hardware,
        platform,
    })
}

/// Loads the platform's root CA from its data folder, so the demo can issue
/// the hardware certificate under the same trust anchor.
fn platform_ca(data: &Path) -> CliResult<IssuingCa> {
    let cert_path = data.join("ca").join("root.pem");
    let key_path = data.join("ca").join("root.key.pem");
    let cert = std::fs::read(&cert_path).map_err(|e| CliError::io(&cert_path, &e))?;
    let key = zeroize::Zeroizing::new(
        std::fs::read_to_string(&key_path).map_err(|e| CliError::io(&key_path, &e))?,
    );
    let cert = CertInfo::from_pem_or_der(&cert, "platform CA").map_err(core)?;
    IssuingCa::from_parts(cert, &key).map_err(core)
}

/// Encrypts the bid file to both certificates, opens it with the phone,
/// signs and verifies it; returns the phone's signing certificate.
fn bid_steps(
    steps: &mut Steps<'_>,
    out: &Path,
    ca: &IssuingCa,
    keystore: &Keystore,
    hardware: &CertInfo,
) -> CliResult<CertificateRecord> {
    let pin = || Pin::entered(DEMO_PIN.to_owned());
    let records = keystore.certificates().map_err(core)?;
    let phone_encryption = &find_role(&records, KeyRole::Encryption)?;
    let phone_signing = find_role(&records, KeyRole::Signing)?;

    let bid = out.join("bid.txt");
    let envelope = out.join("bid.p7m");
    steps.run(
        "把投标文件同时加密给手机证书和实体证书",
        "encrypt the bid file to the phone and the hardware certificates",
        || {
            write_atomic(&bid, BID_TEXT.as_bytes())?;
            cms::encrypt_to_file(
                &bid,
                &envelope,
                &[phone_encryption.cert.clone(), hardware.clone()],
            )
            .map_err(core)?;
            Ok(())
        },
    )?;

    let decrypted = out.join("bid.decrypted.txt");
    steps.run(
        "用手机证书解密（输入 PIN）",
        "decrypt with the phone certificate (PIN entered)",
        || {
            let (usage, _) = KeyUse::new(KeyOperation::DecryptFile)
                .file(&envelope)
                .map_err(core)?;
            let key = keystore
                .unlock(&phone_encryption.key_id, &pin(), &usage)
                .map_err(core)?;
            cms::decrypt_to_file(&envelope, &decrypted, &phone_encryption.cert, key.secret())
                .map_err(core)?;
            let same = std::fs::read(&decrypted).map_err(|e| CliError::io(&decrypted, &e))?
                == BID_TEXT.as_bytes();
            if same {
                Ok(())
            } else {
                Err(CliError::failed(
                    "demo.mismatch",
                    "解密结果与原文不同",
                    "the decrypted file differs from the original",
                ))
            }
        },
    )?;

    let signature = out.join("bid.p7s");
    steps.run(
        "用手机签名证书签名并验证",
        "sign with the phone signing certificate and verify",
        || {
            let (usage, digest) = KeyUse::new(KeyOperation::SignFile)
                .file(&bid)
                .map_err(core)?;
            let key = keystore
                .unlock(&phone_signing.key_id, &pin(), &usage)
                .map_err(core)?;
            let der = cms::sign_detached_digest(
                &digest,
                key.secret(),
                &phone_signing.cert,
                &phone_signing.chain,
                // The time of signing itself: the platform's certificates
                // become valid only at their issuing, after the demo began.
                crate::unix_now(),
            )
            .map_err(core)?;
            drop(key);
            write_atomic(&signature, &der)?;
            cms::verify_detached_file(&der, &bid, &[ca.certificate().clone()], crate::unix_now())
                .map_err(core)?;
            Ok(())
        },
    )?;

    Ok(phone_signing)
}

/// The portal's QR login page, played by an HTTP client with a cookie jar.
fn portal_login_step(
    steps: &mut Steps<'_>,
    platform: &DemoPlatform,
    phone: &qr::Phone<'_>,
) -> CliResult<()> {
    let who = steps.run(
        "交易平台门户扫码登录（数字匹配后输入 PIN）",
        "log in to the portal by QR code (number matching, then the PIN)",
        || platform.block_on(qr::portal_login(&platform.base_url, phone)),
    )?;
    outln!("    {who}");
    Ok(())
}

/// The toolbox seals a sample bid letter with the company seal the phone
/// picks; the sealed PDF is written beside the original.
fn seal_step(
    steps: &mut Steps<'_>,
    out: &Path,
    platform: &DemoPlatform,
    phone: &qr::Phone<'_>,
    toolbox: &Toolbox,
) -> CliResult<()> {
    let letter = out.join("bid-letter.pdf");
    let sealed = out.join("bid-letter.sealed.pdf");
    steps.run(
        "投标工具扫码盖章：手机选择公章并签名，PDF 加盖 PAdES 电子签章",
        "the toolbox seals a PDF by QR: the phone picks the company seal and signs (PAdES)",
        || {
            write_atomic(&letter, &sample_bid_document("Bid letter (demo)"))?;
            let input = letter.clone();
            let outcome = platform.block_on(qr::exchange(
                phone,
                Some(SealKind::Company),
                |mut screen| {
                    let toolbox = toolbox.clone();
                    async move {
                        let placement = Placement {
                            page: 1,
                            x: 360.0,
                            y: 90.0,
                            width: 130.0,
                        };
                        toolbox
                            .seal(&input, &placement, &mut screen)
                            .await
                            .map_err(core)
                    }
                },
            ))?;
            write_atomic(&sealed, &outcome.pdf)
        },
    )?;
    outln!("    {}", sealed.display());
    Ok(())
}

/// The bid toolbox logs in with the phone: QR code, number matching, PIN.
fn toolbox_login_step(
    steps: &mut Steps<'_>,
    platform: &DemoPlatform,
    phone: &qr::Phone<'_>,
    toolbox: &Toolbox,
) -> CliResult<()> {
    let subject = steps.run(
        "投标工具扫码登录（数字匹配后输入 PIN）",
        "the bid toolbox logs in by QR code (number matching, then the PIN)",
        || {
            platform.block_on(qr::exchange(phone, None, |mut screen| {
                let toolbox = toolbox.clone();
                async move {
                    let outcome = toolbox.login(&mut screen).await.map_err(core)?;
                    Ok(outcome.subject)
                }
            }))
        },
    )?;
    outln!("    {subject}");
    Ok(())
}

/// The toolbox encrypts the bid file to the phone's encryption
/// certificate (handed over by QR) and to the hardware certificate, then
/// opens it again by key release from the phone.
fn toolbox_envelope_steps(
    steps: &mut Steps<'_>,
    out: &Path,
    platform: &DemoPlatform,
    phone: &qr::Phone<'_>,
    toolbox: &Toolbox,
    hardware: &CertInfo,
) -> CliResult<()> {
    let bid = out.join("bid.txt");
    let envelope = out.join("bid.dual.p7m");
    steps.run(
        "投标工具扫码获取手机加密证书，把投标文件加密给手机证书和实体证书",
        "the toolbox fetches the phone's encryption certificate by QR and encrypts the bid file to it and the hardware certificate",
        || {
            let (bid, envelope, hardware) = (bid.clone(), envelope.clone(), hardware.clone());
            platform.block_on(qr::exchange(phone, None, |mut screen| {
                let toolbox = toolbox.clone();
                async move {
                    toolbox
                        .encrypt(&bid, &envelope, Some(&hardware), &mut screen)
                        .await
                        .map_err(core)?;
                    Ok(())
                }
            }))
        },
    )?;

    let released = out.join("bid.released.txt");
    steps.run(
        "投标工具扫码解密：手机把内容密钥释放给工具的一次性密钥",
        "the toolbox decrypts by QR: the phone releases the content key to the toolbox's one-time key",
        || {
            let (envelope, target) = (envelope.clone(), released.clone());
            platform.block_on(qr::exchange(phone, None, |mut screen| {
                let toolbox = toolbox.clone();
                async move {
                    toolbox
                        .decrypt(&envelope, &target, &mut screen)
                        .await
                        .map_err(core)?;
                    Ok(())
                }
            }))?;
            let same = std::fs::read(&released).map_err(|e| CliError::io(&released, &e))?
                == BID_TEXT.as_bytes();
            if same {
                Ok(())
            } else {
                Err(CliError::failed(
                    "demo.mismatch",
                    "释放密钥解密的结果与原文不同",
                    "the file decrypted by key release differs from the original",
                ))
            }
        },
    )
}

/// Enters a wrong PIN once and shows the tries left.
fn wrong_pin_step(
    steps: &mut Steps<'_>,
    keystore: &Keystore,
    record: &CertificateRecord,
) -> CliResult<()> {
    let ctx = steps.ctx;
    let message = steps.run("输入错误 PIN", "enter a wrong PIN", || {
        let usage = KeyUse::new(KeyOperation::SignDigest);
        match keystore.unlock(&record.key_id, &Pin::entered(WRONG_PIN.to_owned()), &usage) {
            Ok(_) => Err(CliError::failed(
                "demo.wrong_pin_accepted",
                "错误 PIN 竟被接受",
                "the wrong PIN was accepted",
            )),
            Err(err) => Ok(palmbid_core::error::Localized::message(&err, ctx.lang)),
        }
    })?;
    outln!("    {message}");
    let status = keystore.pin_status(&record.credential).map_err(core)?;
    match ctx.lang {
        Lang::ZhCn => outln!(
            "    PIN 状态：已失败 {} 次，还可尝试 {} 次",
            status.failed_attempts,
            status.tries_left
        ),
        Lang::En => outln!(
            "    PIN status: {} failed, {} tries left",
            status.failed_attempts,
            status.tries_left
        ),
    }
    Ok(())
}

fn print_artifacts(ctx: &Context, out: &Path, envelope: &Path) {
    outln!();
    outln!(
        "{}",
        ctx.tr("演示完成。产物：", "Demo complete. Artifacts:")
    );
    for name in ARTIFACTS {
        outln!("  {}", out.join(name).display());
    }
    outln!(
        "{}\n  openssl cms -decrypt -binary -inform DER -in {} -recip {} -inkey {}",
        ctx.tr(
            "用实体证书在 PC 端打开同一信封：",
            "Open the same envelope on the PC side with the hardware certificate:"
        ),
        envelope.display(),
        out.join("hardware.pem").display(),
        out.join("hardware.key.pem").display()
    );
}

fn find_role(records: &[CertificateRecord], role: KeyRole) -> CliResult<CertificateRecord> {
    records
        .iter()
        .find(|r| r.role == role)
        .cloned()
        .ok_or_else(|| {
            CliError::failed(
                "demo.missing_certificate",
                "安装后找不到证书",
                "certificate missing after install",
            )
        })
}

/// Creates `out`, or clears what an earlier demo wrote there. A folder
/// holding anything the demo does not write is left alone, marker or not:
/// the user may have put files beside the demo's since.
fn prepare_folder(out: &Path) -> CliResult<()> {
    if out.exists() {
        let entries = std::fs::read_dir(out).map_err(|e| CliError::io(out, &e))?;
        let mut names = Vec::new();
        for entry in entries {
            names.push(entry.map_err(|e| CliError::io(out, &e))?.file_name());
        }
        let demo_made = out.join(MARKER).exists();
        let foreign: Vec<String> = names
            .iter()
            .filter(|name| !(demo_made && is_demo_entry(name)))
            .map(|name| name.to_string_lossy().into_owned())
            .collect();
        if !foreign.is_empty() {
            let shown = out.display();
            let listed = foreign.join(", ");
            return Err(CliError::usage(
                "demo.folder_not_empty",
                format!("目录 {shown} 中有不是演示产生的文件（{listed}）；请用 --out 指定新目录"),
                format!(
                    "folder {shown} holds files the demo did not write ({listed}); pass a new --out folder"
                ),
            ));
        }
        for name in &names {
            let path = out.join(name);
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| CliError::io(&path, &e))?;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| CliError::io(out, &e))?;
    std::fs::write(out.join(MARKER), b"made by palmbid demo\n")
        .map_err(|e| CliError::io(out, &e))?;
    Ok(())
}

/// Whether `name` is something the demo writes into its folder.
fn is_demo_entry(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n == MARKER || n == HOME || n == PLATFORM_DATA || ARTIFACTS.contains(&n))
}
