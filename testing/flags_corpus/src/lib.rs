//! The built-in flag corpus: one GIF and one `metadata.json` per country,
//! standing in for the book's `flags.zip` (the tree that the book serves
//! with `python3 -m http.server` from its `flags/` directory). The test
//! servers (`flags_server`) serve it; it is a crate of its own so that
//! debug builds, the tests' above all, compile it optimised without
//! compiling the server so (see the workspace's `Cargo.toml`).
//!
//! The images are drawn from the table in `countries.rs` and encoded with the
//! `gif` crate. They must look like a flag, differ from one another and be
//! about as large as the real files (1–40 KB, median near 10 KB) so that
//! download times have the book's proportions. A flat sketch in a few
//! colours compresses to a few hundred bytes, so each flag gets a fine,
//! deterministic "cloth" texture (a few pixels in a slightly lighter or
//! darker shade), and its size is tuned through its dimensions: the texture
//! costs about the same number of bits per pixel everywhere, so a target
//! size is a target area.
//!
//! Everything is deterministic: the same code gives the same bytes on every
//! run and every machine, because the only randomness is a SplitMix64
//! generator seeded from the code itself.
//!
//! Images are made lazily, each the first time it is asked for, and kept
//! for the life of the process as [`Bytes`], so serving one is a reference
//! count increment, never a copy or a re-encoding.

mod countries;

use std::sync::OnceLock;

use bytes::Bytes;

use crate::countries::{COUNTRIES, Country, Design, Rgb};

/// The 194 ISO codes that have a flag, upper case and sorted, as the book's
/// `country_codes.txt`.
pub fn codes() -> impl ExactSizeIterator<Item = &'static str> {
    COUNTRIES.iter().map(|country| country.iso)
}

/// The country's name for a code that has a flag, in any case: `br`, `BR`.
pub fn country_name(cc: &str) -> Option<&'static str> {
    find(cc).map(|index| COUNTRIES[index].name)
}

/// The CIA World Factbook code (`gec_cc`) for a code that has a flag.
pub fn gec_code(cc: &str) -> Option<&'static str> {
    find(cc).map(|index| COUNTRIES[index].gec)
}

/// The GIF image of the flag, or `None` for a code without one (the server
/// answers 404 then, as the book's site does).
pub fn flag_gif(cc: &str) -> Option<Bytes> {
    let index = find(cc)?;
    Some(GIFS[index].get_or_init(|| render_flag(&COUNTRIES[index])).clone())
}

/// The `metadata.json` of the book's `flags.zip` for that code, e.g.
/// `{"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil", "gec_cc": "BR"}`.
pub fn metadata_json(cc: &str) -> Option<Bytes> {
    let index = find(cc)?;
    let json = JSON[index].get_or_init(|| render_metadata(&COUNTRIES[index]));
    Some(json.clone())
}

/// Makes every image now, on all cores, instead of on first request. The
/// server does not need it (a flag takes milliseconds to draw, once); it is
/// for callers that want all 194 at hand, such as tests and benchmarks.
pub fn warm_up() {
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|scope| {
        for worker in 0..workers {
            scope.spawn(move || {
                for cc in codes().skip(worker).step_by(workers) {
                    let _ = flag_gif(cc);
                }
            });
        }
    });
}

/// One cell per country, filled on first use. A `OnceLock` rather than a
/// `Mutex<HashMap>`: after the first request, reading a flag takes no lock.
static GIFS: [OnceLock<Bytes>; 194] = [const { OnceLock::new() }; 194];
static JSON: [OnceLock<Bytes>; 194] = [const { OnceLock::new() }; 194];

/// The index of `cc` in the table, whatever its case.
fn find(cc: &str) -> Option<usize> {
    let upper = cc.to_ascii_uppercase();
    COUNTRIES.binary_search_by(|country| country.iso.cmp(&upper)).ok()
}

fn render_metadata(country: &Country) -> Bytes {
    // The top-level domain is the ISO code, except the United Kingdom's.
    let tld = match country.iso {
        "GB" => ".uk".to_owned(),
        iso => format!(".{}", iso.to_ascii_lowercase()),
    };
    // Field order as in the book's files; serde_json escapes the names.
    let json = format!(
        r#"{{"tld_cc": {}, "iso_cc": {}, "country": {}, "gec_cc": {}}}"#,
        quote(&tld),
        quote(country.iso),
        quote(country.name),
        quote(country.gec),
    );
    Bytes::from(json)
}

