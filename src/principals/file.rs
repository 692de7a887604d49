//! The principals file's serde model: strict (unknown and duplicate keys refused), with name checks.

use std::fmt;
use std::hash::{DefaultHasher, Hasher};

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::{MAX_NAME_LEN, PrincipalsError};

/// The serde model of the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PrincipalsFile {
    pub(super) policies: UniqueMap<String>,
    #[serde(default)]
    pub(super) groups: UniqueMap<GroupSpec>,
    #[serde(default)]
    pub(super) users: UniqueMap<UserSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GroupSpec {
    #[serde(default)]
    #[expect(dead_code, reason = "documentation for people reading the file")]
    description: Option<String>,
    #[serde(default)]
    pub(super) attachments: Vec<AttachmentSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UserSpec {
    #[serde(default)]
    #[expect(dead_code, reason = "documentation for people reading the file")]
    description: Option<String>,
    #[serde(default)]
    pub(super) groups: Vec<String>,
    #[serde(default)]
    pub(super) attachments: Vec<AttachmentSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AttachmentSpec {
    pub(super) policy: String,
    #[serde(default)]
    pub(super) scope: Option<String>,
}

/// A JSON object kept in order, refusing duplicate keys.
pub(super) struct UniqueMap<V>(pub(super) Vec<(String, V)>);

impl<V> Default for UniqueMap<V> {
    fn default() -> Self {
        UniqueMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = UniqueMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut seen = std::collections::BTreeSet::new();
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate key `{}`",
                            key.escape_debug()
                        )));
                    }
                    entries.push((key, map.next_value()?));
                }
                Ok(UniqueMap(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

pub(super) fn check_name(what: &'static str, name: &str) -> Result<(), PrincipalsError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > MAX_NAME_LEN {
        Some("it is longer than 128 bytes")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name.contains(',') {
        Some("it contains a comma")
    } else if name.trim() != name {
        Some("it starts or ends with white space")
    } else {
        None
    };
    match why {
        Some(why) => Err(PrincipalsError::InvalidName {
            what,
            name: name
                .chars()
                .take(MAX_NAME_LEN)
                .collect::<String>()
                .escape_debug()
                .to_string(),
            why,
        }),
        None => Ok(()),
    }
}

/// The change-detection fingerprint of a list of file contents (`None`: unreadable).
pub(super) fn fingerprint<'a>(contents: impl IntoIterator<Item = Option<&'a [u8]>>) -> u64 {
    let mut hasher = DefaultHasher::new();
    for content in contents {
        match content {
            Some(bytes) => {
                hasher.write_u8(1);
                hasher.write_usize(bytes.len());
                hasher.write(bytes);
            }
            None => hasher.write_u8(0),
        }
    }
    hasher.finish()
}

/// serde_json appends " at line L column C" to its messages; the error carries them separately.
pub(super) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
