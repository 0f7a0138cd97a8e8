//! Deflate for every writer, with libdeflate on whole buffers: the PDF's
//! streams (zlib format) and the parts of the zipped packages (raw deflate,
//! with the CRC-32 a zip entry records). The one place that decides how hard
//! each kind of content is compressed.

use libdeflater::{CompressionLvl, Compressor};

/// What a buffer holds, which decides its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// A font program (CFF or TrueType outlines): deflate takes off about a
    /// fifth at any level, so the fastest level, which gives up under 1 % of
    /// that against level 6 for half the time.
    Font,
    /// Everything else: XML, PDF content streams, the outline.
    Text,
}

impl Content {
    fn level(self) -> i32 {
        match self {
            Content::Font => 1,
            Content::Text => 6,
        }
    }
}

/// Compressors, one per level, made when first needed and reused from buffer
/// to buffer (their tables are large: allocating them per buffer costs more
/// than deflating a small one).
#[derive(Default)]
pub struct Deflater {
    font: Option<Compressor>,
    text: Option<Compressor>,
}

impl Deflater {
    pub fn new() -> Deflater {
        Deflater::default()
    }

    fn compressor(&mut self, content: Content) -> &mut Compressor {
        let slot = match content {
            Content::Font => &mut self.font,
            Content::Text => &mut self.text,
        };
        slot.get_or_insert_with(|| Compressor::new(CompressionLvl::new(content.level()).expect("a valid level")))
    }

    /// `data` in the zlib format (a PDF's `/FlateDecode`).
    pub fn zlib(&mut self, data: &[u8], content: Content) -> Vec<u8> {
        self.pack(data, content, true)
    }

    /// `data` as raw deflate (a zip entry's method 8).
    pub fn raw(&mut self, data: &[u8], content: Content) -> Vec<u8> {
        self.pack(data, content, false)
    }

    /// `data` deflated, in the zlib wrapping or raw.
    fn pack(&mut self, data: &[u8], content: Content, zlib: bool) -> Vec<u8> {
        let z = self.compressor(content);
        let bound = if zlib { z.zlib_compress_bound(data.len()) } else { z.deflate_compress_bound(data.len()) };
        let mut out = vec![0; bound];
        let n = if zlib { z.zlib_compress(data, &mut out) } else { z.deflate_compress(data, &mut out) };
        out.truncate(n.expect("the bound is enough"));
        out
    }
}

/// The CRC-32 of `data` (ISO 3309, as zip records it).
pub fn crc32(data: &[u8]) -> u32 {
    libdeflater::crc32(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `packed` inflated (zlib-wrapped or raw) to at most `len` bytes.
    fn inflate(packed: &[u8], len: usize, zlib: bool) -> Vec<u8> {
        let mut out = vec![0; len];
        let mut d = libdeflater::Decompressor::new();
        let n = if zlib { d.zlib_decompress(packed, &mut out) } else { d.deflate_decompress(packed, &mut out) };
        out.truncate(n.expect("valid deflate"));
        out
    }

    #[test]
    fn both_formats_round_trip_at_both_levels_with_one_deflater() {
        let text: Vec<u8> = "全县签约家庭医生291人，签约率66.2%。".repeat(200).into_bytes();
        let font: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let mut z = Deflater::new();
        for (data, content) in [(&text, Content::Text), (&font, Content::Font), (&text, Content::Font)] {
            let packed = z.zlib(data, content);
            assert_eq!(&inflate(&packed, data.len(), true), data);
            // The zlib header: deflate, 32 KiB window.
            assert_eq!(packed[0], 0x78);
            let raw = z.raw(data, content);
            assert_eq!(&inflate(&raw, data.len(), false), data);
        }
        // Text repeats: it shrinks to a small fraction.
        assert!(z.zlib(&text, Content::Text).len() * 20 < text.len());
    }

    #[test]
    fn the_text_level_packs_tighter_than_the_font_level() {
        // Runs of words picked pseudo-randomly, as a document's XML has them.
        let words = ["签约", "服务", "家庭医生", "全县", "卫生", "健康", "推进", "工作", "机制", "提升", "基层"];
        let mut state = 7u32;
        let xml: Vec<u8> = (0..6000)
            .map(|i| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let w = words[(state >> 16) as usize % words.len()];
                format!(
                    "<w:r><w:rPr><w:sz w:val=\"{}\"/></w:rPr><w:t>{w}{}</w:t></w:r>",
                    28 + (state >> 28) * 2,
                    i % 13
                )
            })
            .collect::<String>()
            .into_bytes();
        let mut z = Deflater::new();
        assert!(z.raw(&xml, Content::Text).len() < z.raw(&xml, Content::Font).len());
    }

    #[test]
    fn crc32_has_the_reference_value() {
        // The CRC-32 check value (of "123456789").
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }
}