fn quote(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

// ---------------------------------------------------------------------------
// Drawing and encoding
// ---------------------------------------------------------------------------

/// Shades per colour: the base colour and three variants for the texture.
const SHADES: usize = 4;
/// The fraction of pixels drawn in a variant shade. Low enough that the
/// flag reads clearly, high enough that a GIF has something to compress.
const TEXTURE: f64 = 0.15;
/// Sizes are drawn around this median (bytes), as the real flags' are.
const MEDIAN_SIZE: f64 = 10_000.0;
/// Width of the small trial image that measures bits per pixel.
const TRIAL_WIDTH: u32 = 120;

fn render_flag(country: &Country) -> Bytes {
    let target = target_size(country.iso);
    // Measure what this flag's texture costs per pixel on a small image,
    // then pick the area that lands on the target size.
    let trial = encode(country, TRIAL_WIDTH, TRIAL_WIDTH * 2 / 3);
    let mut width = width_for(target, TRIAL_WIDTH, trial.len(), LZW_GROWTH);
    let mut image = encode(country, width, width * 2 / 3);
    // The estimate is within about 15%; if it missed by more than 8%,
    // one more step from this much closer measurement corrects it.
    if (image.len() as f64 / target - 1.0).abs() > 0.08 {
        width = width_for(target, width, image.len(), 0.0);
        image = encode(country, width, width * 2 / 3);
    }
    Bytes::from(image)
}

/// LZW packs large images a little less tightly than small ones, so bytes
/// grow slightly faster than the area: about as area^(1 + LZW_GROWTH), a
/// figure measured on this corpus.
const LZW_GROWTH: f64 = 0.16;

/// The width at which an image that took `size` bytes at `width` would
/// take `target` bytes, if bytes grow as area^(1 + growth).
fn width_for(target: f64, width: u32, size: usize, growth: f64) -> u32 {
    let header = 800.0; // palette and framing, about constant
    let scale = (target - header).max(1.0) / (size as f64 - header).max(1.0);
    let area_scale = scale.powf(1.0 / (1.0 + growth));
    let width = f64::from(width) * area_scale.sqrt();
    width.round().clamp(60.0, 1200.0) as u32
}

/// The size this flag should have: log-normal around `MEDIAN_SIZE`, like
/// the real files, between about 1.5 and 36 KB.
fn target_size(iso: &str) -> f64 {
    let mut rng = SplitMix64::for_code(iso, 1);
    // A sum of four uniforms is close enough to a normal for this purpose.
    let z = ((0..4).map(|_| rng.next_f64()).sum::<f64>() - 2.0) * 3f64.sqrt();
    (MEDIAN_SIZE * (0.7 * z).exp()).clamp(1_500.0, 36_000.0)
}

fn encode(country: &Country, width: u32, height: u32) -> Vec<u8> {
    let (palette, colours) = palette_for(country);
    let mut rng = SplitMix64::for_code(country.iso, 2);
    let mut pixels = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        for x in 0..width {
            let colour = colour_at(country, x, y, width, height);
            let base = colours.iter().position(|c| *c == colour).unwrap_or(0);
            let shade = if rng.next_f64() < TEXTURE {
                1 + (rng.next_u64() % (SHADES as u64 - 1)) as usize
            } else {
                0
            };
            pixels.push((base * SHADES + shade) as u8);
        }
    }
    let mut out = Vec::new();
    // Dimensions are clamped to 1200 wide in `render_flag`, far inside u16.
    let (w, h) = (width as u16, height as u16);
    // Writing to a Vec cannot fail for I/O reasons, and the frame always
    // matches the declared size, so an error here is a bug in this file.
    let mut encoder = gif::Encoder::new(&mut out, w, h, &palette)
        .expect("a GIF header fits in a Vec");
    let frame = gif::Frame {
        width: w,
        height: h,
        buffer: std::borrow::Cow::Borrowed(&pixels),
        ..gif::Frame::default()
    };
    encoder.write_frame(&frame).expect("the frame matches the header");
    drop(encoder);
    out
}

