//! References back to a named company: "it", "its profits", "the firm", "The US giant". Facts
//! ("The US giant earned $630m") and roles ("Its chief executive, Terry Leahy") resolve them
//! alike, to the organisation whose name opens the sentence or one of the two before it.

use super::analysis::Analysis;
use super::labels::Label;
use super::lexicon;
use super::{Entity, EntityId};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Nouns by which news refers back to a company it has named (`data/company_nouns.tsv`).
pub static COMPANY_NOUNS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("company_nouns.tsv")));

/// Whether another organisation or place named before a reference in its sentence may be the
/// one meant. A title's "its" is as often the last of a list of objects ("AMF has begun
/// proceedings against Vivendi, its chief executive ...") as the subject's (on the BBC corpus,
/// 5 of 16 such roles went to the wrong organisation without this); an amount's "its" is
/// mostly the subject's ("Strong sales outside western Europe helped Renault boost its
/// profits"), where blocking lost more right ties than wrong ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nearer {
    Blocks,
    Ignored,
}

/// Every mention's start (a byte offset), entity and label, in text order: what a reference is
/// resolved against, built once per document (by `rules::annotate`, for roles and facts alike)
/// so that each lookup is a binary search. Entities added later have no mentions (inferred
/// countries), so it stays whole.
pub struct Named {
    starts: Vec<(usize, EntityId, Label)>,
}

impl Named {
    pub fn new(entities: &[Entity]) -> Self {
        let mut starts: Vec<_> = entities
            .iter()
            .flat_map(|e| e.mentions.iter().map(move |m| (m.start, e.id, e.label)))
            .collect();
        starts.sort_by_key(|&(start, _, _)| start);
        Named { starts }
    }

    /// The mentions starting in bytes `from..to`, in text order.
    fn starting_in(&self, from: usize, to: usize) -> &[(usize, EntityId, Label)] {
        let start = self.starts.partition_point(|&(s, _, _)| s < from);
        let end = self.starts.partition_point(|&(s, _, _)| s < to);
        &self.starts[start..end.max(start)]
    }

    /// The organisation a reference at byte `at` stands for, where the text makes it clear:
    /// the one whose name opens the sentence holding `at` (before `at`: its subject, or its
    /// subject's owner, "BP's share price", "BP chief executive Lord Browne": within its first
    /// three words as written), else the nearest of the two sentences before it that opens with a name; a
    /// sentence opening with another name (a person's) refers to nothing. With
    /// [`Nearer::Blocks`], the sentence holding the reference must name no other organisation
    /// or place before it.
    pub fn opening_organisation(
        &self,
        a: &Analysis,
        at: usize,
        nearer: Nearer,
    ) -> Option<EntityId> {
        let words = &a.doc.words;
        let last_word = words.len().checked_sub(1)?;
        let holding = a.sentence_index(a.word_at(at).min(last_word));
        for (back, s) in a.sentences[..=holding].iter().rev().take(3).enumerate() {
            let named = self.starting_in(s.start, at.min(s.end));
            // Words as written: "Privately-held Falic Group" opens with one word, not three.
            let fourth_word = s
                .words
                .clone()
                .filter(|&w| w == s.words.start || !a.glued(w - 1))
                .nth(3)
                .map_or(s.end, |w| words[w].start);
            let opening = named.first().filter(|&&(start, _, _)| start < fourth_word);
            if back == 0 && nearer == Nearer::Blocks {
                let subject = opening.map(|&(_, id, _)| id);
                let others = named.iter().any(|&(_, id, label)| {
                    matches!(label, Label::Organisation | Label::Place) && subject != Some(id)
                });
                if others {
                    return None;
                }
            }
            if let Some(&(_, subject, label)) = opening {
                return (label == Label::Organisation).then_some(subject);
            }
        }
        None
    }
}
