//! Seal images (印章): red PNG impressions carrying the holder's or the
//! company's name, drawn with a CJK font.
//!
//! Shapes follow the usual look: a personal seal is a square frame with
//! the name; a legal representative's seal the same with 印 added; a
//! company seal a ring with the company name across it and a star above.
//! NOTE: real company seals run the name along the ring's arc; this draws
//! it straight, which is enough to identify the seal on a document.
//!
//! The font comes from the platform's configuration in production; in
//! development the first Debian CJK font found ([`DEBIAN_FONTS`]:
//! fonts-wqy-zenhei, fonts-noto-cjk) is used. Glyphs are rasterised with
//! `ab_glyph` and the image encoded with `png`.

use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use palmbid_core::api::pickup::SealKind;

/// Fonts looked for when no path is configured, in order.
pub const DEBIAN_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

/// Side of a seal image, pixels.
const SIZE: u16 = 240;

/// Seal red, RGB.
const RED: [u8; 3] = [0xd0, 0x10, 0x10];

/// Errors drawing seals.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// No CJK font is configured or installed.
    #[error(
        "no CJK font found (looked for {looked}); install fonts-wqy-zenhei or fonts-noto-cjk, or configure a font path"
    )]
    NoFont {
        /// The paths tried.
        looked: String,
    },

    /// The font file cannot be read or parsed.
    #[error("cannot use the font {}: {reason}", path.display())]
    BadFont {
        /// The font file.
        path: PathBuf,
        /// Why.
        reason: String,
    },

    /// The font lacks a glyph the name needs.
    #[error("the font has no glyph for {0:?}")]
    MissingGlyph(char),

    /// PNG encoding failed.
    #[error("cannot encode the seal image: {0}")]
    Encode(String),
}

/// A loaded seal font.
pub struct SealFont {
    font: FontVec,
}

impl std::fmt::Debug for SealFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealFont").finish_non_exhaustive()
    }
}

/// The font file's bytes, for the PDF writer of sign-in receipts.
impl AsRef<[u8]> for SealFont {
    fn as_ref(&self) -> &[u8] {
        self.font.as_slice()
    }
}

impl SealFont {
    /// Loads `path`, or else the first of [`DEBIAN_FONTS`] present.
    ///
    /// # Errors
    /// [`SealError::NoFont`] or [`SealError::BadFont`].
    pub fn find(path: Option<&Path>) -> Result<Self, SealError> {
        let path = match path {
            Some(path) => path.to_path_buf(),
            None => DEBIAN_FONTS
                .iter()
                .map(PathBuf::from)
                .find(|p| p.exists())
                .ok_or_else(|| SealError::NoFont {
                    looked: DEBIAN_FONTS.join(", "),
                })?,
        };
        let bad = |reason: String| SealError::BadFont {
            path: path.clone(),
            reason,
        };
        let bytes = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
        // Collections (.ttc) hold several faces; the first is the regular.
        let font = FontVec::try_from_vec_and_index(bytes, 0).map_err(|e| bad(e.to_string()))?;
        tracing::info!(font = %path.display(), "seal font loaded");
        Ok(SealFont { font })
    }

    /// Draws the seal `kind` for holder `name` of `company`, as PNG.
    ///
    /// # Errors
    /// [`SealError::MissingGlyph`], [`SealError::Encode`].
    pub fn draw(&self, kind: SealKind, name: &str, company: &str) -> Result<Vec<u8>, SealError> {
        let mut canvas = Canvas::new(SIZE);
        let side = f32::from(SIZE);
        match kind {
            SealKind::Personal => {
                canvas.square_frame(12.0, 10.0);
                self.text(&mut canvas, name, side / 2.0, side * 0.5, side * 0.7)?;
            }
            SealKind::LegalRepresentative => {
                canvas.square_frame(12.0, 10.0);
                let text = format!("{name}印");
                self.text(&mut canvas, &text, side / 2.0, side * 0.5, side * 0.75)?;
            }
            SealKind::Company => {
                canvas.ring(side / 2.0 - 8.0, 10.0);
                self.text(&mut canvas, "★", side / 2.0, side * 0.3, side * 0.2)?;
                self.text(&mut canvas, company, side / 2.0, side * 0.58, side * 0.7)?;
            }
        }
        canvas.png()
    }

