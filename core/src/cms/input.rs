//! The forms an envelope file comes in, told apart by its first bytes.
//!
//! - DER or BER: binary, starts with a SEQUENCE tag (0x30).
//! - PEM (RFC 7468): `-----BEGIN CMS-----` or `-----BEGIN PKCS7-----`.
//! - S/MIME (RFC 8551, section 3.2): MIME headers, then the base64 body of
//!   `application/pkcs7-mime` with `smime-type=enveloped-data` or
//!   `authEnveloped-data`, which is what `openssl cms -encrypt` writes by
//!   default.
//!
//! Text forms are decoded by streaming: lines are read, trimmed and
//! decoded in 64 KiB pieces until the PEM end line or a MIME boundary, so
//! memory stays bounded whatever the file size.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::CmsError;

/// Read buffer for the file and for decoded text forms.
const READ_BUFFER: usize = 256 * 1024;

/// Maximum length of a header line in PEM and MIME text.
const MAX_LINE: u64 = 4096;

/// Base64 characters decoded at a time; a multiple of 4.
const BASE64_CHUNK: usize = 64 * 1024;

/// Most MIME header bytes read before the body.
const MAX_MIME_HEADER: usize = 64 * 1024;

/// Encoding of the input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InputForm {
    Binary,
    Pem,
    Smime,
}

/// Opens `path` and returns a buffered reader of the binary envelope.
///
/// # Errors
/// [`CmsError::Io`], [`CmsError::EmptyInput`], and
/// [`CmsError::NotAnEnvelope`] for text that is neither PEM CMS nor an
/// S/MIME envelope, or for bytes of no known form.
pub(crate) fn open(path: &Path) -> Result<(Box<dyn Read>, InputForm), CmsError> {
    let name = path.display().to_string();
    let io = |source| CmsError::Io {
        path: name.clone(),
        source,
    };
    let not_envelope = |found: &str| CmsError::NotAnEnvelope {
        path: name.clone(),
        found: found.to_owned(),
    };

    let mut reader = BufReader::with_capacity(READ_BUFFER, File::open(path).map_err(io)?);
    let first = reader.fill_buf().map_err(io)?;
    let Some(&first_byte) = first.first() else {
        return Err(CmsError::EmptyInput { path: name });
    };
    if first_byte == 0x30 {
        return Ok((Box::new(reader), InputForm::Binary));
    }

    let leading_space = first.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if first[leading_space..].starts_with(b"-----BEGIN ") {
        reader.consume(leading_space);
        let line = read_line(&mut reader).map_err(io)?.unwrap_or_default();
        let label = line
            .trim()
            .trim_start_matches("-----BEGIN ")
            .trim_end_matches("-----");
        if !matches!(label, "CMS" | "PKCS7") {
            return Err(not_envelope(&format!("PEM {label}")));
        }
        return Ok((decoded(reader), InputForm::Pem));
    }

    if looks_like_header_line(first) {
        check_mime_headers(&mut reader, &not_envelope).map_err(|e| match e {
            HeaderError::Io(source) => io(source),
            HeaderError::Refused(error) => error,
        })?;
        return Ok((decoded(reader), InputForm::Smime));
    }

    Err(not_envelope("neither DER, BER, PEM nor S/MIME"))
}

fn decoded(reader: BufReader<File>) -> Box<dyn Read> {
    Box::new(BufReader::with_capacity(
        READ_BUFFER,
        Base64Stream::new(reader),
    ))
}

