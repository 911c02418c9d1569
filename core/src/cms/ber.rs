//! A streaming BER reader (ITU-T X.690, section 8) for envelopes of any size.
//!
//! CMS envelopes come as DER, or as BER with indefinite lengths and the
//! encrypted content split into a constructed OCTET STRING of chunks (what
//! `openssl cms -stream` writes). The reader walks headers over any
//! [`Read`], keeps the offset of every element for error messages, and
//! hands the content out chunk by chunk through [`OctetStream`] without
//! buffering it.
//!
//! Choices:
//! - The small parts (recipient infos, algorithm identifiers, attributes) are
//!   read whole and normalised to DER, so the `der` and `cms` types decode
//!   them: indefinite lengths become definite, constructed strings of the
//!   universal string types are joined into one primitive string. Together
//!   these parts may not exceed [`HEADER_LIMIT`] bytes, and nesting is
//!   limited to [`MAX_DEPTH`], so a hostile file cannot exhaust memory or
//!   the stack.
//! - Lengths are `u64`: the `der` crate stops at 256 MiB, envelopes do not.

use std::io::Read;

use super::CmsError;

/// Upper bound, in bytes, of everything the reader buffers from one
/// envelope (its recipient infos, parameters and attributes).
pub(crate) const HEADER_LIMIT: usize = 1 << 20;

/// Deepest nesting of constructed elements accepted.
const MAX_DEPTH: usize = 32;

/// Tag class bits of an identifier octet.
pub(crate) const UNIVERSAL: u8 = 0x00;
/// Context-specific class bits of an identifier octet.
pub(crate) const CONTEXT: u8 = 0x80;

/// An element's tag: class, constructed bit and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tag {
    /// Class bits (the top two bits of the identifier octet).
    pub(crate) class: u8,
    /// Whether the element is constructed.
    pub(crate) constructed: bool,
    /// The tag number.
    pub(crate) number: u32,
}

impl Tag {
    /// Builds a universal tag.
    pub(crate) const fn universal(number: u32, constructed: bool) -> Self {
        Tag {
            class: UNIVERSAL,
            constructed,
            number,
        }
    }

    /// Builds a context-specific tag.
    pub(crate) const fn context(number: u32, constructed: bool) -> Self {
        Tag {
            class: CONTEXT,
            constructed,
            number,
        }
    }

    /// Universal SEQUENCE.
    pub(crate) const SEQUENCE: Tag = Tag::universal(16, true);
    /// Universal SET.
    pub(crate) const SET: Tag = Tag::universal(17, true);
    /// Universal OCTET STRING, primitive.
    pub(crate) const OCTET_STRING: Tag = Tag::universal(4, false);

    /// Returns whether this is the universal tag `number`, either form.
    pub(crate) fn is_universal(self, number: u32) -> bool {
        self.class == UNIVERSAL && self.number == number
    }

    /// Returns whether this is the context-specific tag `[number]`, either form.
    pub(crate) fn is_context(self, number: u32) -> bool {
        self.class == CONTEXT && self.number == number
    }

    /// Universal string types whose constructed form is the concatenation
    /// of primitive segments (X.690, section 8.21); BIT STRING is left out
    /// because its segments carry their own unused-bit counts.
    fn is_segmentable_string(self) -> bool {
        self.class == UNIVERSAL && matches!(self.number, 4 | 12 | 18..=22 | 25..=30)
    }
}

/// One element's header as read from the stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header {
    /// The tag.
    pub(crate) tag: Tag,
    /// Content length, `None` for the indefinite form.
    pub(crate) len: Option<u64>,
    /// Offset of the identifier octet.
    pub(crate) start: u64,
    /// Offset of the first content octet.
    pub(crate) body_start: u64,
}

impl Header {
    /// Returns the frame bounding this element's content.
    pub(crate) fn frame(&self) -> Frame {
        Frame {
            end: self.len.map(|len| self.body_start + len),
        }
    }

    fn is_end_of_contents(&self) -> bool {
        self.tag == Tag::universal(0, false) && self.len == Some(0)
    }
}