    /// Writes `text` centred at (`cx`, `cy`), scaled to fit `width`.
    fn text(
        &self,
        canvas: &mut Canvas,
        text: &str,
        cx: f32,
        cy: f32,
        width: f32,
    ) -> Result<(), SealError> {
        let count = u16::try_from(text.chars().count().max(1)).unwrap_or(u16::MAX);
        let px = (width / f32::from(count)).min(width * 0.45);
        let scaled = self.font.as_scaled(PxScale::from(px));

        let glyphs: Vec<_> = text
            .chars()
            .map(|c| {
                let id = self.font.glyph_id(c);
                if id.0 == 0 && !c.is_whitespace() {
                    return Err(SealError::MissingGlyph(c));
                }
                Ok(id)
            })
            .collect::<Result<_, _>>()?;
        let total: f32 = glyphs.iter().map(|g| scaled.h_advance(*g)).sum();
        let mut x = cx - total / 2.0;
        let baseline = cy + f32::midpoint(scaled.ascent(), scaled.descent());

        for id in glyphs {
            let glyph = id.with_scale_and_position(px, point(x, baseline));
            x += scaled.h_advance(id);
            if let Some(outlined) = self.font.outline_glyph(glyph) {
                let bounds = outlined.px_bounds();
                #[allow(
                    clippy::cast_precision_loss,
                    reason = "glyph pixel offsets are below the image size, exact in f32"
                )]
                outlined.draw(|gx, gy, coverage| {
                    canvas.blend(bounds.min.x + gx as f32, bounds.min.y + gy as f32, coverage);
                });
            }
        }
        Ok(())
    }
}

/// An RGBA image, transparent, painted in seal red.
struct Canvas {
    size: u16,
    alpha: Vec<f32>,
}

impl Canvas {
    fn new(size: u16) -> Self {
        Canvas {
            size,
            alpha: vec![0.0; usize::from(size) * usize::from(size)],
        }
    }

    fn blend(&mut self, x: f32, y: f32, coverage: f32) {
        if x < 0.0 || y < 0.0 {
            return;
        }
        let size = f32::from(self.size);
        if x >= size || y >= size {
            return;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0 <= x, y < size <= u16::MAX, checked above"
        )]
        let (x, y) = (x as usize, y as usize);
        let cell = &mut self.alpha[y * usize::from(self.size) + x];
        *cell = (*cell + coverage).min(1.0);
    }

    fn square_frame(&mut self, margin: f32, width: f32) {
        let size = f32::from(self.size);
        for y in 0..self.size {
            for x in 0..self.size {
                let (fx, fy) = (f32::from(x) + 0.5, f32::from(y) + 0.5);
                let edge = fx.min(fy).min(size - fx).min(size - fy);
                if edge >= margin && edge < margin + width {
                    self.blend(fx, fy, 1.0);
                }
            }
        }
    }

    fn ring(&mut self, radius: f32, width: f32) {
        let centre = f32::from(self.size) / 2.0;
        for y in 0..self.size {
            for x in 0..self.size {
                let (fx, fy) = (f32::from(x) + 0.5, f32::from(y) + 0.5);
                let distance = ((fx - centre).powi(2) + (fy - centre).powi(2)).sqrt();
                // One pixel of smoothing on each side of the band.
                let inside = (distance - (radius - width)).clamp(0.0, 1.0);
                let outside = (radius - distance).clamp(0.0, 1.0);
                let coverage = inside.min(outside);
                if coverage > 0.0 {
                    self.blend(fx, fy, coverage);
                }
            }
        }
    }

    fn png(&self) -> Result<Vec<u8>, SealError> {
        let mut rgba = Vec::with_capacity(self.alpha.len() * 4);
        for alpha in &self.alpha {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "alpha is clamped to 0..=1"
            )]
            let a = (alpha.clamp(0.0, 1.0) * 255.0).round() as u8;
            rgba.extend_from_slice(&[RED[0], RED[1], RED[2], a]);
        }

        let mut out = Vec::new();
        let side = u32::from(self.size);
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| SealError::Encode(e.to_string()))?;
        writer
            .write_image_data(&rgba)
            .map_err(|e| SealError::Encode(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| SealError::Encode(e.to_string()))?;
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn missing_font_is_a_clear_error() {
        let err = SealFont::find(Some(Path::new("/nonexistent/font.ttc"))).unwrap_err();
        assert!(matches!(err, SealError::BadFont { .. }), "{err}");
    }

    #[test]
    fn seals_are_pngs_with_ink() {
        let font = SealFont::find(None).unwrap();
        for kind in [
            SealKind::Personal,
            SealKind::LegalRepresentative,
            SealKind::Company,
        ] {
            let png_bytes = font.draw(kind, "张三", "示例科技有限公司").unwrap();

            let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
            let mut reader = decoder.read_info().unwrap();
            let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buffer).unwrap();
            assert_eq!(
                (info.width, info.height),
                (u32::from(SIZE), u32::from(SIZE))
            );
            let inked = buffer.chunks(4).filter(|px| px[3] > 128).count();
            assert!(inked > 2000, "{kind:?}: {inked} inked pixels");
        }
    }

    #[test]
    fn text_adds_ink_beyond_the_frame() {
        let font = SealFont::find(None).unwrap();
        let count = |png_bytes: Vec<u8>| {
            let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
                .read_info()
                .unwrap();
            let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
            reader.next_frame(&mut buffer).unwrap();
            buffer.chunks(4).filter(|px| px[3] > 128).count()
        };

        let short = count(font.draw(SealKind::Personal, "王", "x").unwrap());
        let long = count(font.draw(SealKind::Personal, "欧阳娜娜", "x").unwrap());

        assert_ne!(short, long, "the name must be drawn");
    }
}
