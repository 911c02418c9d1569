//! Reading PINs and secrets: from the terminal without echo, or one line
//! each from standard input with `--pin-stdin`.

use std::io::BufRead;

use palmbid_core::error::Lang;
use palmbid_core::keystore::Pin;
use zeroize::Zeroizing;

use crate::error::{CliError, CliResult};

/// Distance from a full-width form (U+FF10 `０`) to its ASCII character
/// (U+0030 `0`).
const FULL_WIDTH_OFFSET: u32 = 0xFEE0;

/// The source of PINs and passwords.
pub(crate) struct SecretSource {
    from_stdin: bool,
    lang: Lang,
}

impl SecretSource {
    pub(crate) fn new(from_stdin: bool, lang: Lang) -> Self {
        SecretSource { from_stdin, lang }
    }

    /// Reads one secret line. `zh` and `en` are the prompt.
    pub(crate) fn read(&self, zh: &str, en: &str) -> CliResult<Zeroizing<String>> {
        let prompt = match self.lang {
            Lang::ZhCn => zh,
            Lang::En => en,
        };
        let mut line = if self.from_stdin {
            let mut line = Zeroizing::new(String::new());
            let read = std::io::stdin().lock().read_line(&mut line).map_err(|e| {
                CliError::failed(
                    "cli.stdin",
                    format!("读取标准输入失败：{e}"),
                    format!("reading standard input failed: {e}"),
                )
            })?;
            if read == 0 {
                return Err(CliError::usage(
                    "cli.pin_missing",
                    format!("标准输入已结束，缺少一行：{zh}"),
                    format!("standard input ended before a line for: {en}"),
                ));
            }
            line
        } else {
            Zeroizing::new(
                rpassword::prompt_password(format!("{prompt}: ")).map_err(|e| {
                    CliError::usage(
                        "cli.no_terminal",
                        format!("无法从终端读取 PIN（{e}）；可改用 --pin-stdin"),
                        format!("cannot read the PIN from the terminal ({e}); use --pin-stdin"),
                    )
                })?,
            )
        };
        while line.ends_with('\n') || line.ends_with('\r') {
            line.pop();
        }
        Ok(line)
    }

    /// Reads the PIN of an existing credential.
    pub(crate) fn pin(&self) -> CliResult<Pin> {
        let text = self.read_pin("请输入 PIN", "Enter PIN")?;
        Ok(Pin::entered(text.as_str().to_owned()))
    }

    /// Reads the PIN of signing credential `credential`, asked for when a
    /// bid opens with the key of another credential.
    pub(crate) fn signer_pin(&self, credential: &str) -> CliResult<Pin> {
        let text = self.read_pin(
            &format!("请输入签名证书凭据 {credential} 的 PIN"),
            &format!("Enter the PIN of signing credential {credential}"),
        )?;
        Ok(Pin::entered(text.as_str().to_owned()))
    }

    /// Reads a PIN line as digits. Every PIN is chosen as ASCII digits, so
    /// what cannot be one is refused here, before a try is counted: an
    /// empty line, or a character other than a digit. Spaces around the
    /// digits are dropped, and full-width digits (０ to ９, which Chinese
    /// input methods type) are read as the digits they show.
    fn read_pin(&self, zh: &str, en: &str) -> CliResult<Zeroizing<String>> {
        let line = self.read(zh, en)?;
        let typed = line.trim();

        // Sized up front so that pushing never reallocates and leaves an
        // unzeroized copy of the digits behind.
        let mut digits = Zeroizing::new(String::with_capacity(typed.len()));
        for c in typed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '０'..='９' => digits.push(
                    char::from_u32(u32::from(c) - FULL_WIDTH_OFFSET)
                        .expect("０ to ９ less the full-width offset is 0 to 9"),
                ),
                _ => {
                    return Err(CliError::usage(
                        "cli.pin_not_digits",
                        format!(
                            "{zh}：PIN 只能由数字 0 到 9 组成，输入中有其他字符；本次未计入错误次数，请重新输入"
                        ),
                        format!(
                            "{en}: a PIN is made of the digits 0 to 9 only and the line held another character; no try was counted, enter it again"
                        ),
                    ));
                }
            }
        }
        if digits.is_empty() {
            return Err(CliError::usage(
                "cli.pin_empty",
                format!("{zh}：输入为空；本次未计入错误次数，请输入 PIN"),
                format!("{en}: the line was empty; no try was counted, type the PIN"),
            ));
        }
        Ok(digits)
    }

    /// Reads a new PIN twice; the two entries must match.
    pub(crate) fn new_pin(&self) -> CliResult<Zeroizing<String>> {
        let first = self.read_pin(
            "请设置新 PIN（至少 6 位数字）",
            "New PIN (6 or more digits)",
        )?;
        let second = self.read_pin("请再次输入新 PIN", "Repeat the new PIN")?;
        if first != second {
            return Err(CliError::usage(
                "cli.pin_mismatch",
                "两次输入的新 PIN 不一致，请重新输入",
                "the two new PIN entries differ; enter the same PIN twice",
            ));
        }
        Ok(first)
    }
}
