//! The analysed document: what every rule reads, built once per document by [`Analysis::new`].
//!
//! One token layer, the model's words (`Doc.words`, with their POS and chunk tags), and
//! everything else aligned to it:
//! - sentences as word ranges ([`Analysis::sentence_of`]);
//! - each word lowercased ([`Analysis::lower`]);
//! - the number layer ([`Toks`]): the words regrouped so that "45,000" and "1.3bn" read as
//!   `45,000` and `1.3` + `bn`; each of its tokens knows the word it starts in;
//! - the dependency tree, when the model has a dependency head: one tree a sentence, decoded
//!   from the model's scored heads ([`crate::parse::sentence_tree`]); each word's head and
//!   label ([`Analysis::head`], [`Analysis::dep`]) and its dependents ([`Analysis::children`]).
//!
//! Rules ask for words by byte offset through [`Analysis::word_at`] and
//! [`Analysis::word_starting_at`] rather than mapping offsets themselves.

use super::numbers::Toks;
use super::sentences::{self, Sentence};
use crate::doc::Doc;
use std::borrow::Cow;

pub struct Analysis<'d, 'a> {
    pub doc: &'d Doc<'a>,
    pub sentences: Vec<Sentence>,
    /// Each word's sentence (an index into `sentences`).
    sentence_of_word: Vec<u32>,
    pub lower: Vec<Cow<'a, str>>,
    pub numbers: Toks<'a>,
    /// Each word's head (`u32::MAX` for a sentence's root) and label; empty without a tree.
    heads: Vec<u32>,
    labels: Vec<&'a str>,
    /// Dependents of each word, `children[child_start[w]..child_start[w + 1]]`, in text order.
    child_start: Vec<u32>,
    children: Vec<u32>,
}

/// A root's entry in `heads`.
const NO_HEAD: u32 = u32::MAX;

impl<'d, 'a> Analysis<'d, 'a> {
    pub fn new(doc: &'d Doc<'a>) -> Self {
        let sentences = sentences::split(doc);
        let mut sentence_of_word = vec![0; doc.words.len()];
        for (k, s) in sentences.iter().enumerate() {
            sentence_of_word[s.words.clone()].fill(k as u32);
        }
        let lower = doc
            .words
            .iter()
            .map(|w| {
                let word = &doc.text[w.start..w.end];
                if word.chars().any(char::is_uppercase) {
                    Cow::Owned(word.to_lowercase())
                } else {
                    Cow::Borrowed(word)
                }
            })
            .collect();
        let numbers = Toks::new(doc.text, &doc.words, &sentences);
        let mut analysis = Analysis {
            doc,
            sentences,
            sentence_of_word,
            lower,
            numbers,
            heads: Vec::new(),
            labels: Vec::new(),
            child_start: Vec::new(),
            children: Vec::new(),
        };
        analysis.decode_trees();
        analysis.attach_dangling_prepositions();
        analysis.index_children();
        analysis
    }

    fn decode_trees(&mut self) {
        let doc = self.doc;
        if doc.arcs.len() != doc.words.len() || doc.words.is_empty() {
            return;
        }
        self.heads = vec![NO_HEAD; doc.words.len()];
        self.labels = vec![""; doc.words.len()];
        for s in &self.sentences {
            let tree = crate::parse::sentence_tree(s.words.start, &doc.arcs[s.words.clone()]);
            for (w, (head, label)) in s.words.clone().zip(tree) {
                self.heads[w] = head.map_or(NO_HEAD, |h| h as u32);
                self.labels[w] = match head {
                    None => "ROOT",
                    Some(_) => doc
                        .dep_labels
                        .get(usize::from(label))
                        .map_or("", String::as_str),
                };
            }
        }
    }

