//! Rules' word lists live in `src/rules/data/*.tsv`, compiled in. Format: one entry a line,
//! columns separated by tabs, `#` starts a comment line, blank lines are skipped. Each file's
//! header comment says where its list came from. [`FILES`] lists every file with the number of
//! columns its readers take; [`validate`] checks them all when a pipeline is built, so that a
//! malformed line is a start-up error naming its file and line.

use anyhow::{bail, Result};

/// A data file: its name in `src/rules/data/`, its text, and the fewest and most columns an
/// entry may have.
pub struct DataFile {
    pub name: &'static str,
    pub text: &'static str,
    pub columns: (usize, usize),
}

macro_rules! data_files {
    ($(($name:literal, $min:literal, $max:literal),)*) => {
        &[$(DataFile {
            name: $name,
            text: include_str!(concat!("data/", $name)),
            columns: ($min, $max),
        },)*]
    };
}

#[rustfmt::skip]
pub static FILES: &[DataFile] = data_files![
    ("acronym_skipped.tsv", 1, 1),
    ("adjective_endings.tsv", 1, 1),
    ("age_ends.tsv", 1, 1),
    ("age_joins.tsv", 1, 1),
    ("age_markers.tsv", 1, 1),
    ("age_verbs.tsv", 1, 1),
    ("ageless_nouns.tsv", 1, 1),
    ("announcing_verbs.tsv", 1, 1),
    ("approx.tsv", 2, 2),
    ("aux_words.tsv", 1, 1),
    ("change_verbs.tsv", 2, 2),
    ("clause_breaks.tsv", 1, 1),
    ("club_nicknames.tsv", 2, 2),
    ("company_nouns.tsv", 1, 1),
    ("corporate_suffixes.tsv", 1, 1),
    ("count_predicates.tsv", 1, 1),
    ("counted_nouns.tsv", 2, 2),
    ("currencies.tsv", 2, 3),
    ("dates.tsv", 3, 3),
    ("demonyms.tsv", 2, 3),
    ("descriptive_words.tsv", 1, 1),
    ("entity_labels.tsv", 2, 2),
    ("fronted_openers.tsv", 1, 1),
    ("function_words.tsv", 1, 1),
    ("honorifics.tsv", 2, 2),
    ("hyphen_prefixes.tsv", 1, 1),
    ("institution_heads.tsv", 1, 1),
    ("known_names.tsv", 2, 3),
    ("linking_verbs.tsv", 3, 3),
    ("measure_nouns.tsv", 1, 2),
    ("not_modifiers.tsv", 1, 1),
    ("not_names.tsv", 1, 1),
    ("number_words.tsv", 3, 3),
    ("organisation_nouns.tsv", 1, 1),
    ("parties.tsv", 1, 2),
    ("portfolio_for_titles.tsv", 1, 1),
    ("possessive_determiners.tsv", 1, 1),
    ("prefix_abbreviations.tsv", 1, 1),
    ("role_adverbs.tsv", 1, 1),
    ("role_auxiliaries.tsv", 1, 1),
    ("sentence_openers.tsv", 1, 1),
    ("size_adjectives.tsv", 1, 1),
    ("subject_breaks.tsv", 1, 1),
    ("succession_verbs.tsv", 1, 1),
    ("surname_prefixes.tsv", 1, 1),
    ("title_closing_words.tsv", 1, 1),
    ("title_determiners.tsv", 1, 1),
    ("title_prepositions.tsv", 1, 1),
    ("titles.tsv", 3, 3),
    ("units.tsv", 2, 2),
    ("work_nouns.tsv", 1, 1),
    ("workforce_nouns.tsv", 1, 1),
];

/// The text of data file `name`. Panics on a name [`FILES`] does not list: a programming
/// error, which the tests catch.
pub fn file(name: &str) -> &'static str {
    match FILES.iter().find(|f| f.name == name) {
        Some(f) => f.text,
        None => panic!("src/rules/data/{name} is not listed in lexicon::FILES"),
    }
}

/// Checks every entry of every data file: its number of columns, and a first column.
pub fn validate() -> Result<()> {
    FILES.iter().try_for_each(check)
}

fn check(f: &DataFile) -> Result<()> {
    for (n, line) in f.text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let (min, max) = f.columns;
        if cols.len() < min || cols.len() > max {
            bail!(
                "src/rules/data/{}:{}: {} columns, the file takes {min} to {max}",
                f.name,
                n + 1,
                cols.len()
            );
        }
        if cols[0].is_empty() {
            bail!("src/rules/data/{}:{}: empty first column", f.name, n + 1);
        }
    }
    Ok(())
}

/// The entries of a lexicon file: each non-comment line split into its tab-separated columns.
pub fn entries(data: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    data.lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split('\t').map(str::trim).collect())
}

/// Column `i` of an entry as a comma-separated list, items trimmed, empty ones dropped; empty
/// when the entry has no such column.
pub fn list<'a>(cols: &[&'a str], i: usize) -> impl Iterator<Item = &'a str> {
    cols.get(i)
        .copied()
        .into_iter()
        .flat_map(|c| c.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The first column of a lexicon file as a set: a word list.
pub fn words(data: &'static str) -> std::collections::HashSet<&'static str> {
    entries(data).map(|cols| cols[0]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_file_is_listed_and_valid() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/data");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tsv"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = FILES.iter().map(|f| f.name).collect();
        assert_eq!(on_disk, listed);
        validate().unwrap();
    }

    #[test]
    fn a_malformed_line_is_an_error_naming_file_and_line() {
        let f = DataFile {
            name: "units.tsv",
            text: "# comment\nkm\tkm\nmile\n",
            columns: (2, 2),
        };
        let e = check(&f).unwrap_err().to_string();
        assert_eq!(
            e,
            "src/rules/data/units.tsv:3: 1 columns, the file takes 2 to 2"
        );
    }
}
