//! The visible seal: the PNG decoded into an image `XObject` with its alpha
//! channel as a soft mask (ISO 32000-1, 8.9.5 and 11.6.5.3), drawn by the
//! widget's normal appearance stream (12.5.5), a form `XObject` (8.10).
//!
//! Any PNG colour type is accepted: palette and grey images are expanded,
//! 16-bit samples cut to 8 bits, so the image is always `DeviceRGB` at 8 bits
//! per component with a `DeviceGray` mask. Both streams are Flate-compressed.

use std::io::Cursor;

use lopdf::{Dictionary, Object, Stream};

use super::PadesError;

/// Largest side of a seal image, pixels. The platform draws seals of 240
/// pixels; a side above this is not a seal and would only cost memory.
pub(crate) const MAX_SEAL_SIDE: u32 = 4096;

/// A decoded seal: 8-bit RGB samples and an 8-bit alpha plane, row by row
/// from the top.
pub(crate) struct SealImage {
    pub(crate) width: u32,
    pub(crate) height: u32,
    rgb: Vec<u8>,
    alpha: Vec<u8>,
}

fn not_png(detail: impl std::fmt::Display) -> PadesError {
    PadesError::SealNotPng {
        detail: detail.to_string(),
    }
}

impl SealImage {
    /// A 1 by 1 transparent image: the shape of a square seal, for checks
    /// made before the real seal is known.
    pub(crate) fn square_placeholder() -> Self {
        SealImage {
            width: 1,
            height: 1,
            rgb: vec![0; 3],
            alpha: vec![0],
        }
    }

    /// Decodes a PNG into RGB and alpha planes.
    ///
    /// # Errors
    /// [`PadesError::SealNotPng`], [`PadesError::SealTooLarge`].
    pub(crate) fn from_png(png_bytes: &[u8]) -> Result<Self, PadesError> {
        let mut decoder = png::Decoder::new(Cursor::new(png_bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(not_png)?;

        let (width, height) = (reader.info().width, reader.info().height);
        if width > MAX_SEAL_SIDE || height > MAX_SEAL_SIDE {
            return Err(PadesError::SealTooLarge {
                width,
                height,
                limit: MAX_SEAL_SIDE,
            });
        }
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| not_png("image too large for memory"))?;
        let mut buffer = vec![0u8; size];
        let frame = reader.next_frame(&mut buffer).map_err(not_png)?;
        buffer.truncate(frame.buffer_size());

        let pixels = usize::try_from(u64::from(width) * u64::from(height))
            .map_err(|_| not_png("image too large for memory"))?;
        let (rgb, alpha) = split_channels(&buffer, frame.color_type, pixels)?;
        Ok(SealImage {
            width,
            height,
            rgb,
            alpha,
        })
    }

    /// Builds the image `XObject` and its soft mask, not yet added to a
    /// document. The caller adds the mask, then links it with [`with_mask`].
    pub(crate) fn xobjects(&self) -> (Stream, Stream) {
        let mut mask = Stream::new(
            image_dictionary(self.width, self.height, b"DeviceGray"),
            self.alpha.clone(),
        );
        // compress() keeps the stream as it is when Flate would not shrink it.
        let _ = mask.compress();

        let mut image = Stream::new(
            image_dictionary(self.width, self.height, b"DeviceRGB"),
            self.rgb.clone(),
        );
        let _ = image.compress();
        (image, mask)
    }
}

/// Sets the image's /`SMask` to the mask object.
pub(crate) fn with_mask(mut image: Stream, mask_id: lopdf::ObjectId) -> Stream {
    image.dict.set("SMask", Object::Reference(mask_id));
    image
}

fn image_dictionary(width: u32, height: u32, color_space: &[u8]) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Image".to_vec()));
    dict.set("Width", i64::from(width));
    dict.set("Height", i64::from(height));
    dict.set("ColorSpace", Object::Name(color_space.to_vec()));
    dict.set("BitsPerComponent", 8);
    dict
}