/// The global palette: each colour the flag uses, in `SHADES` shades.
fn palette_for(country: &Country) -> (Vec<u8>, Vec<Rgb>) {
    let mut colours: Vec<Rgb> = Vec::new();
    let mut add = |colour: Rgb| {
        if !colours.contains(&colour) {
            colours.push(colour);
        }
    };
    match country.design {
        Design::Horizontal(bands) | Design::Vertical(bands) => {
            bands.iter().copied().for_each(&mut add)
        }
        Design::Hoist(first, bands)
        | Design::Triangle(first, bands)
        | Design::Canton(first, bands) => {
            add(first);
            bands.iter().copied().for_each(&mut add);
        }
        Design::Diagonal(a, b, c) => [a, b, c].into_iter().for_each(&mut add),
        Design::Nordic(a, b) | Design::Cross(a, b) | Design::Lozenge(a, b) => {
            [a, b].into_iter().for_each(&mut add)
        }
    }
    if let Some(halves) = country.emblem {
        halves.into_iter().for_each(&mut add);
    }
    let mut palette = Vec::with_capacity(colours.len() * SHADES * 3);
    for colour in &colours {
        // Base, a little lighter, a little darker, lighter still.
        for factor in [1.0, 1.08, 0.92, 1.15] {
            for channel in colour {
                let value = (f64::from(*channel) * factor).round();
                palette.push(value.clamp(0.0, 255.0) as u8);
            }
        }
    }
    (palette, colours)
}

/// The colour of pixel (x, y) of the sketch, before texture.
fn colour_at(country: &Country, x: u32, y: u32, w: u32, h: u32) -> Rgb {
    // Work in the unit square: u across (hoist 0, fly 1), v down.
    let u = (f64::from(x) + 0.5) / f64::from(w);
    let v = (f64::from(y) + 0.5) / f64::from(h);
    if let Some([upper, lower]) = country.emblem {
        // A disc a third of the height across, corrected for the 3:2 shape.
        let (du, dv) = ((u - 0.5) * 1.5, v - 0.5);
        if du * du + dv * dv < (1.0 / 6.0) * (1.0 / 6.0) {
            return if dv < 0.0 { upper } else { lower };
        }
    }
    let band = |bands: &[Rgb], t: f64| {
        let i = ((t * bands.len() as f64) as usize).min(bands.len() - 1);
        bands[i]
    };
    match country.design {
        Design::Horizontal(bands) => band(bands, v),
        Design::Vertical(bands) => band(bands, u),
        Design::Hoist(first, bands) => {
            if u < 0.25 {
                first
            } else {
                band(bands, v)
            }
        }
        Design::Triangle(first, bands) => {
            // Apex at the centre of the flag, a third of the way across.
            if u < (1.0 - (2.0 * v - 1.0).abs()) / 3.0 {
                first
            } else {
                band(bands, v)
            }
        }
        Design::Canton(first, bands) => {
            if u < 0.4 && v < 0.5 {
                first
            } else {
                band(bands, v)
            }
        }
        Design::Diagonal(upper, stripe, lower) => {
            // The line v = 1 - u runs from lower hoist to upper fly.
            let d = v - (1.0 - u);
            if d.abs() < 0.15 {
                stripe
            } else if d < 0.0 {
                upper
            } else {
                lower
            }
        }
        Design::Nordic(field, cross) => {
            let on_bar = (v - 0.5).abs() < 0.1 || (u - 0.36).abs() < 0.07;
            if on_bar { cross } else { field }
        }
        Design::Cross(field, cross) => {
            let on_bar = (v - 0.5).abs() < 0.1 || (u - 0.5).abs() < 0.07;
            if on_bar { cross } else { field }
        }
        Design::Lozenge(field, lozenge) => {
            if (u - 0.5).abs() / 0.42 + (v - 0.5).abs() / 0.4 < 1.0 {
                lozenge
            } else {
                field
            }
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood): a tiny, well-mixed generator whose
/// output depends on its seed alone, so the corpus is the same everywhere.
/// `rand`'s generators make no such promise across versions. Public, for
/// the server's seeded delays and errors, which must repeat as well.
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A stream that depends on `seed` alone.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// A stream for one code and one purpose (size, texture, ...).
    fn for_code(iso: &str, purpose: u64) -> Self {
        let code = iso.bytes().fold(0u64, |acc, b| acc << 8 | u64::from(b));
        SplitMix64(code.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ purpose)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Looking a code up ignores case, and unknown codes have no flag.
    #[test]
    fn lookup_ignores_case() {
        assert_eq!(country_name("br"), Some("Brazil"));
        assert_eq!(country_name("BR"), Some("Brazil"));
        assert_eq!(country_name("ZZ"), None);
        assert_eq!(country_name("DO"), None, "the book has no DO flag");
        assert!(flag_gif("xx").is_none());
    }

    /// The same code renders the same bytes every time.
    #[test]
    fn rendering_is_deterministic() {
        let brazil = &COUNTRIES[find("BR").unwrap()];
        assert_eq!(render_flag(brazil), render_flag(brazil));
    }

    /// The table is sorted, so binary search finds every code.
    #[test]
    fn table_is_sorted() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].iso < w[1].iso));
        assert!(COUNTRIES.iter().all(|c| c.gec.len() == 2));
    }
}