/// Reads one line of at most [`MAX_LINE`] bytes, lossily as UTF-8.
fn read_line(reader: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// Returns whether the bytes start like an RFC 5322 header field: a name of
/// printable characters without spaces, then a colon.
fn looks_like_header_line(bytes: &[u8]) -> bool {
    let name_len = bytes
        .iter()
        .take_while(|b| b.is_ascii_graphic() && **b != b':')
        .count();
    name_len > 0 && bytes.get(name_len) == Some(&b':')
}

enum HeaderError {
    Io(std::io::Error),
    Refused(CmsError),
}

/// Reads the MIME header up to the blank line and checks that the body is a
/// base64 enveloped-data or authEnveloped-data part.
fn check_mime_headers(
    reader: &mut BufReader<File>,
    not_envelope: &dyn Fn(&str) -> CmsError,
) -> Result<(), HeaderError> {
    let mut fields: Vec<String> = Vec::new();
    let mut total = 0;
    loop {
        let line = read_line(reader)
            .map_err(HeaderError::Io)?
            .ok_or_else(|| HeaderError::Refused(not_envelope("MIME headers without a body")))?;
        total += line.len();
        if total > MAX_MIME_HEADER {
            return Err(HeaderError::Refused(not_envelope("MIME headers too long")));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        match fields.last_mut() {
            // A folded line continues the previous field (RFC 5322, 2.2.3).
            Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
            _ => fields.push(line.to_owned()),
        }
    }

    let field = |name: &str| {
        fields.iter().find_map(|f| {
            let (key, value) = f.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_ascii_lowercase())
        })
    };
    let content_type = field("content-type").unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if !matches!(
        media_type,
        "application/pkcs7-mime" | "application/x-pkcs7-mime"
    ) {
        return Err(HeaderError::Refused(not_envelope(&format!(
            "MIME type {media_type}"
        ))));
    }
    let smime_type = content_type.split(';').find_map(|param| {
        let (key, value) = param.split_once('=')?;
        (key.trim() == "smime-type").then(|| value.trim().trim_matches('"').to_owned())
    });
    if let Some(kind) = smime_type
        && kind != "enveloped-data"
        && kind != "authenveloped-data"
    {
        return Err(HeaderError::Refused(not_envelope(&format!(
            "S/MIME {kind}"
        ))));
    }
    let encoding = field("content-transfer-encoding").unwrap_or_default();
    if encoding != "base64" {
        return Err(HeaderError::Refused(not_envelope(&format!(
            "S/MIME body in transfer encoding {encoding:?}, expected base64"
        ))));
    }
    Ok(())
}

/// Decodes the base64 body of a PEM or MIME part, streamed.
///
/// Lines are read with `read_until` and trimmed of surrounding whitespace.
/// The body ends at a line starting with `-` (the PEM end line or a MIME
/// boundary) or at the end of the file. Whole chunks of [`BASE64_CHUNK`]
/// characters go through the engine's `decode_slice`, which also rejects
/// characters outside the alphabet. `base64::read::DecoderReader` decodes
/// about a kilobyte per call, which made S/MIME input several times slower
/// than DER.
///
/// NOTE: whitespace inside a line is not skipped and fails decoding; PEM
/// (RFC 7468) and MIME writers do not produce it.
struct Base64Stream<R> {
    inner: R,
    /// The line being read, at most [`BASE64_CHUNK`] bytes.
    line: Vec<u8>,
    at_line_start: bool,
    /// Base64 characters not yet decoded.
    text: Vec<u8>,
    input_done: bool,
    decoded: Vec<u8>,
    position: usize,
}

impl<R: BufRead> Base64Stream<R> {
    fn new(inner: R) -> Self {
        Base64Stream {
            inner,
            line: Vec::with_capacity(256),
            at_line_start: true,
            text: Vec::with_capacity(2 * BASE64_CHUNK),
            input_done: false,
            decoded: Vec::with_capacity(BASE64_CHUNK),
            position: 0,
        }
    }

    fn refill(&mut self) -> std::io::Result<()> {
        while self.text.len() < BASE64_CHUNK && !self.input_done {
            self.line.clear();
            let limit = BASE64_CHUNK as u64;
            let n = (&mut self.inner)
                .take(limit)
                .read_until(b'\n', &mut self.line)?;
            if n == 0 {
                self.input_done = true;
                break;
            }

            // A line longer than the limit arrives in pieces; only the first
            // piece starts a line.
            let starts_line = self.at_line_start;
            self.at_line_start = self.line.last() == Some(&b'\n');
            if starts_line && self.line.first() == Some(&b'-') {
                self.input_done = true;
                break;
            }
            self.text.extend_from_slice(self.line.trim_ascii());
        }

        // Whole quads only, except at the end where a bad length must fail.
        let usable = if self.input_done {
            self.text.len()
        } else {
            self.text.len() / 4 * 4
        };
        self.decoded.resize(usable.div_ceil(4) * 3, 0);
        let len = STANDARD
            .decode_slice(&self.text[..usable], &mut self.decoded)
            .map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("base64: {e}"))
            })?;
        self.decoded.truncate(len);
        self.position = 0;
        self.text.drain(..usable);
        Ok(())
    }
}

impl<R: BufRead> Read for Base64Stream<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.position == self.decoded.len() {
            if self.input_done && self.text.is_empty() {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = out.len().min(self.decoded.len() - self.position);
        out[..n].copy_from_slice(&self.decoded[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed step fails the test")]
mod tests {
    use super::*;

    fn read_all(text: &str) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Base64Stream::new(text.as_bytes()).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn base64_body_skips_line_breaks_and_stops_at_the_end_line() {
        assert_eq!(
            read_all("aGVs\r\nbG8=\n-----END CMS-----\nZZZZ").unwrap(),
            b"hello"
        );
        assert_eq!(
            read_all("aGVsbG8=\n\n------=_boundary--").unwrap(),
            b"hello"
        );
    }

    #[test]
    fn base64_stream_decodes_across_chunks() {
        let data: Vec<u8> = (0..200_000u32)
            .map(|i| i.to_le_bytes()[0] ^ i.to_le_bytes()[1])
            .collect();
        let encoded = STANDARD.encode(&data);
        let lines: Vec<&str> = encoded
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).unwrap())
            .collect();
        let text = format!("{}\n-----END CMS-----\n", lines.join("\r\n"));
        assert_eq!(read_all(&text).unwrap(), data);
    }

    #[test]
    fn base64_stream_refuses_a_bad_length() {
        let error = read_all("aGVsbG8\n").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    }

    #[test]
    fn base64_stream_reads_very_long_lines() {
        let data = vec![0xa5u8; 3 * BASE64_CHUNK];
        let text = STANDARD.encode(&data);
        assert_eq!(read_all(&text).unwrap(), data);
    }

    #[test]
    fn base64_body_refuses_foreign_characters() {
        let error = read_all("aGVs*bG8=").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    }

    #[test]
    fn header_lines_are_recognised() {
        assert!(looks_like_header_line(b"MIME-Version: 1.0"));
        assert!(!looks_like_header_line(b"hello world: no"));
        assert!(!looks_like_header_line(b"\x00\x01garbage"));
    }
}
