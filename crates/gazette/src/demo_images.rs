//! Pictures for the demo newspaper, drawn here at load time (no photographs are shipped or
//! downloaded): skylines, maps, charts and abstract patterns in each section's colours. They go
//! through the same media library as uploads, so the demo shows real variants, `<picture>` and
//! OpenGraph images.

use gazette_core::Language;
use gazette_media::{ImageDetails, MediaLibrary};
use gazette_store::{ArticleFilter, PageRequest, Store};
use image::{Rgb, RgbImage};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;

/// What each drawing shows, for its alt text.
const KINDS: [(&str, &str); 4] = [
    (
        "Drawn skyline: low hills and rooftops under a setting sun",
        "Evening over the city",
    ),
    (
        "Drawn map: a river winding between city blocks and roads",
        "The river and its districts",
    ),
    (
        "Drawn bar chart: eight bars rising and falling",
        "A season of figures",
    ),
    ("Abstract pattern of overlapping circles", "Ripples"),
];

const PALETTES: [[[u8; 3]; 3]; 3] = [
    [[24, 52, 96], [238, 170, 60], [250, 236, 200]],
    [[20, 90, 80], [230, 110, 80], [236, 244, 236]],
    [[70, 40, 90], [240, 200, 80], [244, 238, 248]],
];

/// Adds the drawings and features them on four of every five published articles. Returns how many
/// articles got one.
pub async fn add(
    library: &MediaLibrary,
    store: &dyn Store,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    let mut media = Vec::new();
    for (i, (alt, caption)) in KINDS.iter().enumerate() {
        for (p, palette) in PALETTES.iter().enumerate().take(if i < 2 { 2 } else { 1 }) {
            let jpeg = encode(&draw(i, palette))?;
            let added = library
                .add_image_from_bytes(
                    jpeg,
                    ImageDetails {
                        filename: format!("demo-{i}-{p}.jpg"),
                        alt: (*alt).to_owned(),
                        caption: (*caption).to_owned(),
                        credit: "Illustration: Dispatch graphics desk".into(),
                        created_by: None,
                        audit: None,
                    },
                )
                .await?;
            media.push(added.id);
        }
    }
    // The originals choose; a translation shows the same picture as its original.
    let originals = ArticleFilter {
        language: Some(Language::EN),
        ..ArticleFilter::default()
    };
    let articles = store
        .published(&originals, PageRequest::new(1, 100), now)
        .await?;
    let mut featured = 0;
    for (n, article) in articles.items.iter().enumerate() {
        if n % 5 == 4 {
            continue;
        }
        let picture = Some(media[n % media.len()]);
        store
            .set_featured_media(article.id, picture, None, now)
            .await?;
        featured += 1;
        for translation in store.translations(article.id).await? {
            if !translation.is_original {
                store
                    .set_featured_media(translation.id, picture, None, now)
                    .await?;
                featured += 1;
            }
        }
    }
    Ok(featured)
}

fn encode(image: &RgbImage) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88).encode_image(image)?;
    Ok(out)
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> Rgb<u8> {
    let t = t.clamp(0.0, 1.0);
    let c = |i: usize| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t) as u8;
    Rgb([c(0), c(1), c(2)])
}

fn draw(kind: usize, palette: &[[u8; 3]; 3]) -> RgbImage {
    let [dark, accent, light] = *palette;
    let (w, h) = (WIDTH as f32, HEIGHT as f32);
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        match kind {
            0 => {
                // Sky gradient, a sun, two ranges of hills and a row of rooftops.
                let sun = ((fx - w * 0.7).powi(2) + (fy - h * 0.45).powi(2)).sqrt();
                let far = h * 0.62 + (fx / 90.0).sin() * 28.0;
                let near = h * 0.74 + (fx / 55.0 + 1.0).sin() * 18.0;
                let roof = h * 0.86 - if (x / 48) % 3 == 0 { 40.0 } else { 12.0 };
                if fy > roof {
                    mix(dark, [0, 0, 0], 0.4)
                } else if fy > near {
                    mix(dark, accent, 0.15)
                } else if fy > far {
                    mix(dark, light, 0.35)
                } else if sun < 70.0 {
                    mix(accent, light, sun / 140.0)
                } else {
                    mix(accent, dark, fy / far)
                }
            }
            1 => {
                // A map: paper, a grid of streets, blocks, and a river.
                let river = h * 0.5 + (fx / 140.0).sin() * 110.0 + (fx / 37.0).cos() * 12.0;
                if (fy - river).abs() < 26.0 {
                    mix([70, 130, 200], light, (fy - river).abs() / 60.0)
                } else if x % 96 < 6 || y % 80 < 5 {
                    Rgb([255, 255, 255])
                } else if ((x / 96) * 7 + (y / 80) * 3) % 5 == 0 {
                    mix(accent, light, 0.55)
                } else {
                    mix(light, dark, 0.06)
                }
            }
            2 => {
                // A bar chart on a light ground with rules.
                let bar = x / (WIDTH / 8);
                let height = h * (0.25 + 0.6 * (((bar * 37) % 11) as f32 / 11.0));
                let inside = x % (WIDTH / 8) > 24 && x % (WIDTH / 8) < WIDTH / 8 - 24;
                if inside && fy > h - height {
                    mix(accent, dark, (h - fy) / h)
                } else if y % 90 == 0 {
                    mix(light, dark, 0.3)
                } else {
                    Rgb(light)
                }
            }
            _ => {
                // Ripples from three centres.
                let d = |cx: f32, cy: f32| ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt();
                let v = (d(w * 0.3, h * 0.4) / 22.0).sin()
                    + (d(w * 0.75, h * 0.3) / 30.0).sin()
                    + (d(w * 0.5, h * 0.9) / 26.0).sin();
                mix(dark, accent, (v + 3.0) / 6.0)
            }
        }
    })
}
