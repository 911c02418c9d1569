//! Reading PINs and secrets: from the terminal without echo, or one line
//! each from standard input with `--pin-stdin`.

use std::io::BufRead;

use palmbid_core::error::Lang;
use palmbid_core::keystore::Pin;
use zeroize::Zeroizing;

use crate::error::{CliError, CliResult};

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
        let text = self.read("请输入 PIN", "Enter PIN")?;
        Ok(Pin::entered(text.as_str().to_owned()))
    }

    /// Reads a new PIN twice; the two entries must match.
    pub(crate) fn new_pin(&self) -> CliResult<Zeroizing<String>> {
        let first = self.read(
            "请设置新 PIN（至少 6 位数字）",
            "New PIN (6 or more digits)",
        )?;
        let second = self.read("请再次输入新 PIN", "Repeat the new PIN")?;
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