/// The extent of a constructed element while its children are read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Offset just past the content, `None` when it ends with an
    /// end-of-contents marker.
    end: Option<u64>,
}

/// Reads BER headers and content from a byte stream, counting offsets.
pub(crate) struct BerReader<R> {
    inner: R,
    offset: u64,
    /// Bytes still allowed to be buffered by [`BerReader::element_der`].
    budget: usize,
    /// Names the input in I/O errors.
    source_name: String,
}

impl<R: Read> BerReader<R> {
    /// Wraps `inner`; `source_name` names it in I/O errors.
    pub(crate) fn new(inner: R, source_name: String) -> Self {
        BerReader {
            inner,
            offset: 0,
            budget: HEADER_LIMIT,
            source_name,
        }
    }

    /// Offset of the next byte to be read.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Builds a malformed-input error at `offset`.
    pub(crate) fn malformed(offset: u64, detail: impl Into<String>) -> CmsError {
        CmsError::Malformed {
            offset,
            detail: detail.into(),
        }
    }

    fn map_io(&self, error: std::io::Error) -> CmsError {
        match error.kind() {
            std::io::ErrorKind::UnexpectedEof => CmsError::Truncated {
                offset: self.offset,
            },
            // Decoders under the reader (base64) report bad input this way.
            std::io::ErrorKind::InvalidData => Self::malformed(self.offset, error.to_string()),
            _ => CmsError::Io {
                path: self.source_name.clone(),
                source: error,
            },
        }
    }