    /// The parser leaves a preposition before a subject without its object and makes the
    /// object a second subject ("About 300 workers at Halden Steel walked out": "Steel" nsubj
    /// of "walked", "at" childless). A preposition with no object takes the phrase right after
    /// it as one when that phrase hangs from a word above the preposition.
    fn attach_dangling_prepositions(&mut self) {
        let n = self.heads.len();
        let mut has_object = vec![false; n];
        for w in 0..n {
            if matches!(self.labels[w], "pobj" | "pcomp") {
                if let Some(h) = self.head(w) {
                    has_object[h] = true;
                }
            }
        }
        for (prep, &has) in has_object.iter().enumerate() {
            if self.labels[prep] != "prep" || has || prep + 1 >= n {
                continue;
            }
            // The noun phrase after the preposition, from its first word up through its
            // modifiers to its head.
            let mut object = prep + 1;
            while matches!(
                self.labels[object],
                "det" | "compound" | "amod" | "nummod" | "poss"
            ) && self.head(object).is_some_and(|h| h > object)
            {
                object = self.head(object).unwrap_or(object);
            }
            // Above the preposition, not below it: the new arc must not close a cycle.
            let hangs_above = !self.is_under(prep, object)
                && self.head(object).is_some_and(|h| self.is_under(prep, h));
            if hangs_above && self.labels[object].starts_with("nsubj") {
                self.heads[object] = prep as u32;
                self.labels[object] = "pobj";
            }
        }
    }

    fn index_children(&mut self) {
        let n = self.doc.words.len();
        let mut counts = vec![0u32; n + 1];
        for w in 0..n {
            if let Some(h) = self.head(w) {
                counts[h + 1] += 1;
            }
        }
        for w in 0..n {
            counts[w + 1] += counts[w];
        }
        let mut next = counts.clone();
        let mut children = vec![0u32; counts[n] as usize];
        for w in 0..n {
            if let Some(h) = self.head(w) {
                children[next[h] as usize] = w as u32;
                next[h] += 1;
            }
        }
        self.child_start = counts;
        self.children = children;
    }

    /// Whether the document has a dependency tree (the model has a dependency head).
    pub fn has_tree(&self) -> bool {
        !self.heads.is_empty()
    }

    /// Word `i`'s head in its sentence's tree; none for the root or without a tree.
    pub fn head(&self, i: usize) -> Option<usize> {
        self.heads
            .get(i)
            .filter(|&&h| h != NO_HEAD)
            .map(|&h| h as usize)
    }