/// Splits decoded 8-bit samples into RGB and alpha planes; an image
/// without alpha gets an opaque mask.
fn split_channels(
    samples: &[u8],
    color: png::ColorType,
    pixels: usize,
) -> Result<(Vec<u8>, Vec<u8>), PadesError> {
    let channels = match color {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => {
            return Err(not_png("palette image was not expanded"));
        }
    };
    if samples.len() != pixels * channels {
        return Err(not_png(format!(
            "{} decoded bytes for {pixels} pixels of {channels} channels",
            samples.len()
        )));
    }

    let mut rgb = Vec::with_capacity(pixels * 3);
    let mut alpha = Vec::with_capacity(pixels);
    for pixel in samples.chunks_exact(channels) {
        match pixel {
            [grey] => {
                rgb.extend_from_slice(&[*grey; 3]);
                alpha.push(u8::MAX);
            }
            [grey, a] => {
                rgb.extend_from_slice(&[*grey; 3]);
                alpha.push(*a);
            }
            [r, g, b] => {
                rgb.extend_from_slice(&[*r, *g, *b]);
                alpha.push(u8::MAX);
            }
            [r, g, b, a] => {
                rgb.extend_from_slice(&[*r, *g, *b]);
                alpha.push(*a);
            }
            _ => unreachable!("chunks_exact yields slices of `channels` bytes, 1 to 4"),
        }
    }
    Ok((rgb, alpha))
}

/// Builds the widget's normal appearance: a form `XObject` of `width` x
/// `height` points that draws the image named /Seal over its whole box.
pub(crate) fn appearance_stream(width: f32, height: f32, image_id: lopdf::ObjectId) -> Stream {
    let mut xobjects = Dictionary::new();
    xobjects.set("Seal", Object::Reference(image_id));
    let mut resources = Dictionary::new();
    resources.set("XObject", Object::Dictionary(xobjects));

    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set(
        "BBox",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(0),
            Object::Real(width),
            Object::Real(height),
        ]),
    );
    dict.set("Resources", Object::Dictionary(resources));

    // Image space is the unit square (8.9.4): scale it to the box.
    let content = format!("q {width:.3} 0 0 {height:.3} 0 0 cm /Seal Do Q\n");
    let mut stream = Stream::new(dict, content.into_bytes());
    let _ = stream.compress();
    stream
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(width: u32, height: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(data).expect("data");
        writer.finish().expect("finish");
        out
    }

    #[test]
    fn rgba_splits_into_rgb_and_alpha() {
        let png = encode(2, 1, png::ColorType::Rgba, &[255, 0, 0, 255, 0, 0, 0, 0]);
        let image = SealImage::from_png(&png).expect("decode");
        assert_eq!((image.width, image.height), (2, 1));
        assert_eq!(image.rgb, vec![255, 0, 0, 0, 0, 0]);
        assert_eq!(image.alpha, vec![255, 0]);
    }

    #[test]
    fn grey_without_alpha_gets_an_opaque_mask() {
        let png = encode(2, 1, png::ColorType::Grayscale, &[10, 200]);
        let image = SealImage::from_png(&png).expect("decode");
        assert_eq!(image.rgb, vec![10, 10, 10, 200, 200, 200]);
        assert_eq!(image.alpha, vec![255, 255]);
    }

    #[test]
    fn jpeg_bytes_are_not_png() {
        let err = SealImage::from_png(&[0xff, 0xd8, 0xff, 0xe0, 0, 16]).err();
        assert!(
            matches!(err, Some(PadesError::SealNotPng { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn huge_image_is_refused_before_decoding() {
        let png = encode(
            MAX_SEAL_SIDE + 1,
            1,
            png::ColorType::Grayscale,
            &vec![0; 4097],
        );
        let err = SealImage::from_png(&png).err();
        assert!(
            matches!(err, Some(PadesError::SealTooLarge { width: 4097, .. })),
            "{err:?}"
        );
    }
}