    /// Fills `buf` completely.
    ///
    /// # Errors
    /// [`CmsError::Truncated`] when the stream ends first.
    pub(crate) fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), CmsError> {
        let mut done = 0;
        while done < buf.len() {
            match self.inner.read(&mut buf[done..]) {
                Ok(0) => {
                    return Err(CmsError::Truncated {
                        offset: self.offset,
                    });
                }
                Ok(n) => {
                    done += n;
                    self.offset += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.map_io(e)),
            }
        }
        Ok(())
    }

    /// Reads one byte, or `None` at a clean end of the stream.
    fn read_byte_or_end(&mut self) -> Result<Option<u8>, CmsError> {
        let mut byte = [0u8; 1];
        loop {
            match self.inner.read(&mut byte) {
                Ok(0) => return Ok(None),
                Ok(_) => {
                    self.offset += 1;
                    return Ok(Some(byte[0]));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.map_io(e)),
            }
        }
    }

    fn read_byte(&mut self) -> Result<u8, CmsError> {
        self.read_byte_or_end()?.ok_or(CmsError::Truncated {
            offset: self.offset,
        })
    }

    /// Reads an identifier and length (X.690, sections 8.1.2 and 8.1.3).
    ///
    /// # Errors
    /// [`CmsError::Truncated`] at the end of the stream,
    /// [`CmsError::Malformed`] for a tag or length BER does not allow.
    pub(crate) fn read_header(&mut self) -> Result<Header, CmsError> {
        let start = self.offset;
        let first = self.read_byte()?;

        let class = first & 0xc0;
        let constructed = first & 0x20 != 0;
        let mut number = u32::from(first & 0x1f);
        if number == 0x1f {
            number = 0;
            loop {
                let byte = self.read_byte()?;
                if number > (u32::MAX >> 7) {
                    return Err(Self::malformed(start, "tag number too large"));
                }
                number = (number << 7) | u32::from(byte & 0x7f);
                if byte & 0x80 == 0 {
                    break;
                }
            }
        }

        let first_len = self.read_byte()?;
        let len = match first_len {
            0x80 if constructed => None,
            0x80 => {
                return Err(Self::malformed(
                    start,
                    "indefinite length on a primitive element",
                ));
            }
            0xff => return Err(Self::malformed(start, "reserved length octet 0xff")),
            short if short < 0x80 => Some(u64::from(short)),
            long => {
                let count = long & 0x7f;
                if count > 8 {
                    return Err(Self::malformed(start, "length does not fit in 64 bits"));
                }
                let mut value = 0u64;
                for _ in 0..count {
                    value = (value << 8) | u64::from(self.read_byte()?);
                }
                Some(value)
            }
        };

        Ok(Header {
            tag: Tag {
                class,
                constructed,
                number,
            },
            len,
            start,
            body_start: self.offset,
        })
    }

    /// Reads the header of the next child inside `frame`, or `None` when
    /// the frame's content is over (its end-of-contents marker is consumed).
    ///
    /// # Errors
    /// As [`BerReader::read_header`]; [`CmsError::Malformed`] when a child
    /// overruns its parent.
    pub(crate) fn next_in(&mut self, frame: &Frame) -> Result<Option<Header>, CmsError> {
        match frame.end {
            Some(end) if self.offset == end => return Ok(None),
            Some(end) if self.offset > end => {
                return Err(Self::malformed(end, "element overruns its parent"));
            }
            _ => {}
        }

        let header = self.read_header()?;
        if header.is_end_of_contents() {
            return if frame.end.is_none() {
                Ok(None)
            } else {
                Err(Self::malformed(
                    header.start,
                    "end-of-contents inside a definite length",
                ))
            };
        }

        if let (Some(end), Some(len)) = (frame.end, header.len)
            && header.body_start.saturating_add(len) > end
        {
            return Err(Self::malformed(header.start, "element overruns its parent"));
        }
        Ok(Some(header))
    }

    /// Reads the next child of `frame`, failing when there is none.
    ///
    /// # Errors
    /// [`CmsError::Malformed`] naming `what` when the frame is over.
    pub(crate) fn expect_in(&mut self, frame: &Frame, what: &str) -> Result<Header, CmsError> {
        let at = self.offset;
        self.next_in(frame)?
            .ok_or_else(|| Self::malformed(at, format!("{what} is missing")))
    }

    /// Checks that `frame` has no more children and consumes its end.
    ///
    /// # Errors
    /// [`CmsError::Malformed`] when an unexpected element follows.
    pub(crate) fn close(&mut self, frame: &Frame, what: &str) -> Result<(), CmsError> {
        match self.next_in(frame)? {
            None => Ok(()),
            Some(extra) => Err(Self::malformed(
                extra.start,
                format!("unexpected element after the {what}"),
            )),
        }
    }

    fn charge(&mut self, bytes: u64, at: u64) -> Result<(), CmsError> {
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        let Some(rest) = self.budget.checked_sub(bytes) else {
            tracing::warn!(offset = at, "envelope header part over the limit");
            return Err(CmsError::TooLarge {
                what: "recipient and parameter part",
                limit: HEADER_LIMIT,
            });
        };
        self.budget = rest;
        Ok(())
    }

    /// Reads the element whose header is `header` and returns it as DER,
    /// header included. Counts against [`HEADER_LIMIT`].
    ///
    /// # Errors
    /// [`CmsError::TooLarge`], [`CmsError::Truncated`], [`CmsError::Malformed`].
    pub(crate) fn element_der(&mut self, header: &Header) -> Result<Vec<u8>, CmsError> {
        let (tag, value) = self.normalised_value(header, 0)?;
        Ok(encode_tlv(tag, &value))
    }

    /// Skips the element whose header is `header`, reading it as
    /// [`BerReader::element_der`] does (the same limits apply).
    ///
    /// # Errors
    /// As [`BerReader::element_der`].
    pub(crate) fn skip_element(&mut self, header: &Header) -> Result<(), CmsError> {
        self.element_der(header).map(drop)
    }

    fn normalised_value(
        &mut self,
        header: &Header,
        depth: usize,
    ) -> Result<(Tag, Vec<u8>), CmsError> {
        if depth > MAX_DEPTH {
            return Err(Self::malformed(header.start, "elements nested too deeply"));
        }
        self.charge(header.body_start - header.start, header.start)?;

        if !header.tag.constructed {
            let len = header.len.unwrap_or(0);
            self.charge(len, header.start)?;
            let len = usize::try_from(len)
                .map_err(|_| Self::malformed(header.start, "length too large"))?;
            let mut value = vec![0u8; len];
            self.read_exact(&mut value)?;
            return Ok((header.tag, value));
        }

        let joins_segments = header.tag.is_segmentable_string();
        let frame = header.frame();
        let mut value = Vec::new();
        while let Some(child) = self.next_in(&frame)? {
            let (child_tag, child_value) = self.normalised_value(&child, depth + 1)?;
            if joins_segments {
                if child_tag != Tag::universal(header.tag.number, false) {
                    return Err(Self::malformed(
                        child.start,
                        "segment of a constructed string has another type",
                    ));
                }
                value.extend_from_slice(&child_value);
            } else {
                value.extend_from_slice(&encode_tlv(child_tag, &child_value));
            }
        }

        let tag = if joins_segments {
            Tag::universal(header.tag.number, false)
        } else {
            header.tag
        };
        Ok((tag, value))
    }
}

