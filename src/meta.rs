//! Callback and event metadata: a flat object of string (or null) fields, turned into a JS
//! object field by field. Smaller in wasm than building `serde_json::Value`s and re-parsing.

use std::ops::Index;

/// A metadata field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaValue {
    Str(String),
    Null,
}

impl MetaValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            MetaValue::Str(s) => Some(s),
            MetaValue::Null => None,
        }
    }
}

impl PartialEq<&str> for MetaValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl From<&str> for MetaValue {
    fn from(s: &str) -> Self {
        MetaValue::Str(s.to_owned())
    }
}

impl From<String> for MetaValue {
    fn from(s: String) -> Self {
        MetaValue::Str(s)
    }
}

impl<T: Into<MetaValue>> From<Option<T>> for MetaValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(MetaValue::Null, Into::into)
    }
}

/// An ordered set of metadata fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Meta(pub Vec<(&'static str, MetaValue)>);

static NULL: MetaValue = MetaValue::Null;

impl Meta {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a field.
    pub fn with(mut self, key: &'static str, value: impl Into<MetaValue>) -> Self {
        self.set(key, value);
        self
    }

    pub fn set(&mut self, key: &'static str, value: impl Into<MetaValue>) {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&MetaValue> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

/// `meta["field"]`: a missing field reads as null.
impl Index<&str> for Meta {
    type Output = MetaValue;

    fn index(&self, key: &str) -> &MetaValue {
        self.get(key).unwrap_or(&NULL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_order_and_replace() {
        let m = Meta::new()
            .with("state", "exit")
            .with("provider", None::<String>)
            .with("state", "error");
        assert_eq!(m["state"], "error");
        assert_eq!(m["provider"], MetaValue::Null);
        assert_eq!(m["missing"], MetaValue::Null);
        assert_eq!(
            m.0.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            ["state", "provider"]
        );
    }
}
