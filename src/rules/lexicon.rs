//! Rules' word lists live in `src/rules/data/*.tsv`, compiled in. Format: one entry a line,
//! columns separated by tabs, `#` starts a comment line, blank lines are skipped. Each file's
//! header comment says where its list came from.

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
