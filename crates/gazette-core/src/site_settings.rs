//! The site's settings an admin edits (name, tagline, description, social links): each one's key
//! in the store, its label on the page and its longest value, and the rules the whole form must
//! keep before anything is written. (The languages are the editions, from configuration.)

/// One setting the settings page edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingField {
    /// The key it is stored under.
    pub key: &'static str,
    /// What the page calls it; also names it in a refusal.
    pub label: &'static str,
    /// Longest value accepted, in characters.
    pub max: usize,
}

const fn field(key: &'static str, label: &'static str, max: usize) -> SettingField {
    SettingField { key, label, max }
}

/// Every setting the page edits, in the page's order.
pub const SETTING_FIELDS: [SettingField; 8] = [
    field("site.name", "Site name", 100),
    field("site.tagline", "Tagline", 200),
    field("site.description", "Description (for search engines)", 400),
    field("site.social.facebook", "Facebook page address", 300),
    field("site.social.x", "X profile address", 300),
    field("site.social.telegram", "Telegram channel address", 300),
    field("site.social.youtube", "YouTube channel address", 300),
    field("site.social.instagram", "Instagram profile address", 300),
];

/// Settings whose keys start with this are links to the paper's pages elsewhere.
const SOCIAL_PREFIX: &str = "site.social.";

/// Why the settings form was refused. Every message is a sentence to show the admin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("{label}: at most {max} characters.")]
    TooLong { label: &'static str, max: usize },
    #[error("The site needs a name.")]
    NoName,
    /// A plain `http://` link or a bare name would send readers somewhere unsafe or nowhere.
    #[error("{label}: use a full address starting with https://.")]
    NotHttps { label: &'static str },
}

/// Checks one setting's value (already trimmed); empty means unset, except for the site's name.
pub fn check_setting(field: &SettingField, value: &str) -> Result<(), SettingsError> {
    if value.chars().count() > field.max {
        return Err(SettingsError::TooLong {
            label: field.label,
            max: field.max,
        });
    }
    if field.key == "site.name" && value.is_empty() {
        return Err(SettingsError::NoName);
    }
    if field.key.starts_with(SOCIAL_PREFIX) && !value.is_empty() && !value.starts_with("https://") {
        return Err(SettingsError::NotHttps { label: field.label });
    }
    Ok(())
}

/// Every setting's value from the form (`value_of` gives a key's trimmed text), checked in the
/// page's order: all of them pass, or the first that does not is named and nothing is written.
pub fn parse_settings(
    value_of: impl Fn(&str) -> String,
) -> Result<Vec<(&'static str, String)>, SettingsError> {
    SETTING_FIELDS
        .iter()
        .map(|field| {
            let value = value_of(field.key);
            check_setting(field, &value)?;
            Ok((field.key, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> String + 'a {
        move |key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
                .unwrap_or_default()
        }
    }

    #[test]
    fn a_good_form_gives_every_setting_in_order() {
        let values = parse_settings(form(&[
            ("site.name", "Kyiv Daily"),
            ("site.social.telegram", "https://t.me/kyivdaily"),
        ]))
        .unwrap();
        assert_eq!(values.len(), SETTING_FIELDS.len());
        assert_eq!(values[0], ("site.name", "Kyiv Daily".to_owned()));
        assert_eq!(values[1], ("site.tagline", String::new()));
        assert_eq!(
            values[5],
            ("site.social.telegram", "https://t.me/kyivdaily".to_owned())
        );
    }

    #[test]
    fn refusals_name_the_setting_and_the_fix() {
        let message = |pairs: &[(&str, &str)]| parse_settings(form(pairs)).unwrap_err().to_string();
        assert_eq!(message(&[]), "The site needs a name.");
        let long = "я".repeat(101);
        assert_eq!(
            message(&[("site.name", &long)]),
            "Site name: at most 100 characters."
        );
        assert_eq!(
            message(&[
                ("site.name", "Kyiv Daily"),
                ("site.social.x", "http://x.com/kd")
            ]),
            "X profile address: use a full address starting with https://."
        );
    }

    #[test]
    fn exactly_the_limit_is_accepted() {
        for field in &SETTING_FIELDS {
            let value = if field.key.starts_with(SOCIAL_PREFIX) {
                format!("https://{}", "a".repeat(field.max - 8))
            } else {
                "ї".repeat(field.max)
            };
            assert_eq!(check_setting(field, &value), Ok(()), "{}", field.key);
        }
    }
}
