//! The output record: the JSONL contract documented in docs/FORMAT.md.
//!
//! Every `start`/`end` in a written record is a Unicode code-point offset into `text`,
//! end-exclusive. The stages before output work in byte offsets (what Rust string slicing
//! wants); `Record::from_annotations` converts them once, in one place.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub meta: Map<String, Value>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub facts: Vec<Fact>,
    #[serde(default)]
    pub errors: Vec<RecordError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub label: String,
    pub name: String,
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(serialize_with = "round4", default = "one")]
    pub score: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// Entity id of the person holding the role.
    pub person: String,
    /// The role's core, lowercase: "prime minister", "chief constable".
    pub title: String,
    /// Entity id of the organisation or place the role belongs to.
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub former: bool,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The pattern that stated the role (`factx extract --explain` writes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactKind {
    Count,
    Age,
    Money,
    Percent,
    Quantity,
    Date,
}

impl FactKind {
    /// The kind as records write it.
    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::Count => "count",
            FactKind::Age => "age",
            FactKind::Money => "money",
            FactKind::Percent => "percent",
            FactKind::Quantity => "quantity",
            FactKind::Date => "date",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approx {
    #[default]
    Exact,
    AtLeast,
    MoreThan,
    AtMost,
    LessThan,
    About,
}

impl Approx {
    /// The qualifier as records write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Approx::Exact => "exact",
            Approx::AtLeast => "at_least",
            Approx::MoreThan => "more_than",
            Approx::AtMost => "at_most",
            Approx::LessThan => "less_than",
            Approx::About => "about",
        }
    }
}

/// A fact's value: a number for counts, ages, money, percentages and quantities; an ISO date
/// string ("2017-05-22", "2007-07") for dates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FactValue {
    Number(f64),
    Date(String),
}

impl Serialize for FactValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FactValue::Number(n) => serialize_number(*n, s),
            FactValue::Date(d) => s.serialize_str(d),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub kind: FactKind,
    /// `None` when the text states the fact but its value cannot be normalised (a relative date
    /// in a record without a `date`).
    pub value: Option<FactValue>,
    #[serde(default)]
    pub approx: Approx,
    #[serde(default, serialize_with = "optional_number")]
    pub from: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub predicate: Option<String>,
    #[serde(default)]
    pub entity: Option<String>,
    /// "thousands of children": the value is an order of magnitude, not a figure.
    #[serde(default, skip_serializing_if = "is_false")]
    pub vague: bool,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The rule that made the fact, the one that tied it to `entity`, and the number reading
    /// that read its number (`factx extract --explain` writes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordError {
    /// The stage that failed: "input", "model", ...
    pub stage: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn one() -> f32 {
    1.0
}

fn round4<S: Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((f64::from(*x) * 1e4).round() / 1e4)
}

/// Integral values print as integers ("22", not "22.0"): these are counts and ages people read.
fn serialize_number<S: Serializer>(n: f64, s: S) -> Result<S::Ok, S::Error> {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        s.serialize_i64(n as i64)
    } else {
        s.serialize_f64(n)
    }
}

fn optional_number<S: Serializer>(n: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match n {
        Some(n) => serialize_number(*n, s),
        None => s.serialize_none(),
    }
}

/// Maps byte offsets of one text to code-point offsets.
pub struct CharOffsets {
    /// `char_at[b]` = number of chars before byte `b`, for every byte position up to `len`.
    char_at: Vec<u32>,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let mut char_at = Vec::with_capacity(text.len() + 1);
        let mut chars = 0u32;
        for (i, c) in text.char_indices() {
            debug_assert_eq!(char_at.len(), i);
            char_at.extend(std::iter::repeat_n(chars, c.len_utf8()));
            chars += 1;
        }
        char_at.push(chars);
        CharOffsets { char_at }
    }

    /// The code-point offset of byte offset `b` (which must be a char boundary).
    pub fn to_char(&self, b: usize) -> usize {
        self.char_at[b] as usize
    }
}