    /// The label of word `i`'s arc ("nsubj", "poss", ...; "ROOT" for the root), "" without a
    /// tree.
    pub fn dep(&self, i: usize) -> &'a str {
        self.labels.get(i).copied().unwrap_or("")
    }

    /// The words whose head is word `i` (in its sentence), in text order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let (from, to) = match self.child_start.get(i..i + 2) {
            Some(&[from, to]) => (from as usize, to as usize),
            _ => (0, 0),
        };
        self.children[from..to].iter().map(|&c| c as usize)
    }

    /// The first dependent of word `i` with label `label`.
    pub fn child(&self, i: usize, label: &str) -> Option<usize> {
        self.children(i).find(|&c| self.dep(c) == label)
    }

    /// The subjects (`nsubj`, `nsubjpass`) of word `i`, in text order.
    pub fn subjects(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.children(i)
            .filter(|&c| matches!(self.dep(c), "nsubj" | "nsubjpass"))
    }

    /// Word `i` and its heads up to the root of its sentence's tree.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(i), |&w| self.head(w))
    }

    /// Whether word `i` lies in the subtree of word `top`.
    pub fn is_under(&self, i: usize, top: usize) -> bool {
        self.ancestors(i).any(|w| w == top)
    }

    /// Word `i` as written.
    pub fn word(&self, i: usize) -> &'a str {
        let w = &self.doc.words[i];
        &self.doc.text[w.start..w.end]
    }

    /// The first word that ends after byte `at`: the word holding `at`, or the next one.
    pub fn word_at(&self, at: usize) -> usize {
        self.doc.words.partition_point(|w| w.end <= at)
    }

    /// The first word that starts at or after byte `at`.
    pub fn word_from(&self, at: usize) -> usize {
        self.doc.words.partition_point(|w| w.start < at)
    }

    /// The word starting exactly at byte `at`.
    pub fn word_starting_at(&self, at: usize) -> Option<usize> {
        let k = self.word_from(at);
        self.doc.words.get(k).filter(|w| w.start == at).map(|_| k)
    }

    /// Whether words `i` and `i + 1` touch ("U.S", "’s").
    pub fn glued(&self, i: usize) -> bool {
        self.doc.words[i].end == self.doc.words[i + 1].start
    }

    /// The sentence holding word `i`.
    pub fn sentence_of(&self, i: usize) -> &Sentence {
        &self.sentences[self.sentence_index(i)]
    }

    /// The index in `sentences` of the sentence holding word `i`.
    pub fn sentence_index(&self, i: usize) -> usize {
        self.sentence_of_word[i] as usize
    }

    /// Whether word `i` is the first of a sentence.
    pub fn starts_sentence(&self, i: usize) -> bool {
        self.sentence_of(i).words.start == i
    }

    /// The whitespace-delimited word (its glued words joined: "Mr.", "U.S.") that ends where
    /// whitespace before byte `start` begins; none when no whitespace comes right before.
    pub fn spaced_word_before(&self, start: usize) -> Option<&'a str> {
        let words = &self.doc.words;
        let last = self.word_from(start).checked_sub(1)?;
        let gap = self.doc.text.get(words[last].end..start)?;
        if gap.is_empty() || !gap.chars().all(char::is_whitespace) {
            return None;
        }
        let mut first = last;
        while first > 0 && words[first - 1].end == words[first].start {
            first -= 1;
        }
        Some(&self.doc.text[words[first].start..words[last].end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{doc, doc_with_tree};

    #[test]
    fn a_dangling_preposition_takes_the_subject_after_it_as_its_object() {
        // The parser's tree for it: "Steel" a second subject of "walked", "at" childless.
        let text = "About 300 workers at Halden Steel walked out.";
        let tree = [
            (Some(1), "quantmod"),
            (Some(2), "nummod"),
            (Some(6), "nsubj"),
            (Some(2), "prep"),
            (Some(5), "compound"),
            (Some(6), "nsubj"),
            (None, "ROOT"),
            (Some(6), "prt"),
            (Some(6), "punct"),
        ];
        let d = doc_with_tree(text, &[("Halden Steel", "ORG")], &tree);
        let a = Analysis::new(&d);
        assert_eq!((a.head(5), a.dep(5)), (Some(3), "pobj"));
        assert_eq!(a.subjects(6).collect::<Vec<_>>(), [2]);
        // "at" already below "Steel": taking it as the object would close a cycle.
        let mut below = tree;
        below[3] = (Some(5), "prep");
        let d = doc_with_tree(text, &[("Halden Steel", "ORG")], &below);
        let a = Analysis::new(&d);
        assert_eq!((a.head(5), a.dep(5)), (Some(6), "nsubj"));
        assert_eq!((a.head(3), a.dep(3)), (Some(5), "prep"));
    }

    #[test]
    fn every_layer_lines_up_with_the_words() {
        let d = doc(
            "Mr. Smith cut 45,000 jobs.\nThe U.S. firm earned £1.3bn.",
            &[("Smith", "PER"), ("U.S.", "LOC")],
        );
        let a = Analysis::new(&d);
        assert_eq!(a.sentences.len(), 2);
        let firm = a.word_starting_at(d.text.find("firm").unwrap()).unwrap();
        assert_eq!((a.word(firm), a.lower[firm - 5].as_ref()), ("firm", "the"));
        assert_eq!(a.sentence_of(firm).words.start, firm - 5);
        assert!(a.starts_sentence(firm - 5) && !a.starts_sentence(firm));
        assert_eq!(a.word(a.word_at(d.text.find("mith").unwrap())), "Smith");
        assert_eq!(a.word_starting_at(d.text.find("mith").unwrap()), None);
        assert_eq!(
            a.spaced_word_before(d.text.find("Smith").unwrap()),
            Some("Mr.")
        );
        assert_eq!(a.spaced_word_before(d.text.find("S.").unwrap()), None);
        let t = &a.numbers;
        let n = (0..t.len()).find(|&i| t.s(i) == "45,000").unwrap();
        assert_eq!(a.word(t.toks[n].word), "45");
        assert_eq!(
            t.sentence_of(n),
            (0, t.toks.iter().position(|k| k.start > 26).unwrap())
        );
    }
}