/// The content octets of an OCTET STRING (or an implicitly tagged one),
/// primitive or constructed from chunks at any depth, read piece by piece.
pub(crate) struct OctetStream {
    /// Open constructed levels, innermost last.
    frames: Vec<Frame>,
    /// End offset of the primitive chunk being read.
    chunk_end: u64,
}

impl OctetStream {
    /// Starts reading the string whose header is `header`.
    pub(crate) fn new(header: &Header) -> Self {
        if header.tag.constructed {
            OctetStream {
                frames: vec![header.frame()],
                chunk_end: header.body_start,
            }
        } else {
            OctetStream {
                frames: Vec::new(),
                chunk_end: header.body_start + header.len.unwrap_or(0),
            }
        }
    }

    /// Reads up to `buf.len()` content bytes; 0 means the string is over.
    ///
    /// # Errors
    /// [`CmsError::Truncated`], [`CmsError::Malformed`] when a chunk is not
    /// an OCTET STRING.
    pub(crate) fn read<R: Read>(
        &mut self,
        reader: &mut BerReader<R>,
        buf: &mut [u8],
    ) -> Result<usize, CmsError> {
        loop {
            let left = self.chunk_end.saturating_sub(reader.offset());
            if left > 0 {
                let n = usize::try_from(left).map_or(buf.len(), |left| left.min(buf.len()));
                reader.read_exact(&mut buf[..n])?;
                return Ok(n);
            }

            let Some(frame) = self.frames.last().copied() else {
                return Ok(0);
            };
            match reader.next_in(&frame)? {
                None => {
                    self.frames.pop();
                }
                Some(chunk) if chunk.tag.is_universal(4) && chunk.tag.constructed => {
                    if self.frames.len() > MAX_DEPTH {
                        return Err(BerReader::<R>::malformed(
                            chunk.start,
                            "chunks nested too deeply",
                        ));
                    }
                    self.frames.push(chunk.frame());
                }
                Some(chunk) if chunk.tag == Tag::OCTET_STRING => {
                    self.chunk_end = chunk.body_start + chunk.len.unwrap_or(0);
                }
                Some(chunk) => {
                    return Err(BerReader::<R>::malformed(
                        chunk.start,
                        "a chunk of the encrypted content is not an OCTET STRING",
                    ));
                }
            }
        }
    }

    /// Reads until `buf` is full or the string is over; returns the count.
    ///
    /// # Errors
    /// As [`OctetStream::read`].
    pub(crate) fn fill<R: Read>(
        &mut self,
        reader: &mut BerReader<R>,
        buf: &mut [u8],
    ) -> Result<usize, CmsError> {
        let mut filled = 0;
        while filled < buf.len() {
            let n = self.read(reader, &mut buf[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        Ok(filled)
    }
}

/// Encodes a DER identifier and definite length for `len` content bytes.
pub(crate) fn encode_header(tag: Tag, len: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(12);

    let mut first = tag.class | if tag.constructed { 0x20 } else { 0 };
    if tag.number < 0x1f {
        // The guard keeps the number within the five low bits.
        first |= u8::try_from(tag.number).unwrap_or(0);
        out.push(first);
    } else {
        out.push(first | 0x1f);
        let mut groups = Vec::new();
        let mut number = tag.number;
        loop {
            groups.push(u8::try_from(number & 0x7f).unwrap_or(0));
            number >>= 7;
            if number == 0 {
                break;
            }
        }
        for (i, group) in groups.iter().enumerate().rev() {
            out.push(if i == 0 { *group } else { group | 0x80 });
        }
    }

    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap_or(8));
        out.extend_from_slice(&bytes[skip..]);
    }
    out
}

/// Encodes a whole DER element.
pub(crate) fn encode_tlv(tag: Tag, value: &[u8]) -> Vec<u8> {
    let mut out = encode_header(tag, value.len() as u64);
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed step fails the test")]
mod tests {
    use super::*;

    fn reader(bytes: &[u8]) -> BerReader<&[u8]> {
        BerReader::new(bytes, "test".to_owned())
    }

    #[test]
    fn indefinite_constructed_string_becomes_der() {
        // [SEQUENCE indefinite { OCTET STRING constructed indefinite { "ab", "c" } }]
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x00,
            0x00,
        ];
        let mut r = reader(&ber);
        let header = r.read_header().unwrap();
        let der = r.element_der(&header).unwrap();
        assert_eq!(der, [0x30, 0x05, 0x04, 0x03, b'a', b'b', b'c']);
        assert_eq!(r.offset(), ber.len() as u64);
    }

    #[test]
    fn octet_stream_reads_nested_chunks() {
        let ber = [
            0xa0, 0x80, 0x04, 0x01, 1, 0x24, 0x80, 0x04, 0x02, 2, 3, 0x00, 0x00, 0x04, 0x01, 4,
            0x00, 0x00,
        ];
        let mut r = reader(&ber);
        let header = r.read_header().unwrap();
        let mut stream = OctetStream::new(&header);
        let mut buf = [0u8; 16];
        let n = stream.fill(&mut r, &mut buf).unwrap();
        assert_eq!(&buf[..n], &[1, 2, 3, 4]);
        assert_eq!(r.offset(), ber.len() as u64);
    }

    #[test]
    fn truncation_and_bad_lengths_are_reported() {
        let mut r = reader(&[0x30, 0x05, 0x04, 0x03, b'a']);
        let header = r.read_header().unwrap();
        assert!(matches!(
            r.element_der(&header),
            Err(CmsError::Truncated { offset: 5 })
        ));

        let mut r = reader(&[0x04, 0x80]);
        assert!(matches!(
            r.read_header(),
            Err(CmsError::Malformed { offset: 0, .. })
        ));

        let mut r = reader(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert!(matches!(
            r.read_header(),
            Err(CmsError::Malformed { offset: 0, .. })
        ));

        // A child longer than its parent.
        let mut r = reader(&[0x30, 0x02, 0x04, 0x05, 1, 2, 3, 4, 5]);
        let header = r.read_header().unwrap();
        assert!(matches!(
            r.element_der(&header),
            Err(CmsError::Malformed { offset: 2, .. })
        ));
    }

    #[test]
    fn deep_nesting_and_large_parts_are_refused() {
        let mut deep = Vec::new();
        for _ in 0..100 {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        let mut r = reader(&deep);
        let header = r.read_header().unwrap();
        assert!(matches!(
            r.element_der(&header),
            Err(CmsError::Malformed { .. })
        ));

        let mut big = encode_header(Tag::OCTET_STRING, (HEADER_LIMIT + 1) as u64);
        big.resize(big.len() + HEADER_LIMIT + 1, 0);
        let mut r = reader(&big);
        let header = r.read_header().unwrap();
        assert!(matches!(
            r.element_der(&header),
            Err(CmsError::TooLarge { .. })
        ));
    }

    #[test]
    fn headers_encode_long_lengths_and_high_tags() {
        assert_eq!(encode_header(Tag::SEQUENCE, 5), [0x30, 0x05]);
        assert_eq!(
            encode_header(Tag::SEQUENCE, 0x1_0000_0000),
            [0x30, 0x85, 1, 0, 0, 0, 0]
        );
        let high = Tag::context(200, true);
        let encoded = encode_tlv(high, &[7]);
        let mut r = reader(&encoded);
        let header = r.read_header().unwrap();
        assert_eq!(header.tag, high);
        assert_eq!(header.len, Some(1));
    }
}
