//! Dependency trees, in two steps:
//!
//! 1. **Per window** (model stage, [`window_candidates`]): each word's row of arc scores is
//!    normalised (log-softmax) over the window's root (`[CLS]`, position 0) and its words'
//!    first sub-tokens; the word keeps its root score and its [`CANDIDATES`] best heads, each
//!    with the label that arc would take (`Σ_k dep[i, l, k] · head[h, l, k]`, best `l`). A few
//!    numbers a word, so a long document costs no window-sized matrices.
//! 2. **Per sentence** (rules stage, [`sentence_tree`]): first-order Eisner with one root: the
//!    best projective tree over the sentence's words whose root is a single word. The model
//!    was trained on windows holding several sentences, where the root takes several
//!    dependents; left to itself it breaks one sentence into fragments ("GM earned $3.7bn,
//!    while its revenue rose 4.5%" as two roots), which hides the subject of a clause from the
//!    rules. Heads outside the sentence and arcs not among a word's candidates score
//!    [`UNSCORED`], so a tree always exists.

use ndarray::{Array1, ArrayView2, ArrayView3, Axis};
use std::ops::Range;

/// Heads kept per word besides the root.
pub const CANDIDATES: usize = 6;

/// The log-probability given to an arc that is not among its word's candidates.
const UNSCORED: f32 = -30.0;

/// Longer sentences (lists, tables, text without stops) are decoded in pieces of this many
/// words, each with its own root: Eisner is cubic in the length.
pub const MAX_TREE_WORDS: usize = 120;

/// A word's scored heads: the root's log-probability and label, and up to [`CANDIDATES`]
/// other heads (word indices) with theirs, best first. Held inline: one a word of every
/// document in flight, and small heap blocks made on the model's thread and freed on the rules'
/// threads fragment the allocator's arenas (peak RSS 345 MB instead of 110 on 300 BBC
/// documents).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Candidates {
    pub root: f32,
    pub root_label: u16,
    len: u8,
    heads: [(u32, f32, u16); CANDIDATES],
}

impl Candidates {
    /// The heads as (word index, log-probability, label), best first.
    pub fn heads(&self) -> impl Iterator<Item = (usize, f32, u16)> + '_ {
        self.heads[..usize::from(self.len)]
            .iter()
            .map(|&(h, s, l)| (h as usize, s, l))
    }

    /// A word whose one candidate is `head` (`None`: the root) with label index `label`: a
    /// tree given outright, for the rules' tests.
    #[cfg(test)]
    pub fn given(head: Option<usize>, label: u16) -> Self {
        let mut heads = [(0, 0.0, 0); CANDIDATES];
        heads[0] = (head.unwrap_or(0) as u32, 0.0, label);
        Candidates {
            root: if head.is_none() { 0.0 } else { UNSCORED },
            root_label: label,
            len: u8::from(head.is_some()),
            heads,
        }
    }

    /// Moves every head `by` words on (window indices → document indices).
    pub fn shift(&mut self, by: usize) {
        for head in &mut self.heads[..usize::from(self.len)] {
            head.0 += by as u32;
        }
    }
}

/// The candidates of the window's words `dependents` (the ones the window is trusted for):
/// `positions[w]` is the row of word `w`'s first sub-token in the window (`[CLS]` is row 0),
/// every word of the window a possible head; `arcs` is the window's `[S, S]` arc scores
/// (`[i, j]`: `j` heads `i`), `label_dep`/`label_head` its `[S, L, K]` label factors. Heads
/// are indices into `positions`.
pub fn window_candidates(
    arcs: ArrayView2<f32>,
    label_dep: ArrayView3<f32>,
    label_head: ArrayView3<f32>,
    positions: &[usize],
    dependents: Range<usize>,
) -> Vec<Candidates> {
    let label = |dep_row: usize, head_row: usize| -> u16 {
        let dep = label_dep.index_axis(Axis(0), dep_row);
        let head = label_head.index_axis(Axis(0), head_row);
        let scores = Array1::from_iter((0..dep.nrows()).map(|l| dep.row(l).dot(&head.row(l))));
        crate::decode::argmax(scores.view()) as u16
    };
    let mut scores = vec![0.0; positions.len() + 1];
    dependents
        .map(|w| {
            let row = positions[w];
            let arc_row = arcs.row(row);
            scores[0] = arc_row[0];
            for (slot, &p) in scores[1..].iter_mut().zip(positions) {
                *slot = arc_row[p];
            }
            scores[w + 1] = f32::NEG_INFINITY;
            let n = scores.len();
            crate::decode::log_softmax_rows(&mut scores, n);
            let mut heads: Vec<(usize, f32)> = scores[1..]
                .iter()
                .enumerate()
                .filter(|&(h, _)| h != w)
                .map(|(h, &s)| (h, s))
                .collect();
            let keep = CANDIDATES.min(heads.len());
            if keep > 0 {
                heads.select_nth_unstable_by(keep - 1, |a, b| b.1.total_cmp(&a.1));
            }
            heads.truncate(keep);
            heads.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut c = Candidates {
                root: scores[0],
                root_label: label(row, 0),
                len: keep as u8,
                heads: [(0, 0.0, 0); CANDIDATES],
            };
            for (slot, (h, s)) in c.heads.iter_mut().zip(heads) {
                *slot = (h as u32, s, label(row, positions[h]));
            }
            c
        })
        .collect()
}

/// The tree over the words `first..first + candidates.len()` of a sentence: per word, its head
/// (a word index; `None` for the root) and label index.
pub fn sentence_tree(first: usize, candidates: &[Candidates]) -> Vec<(Option<usize>, u16)> {
    let mut tree = Vec::with_capacity(candidates.len());
    for (piece, chunk) in candidates.chunks(MAX_TREE_WORDS).enumerate() {
        let from = first + piece * MAX_TREE_WORDS;
        let heads = single_root_eisner(&scores(from, chunk));
        tree.extend(heads.iter().zip(chunk).map(|(&head, c)| match head {
            None => (None, c.root_label),
            Some(h) => {
                let h = from + h;
                let label = c
                    .heads()
                    .find(|&(ch, _, _)| ch == h)
                    .map_or(c.root_label, |(_, _, l)| l);
                (Some(h), label)
            }
        }));
    }
    tree
}

/// `(n + 1)²` arc scores, `[d * (n + 1) + h]`: node `h` heads node `d`, node 0 the root, node
/// `w + 1` the piece's word `w` (document word `from + w`).
fn scores(from: usize, candidates: &[Candidates]) -> Vec<f32> {
    let m = candidates.len() + 1;
    let mut scores = vec![UNSCORED; m * m];
    for (w, c) in candidates.iter().enumerate() {
        let row = &mut scores[(w + 1) * m..(w + 2) * m];
        row[0] = c.root;
        for (h, s, _) in c.heads() {
            if let Some(local) = h.checked_sub(from).filter(|&l| l < m - 1) {
                row[local + 1] = s;
            }
        }
        row[w + 1] = f32::NEG_INFINITY;
    }
    scores
}

/// The best projective tree with exactly one word under the root: Eisner's spans over the
/// words alone, then the best root `r` joining the complete span headed at `r` from the left
/// end with the one headed at `r` to the right end. Returns each word's head (a word index,
/// `None` for the root). `scores` as [`scores`] builds them.
fn single_root_eisner(scores: &[f32]) -> Vec<Option<usize>> {
    let m = (scores.len() as f64).sqrt() as usize;
    let k = m - 1;
    if k == 0 {
        return Vec::new();
    }
    // Local word indices 0..k; word i is node i + 1 in `scores`.
    let score = |head: usize, dep: usize| scores[(dep + 1) * m + head + 1];
    let at = |s: usize, t: usize, dir: usize| (s * k + t) * 2 + dir;
    let mut complete = vec![f32::NEG_INFINITY; k * k * 2];
    let mut incomplete = vec![f32::NEG_INFINITY; k * k * 2];
    let mut complete_split = vec![0usize; k * k * 2];
    let mut incomplete_split = vec![0usize; k * k];
    for s in 0..k {
        complete[at(s, s, 0)] = 0.0;
        complete[at(s, s, 1)] = 0.0;
    }
    // dir 0: the span is headed at its right end `t`; dir 1: at its left end `s`.
    for width in 1..k {
        for s in 0..k - width {
            let t = s + width;
            let (split, best) = (s..t)
                .map(|r| (r, complete[at(s, r, 1)] + complete[at(r + 1, t, 0)]))
                .fold((s, f32::NEG_INFINITY), max_by_score);
            incomplete_split[s * k + t] = split;
            incomplete[at(s, t, 0)] = best + score(t, s);
            incomplete[at(s, t, 1)] = best + score(s, t);
            let (split, best) = (s..t)
                .map(|r| (r, complete[at(s, r, 0)] + incomplete[at(r, t, 0)]))
                .fold((s, f32::NEG_INFINITY), max_by_score);
            complete[at(s, t, 0)] = best;
            complete_split[at(s, t, 0)] = split;
            let (split, best) = (s + 1..=t)
                .map(|r| (r, incomplete[at(s, r, 1)] + complete[at(r, t, 1)]))
                .fold((s + 1, f32::NEG_INFINITY), max_by_score);
            complete[at(s, t, 1)] = best;
            complete_split[at(s, t, 1)] = split;
        }
    }
    let (root, _) = (0..k)
        .map(|r| {
            let root_score = scores[(r + 1) * m];
            (
                r,
                complete[at(0, r, 0)] + complete[at(r, k - 1, 1)] + root_score,
            )
        })
        .fold((0, f32::NEG_INFINITY), max_by_score);
    let mut heads = vec![None; k];
    let mut stack = vec![(0, root, 0, true), (root, k - 1, 1, true)];
    while let Some((s, t, dir, is_complete)) = stack.pop() {
        if s == t {
            continue;
        }
        if is_complete {
            let r = complete_split[at(s, t, dir)];
            if dir == 0 {
                stack.extend([(s, r, 0, true), (r, t, 0, false)]);
            } else {
                stack.extend([(s, r, 1, false), (r, t, 1, true)]);
            }
        } else {
            let r = incomplete_split[s * k + t];
            let (head, dep) = if dir == 0 { (t, s) } else { (s, t) };
            heads[dep] = Some(head);
            stack.extend([(s, r, 1, true), (r + 1, t, 0, true)]);
        }
    }
    heads
}

fn max_by_score(best: (usize, f32), next: (usize, f32)) -> (usize, f32) {
    if next.1 > best.1 {
        next
    } else {
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, Array3};

    /// Arc scores over `[CLS]` + `n` one-token words from `(dependent, head, score)` triples
    /// (nodes: 0 root, w + 1 word w); everything else scores 0.
    fn arcs(n: usize, wanted: &[(usize, usize, f32)]) -> Array2<f32> {
        let mut a = Array2::zeros((n + 1, n + 1));
        for &(d, h, s) in wanted {
            a[[d, h]] = s;
        }
        a
    }

    fn candidates(a: &Array2<f32>) -> Vec<Candidates> {
        let n = a.nrows() - 1;
        let positions: Vec<usize> = (1..=n).collect();
        let factors = Array3::zeros((n + 1, 1, 1));
        window_candidates(a.view(), factors.view(), factors.view(), &positions, 0..n)
    }

    fn heads(a: &Array2<f32>) -> Vec<Option<usize>> {
        sentence_tree(0, &candidates(a))
            .iter()
            .map(|&(h, _)| h)
            .collect()
    }

    #[test]
    fn best_arcs_that_form_a_tree_are_the_tree() {
        // "Tate died": Tate ← died ← root.
        let a = arcs(2, &[(1, 2, 9.0), (2, 0, 9.0)]);
        assert_eq!(heads(&a), [Some(1), None]);
    }

    #[test]
    fn a_cycle_is_broken_into_the_best_tree() {
        // Words 0 and 1 each prefer the other; the root's second choice wins for word 1.
        let a = arcs(2, &[(1, 2, 9.0), (2, 1, 9.0), (2, 0, 5.0)]);
        assert_eq!(heads(&a), [Some(1), None]);
    }

    #[test]
    fn one_root_a_sentence() {
        // "GM earned , while revenue rose": both verbs prefer the root; the weaker root's
        // second choice (the first verb) makes one tree.
        let a = arcs(
            5,
            &[
                (1, 2, 9.0),
                (2, 0, 9.0),
                (3, 5, 9.0),
                (4, 5, 9.0),
                (5, 0, 6.0),
                (5, 2, 5.0),
            ],
        );
        assert_eq!(heads(&a), [Some(1), None, Some(4), Some(4), Some(1)]);
    }

    #[test]
    fn crossing_arcs_become_a_projective_tree() {
        // 1→3 and 2→4 cross; the tree keeps the stronger and re-heads the weaker.
        let a = arcs(
            4,
            &[
                (1, 3, 9.0),
                (2, 4, 5.0),
                (3, 0, 9.0),
                (4, 3, 9.0),
                (2, 3, 4.0),
            ],
        );
        assert_eq!(heads(&a), [Some(2), Some(2), None, Some(2)]);
    }

    #[test]
    fn heads_outside_the_sentence_are_not_taken() {
        // Word 0 of the sentence (document word 5) prefers document word 2, before the
        // sentence: it goes to its best head inside.
        let candidates = |root: f32, heads: &[(u32, f32, u16)]| {
            let mut c = Candidates {
                root,
                len: heads.len() as u8,
                ..Default::default()
            };
            c.heads[..heads.len()].copy_from_slice(heads);
            c
        };
        let c = [
            candidates(-5.0, &[(2, -0.1, 1), (6, -3.0, 2)]),
            candidates(-0.1, &[(5, -3.0, 3)]),
        ];
        assert_eq!(sentence_tree(5, &c), [(Some(6), 2), (None, 0)]);
    }

    #[test]
    fn labels_come_from_the_arc_chosen() {
        // One label factor: label 1 when the head is the root, label 0 otherwise.
        let a = arcs(2, &[(1, 2, 9.0), (2, 0, 9.0)]);
        let mut dep = Array3::zeros((3, 2, 1));
        let mut head = Array3::zeros((3, 2, 1));
        dep.fill(1.0);
        head[[0, 1, 0]] = 1.0; // the root favours label 1
        head[[2, 0, 0]] = 1.0; // word 1 as a head favours label 0
        let c = window_candidates(a.view(), dep.view(), head.view(), &[1, 2], 0..2);
        assert_eq!(sentence_tree(0, &c), [(Some(1), 0), (None, 1)]);
    }

    #[test]
    fn long_sentences_are_decoded_in_pieces() {
        let n = MAX_TREE_WORDS + 5;
        let chain: Vec<_> = (1..n)
            .map(|d| (d, d + 1, 5.0))
            .chain([(n, 0, 5.0)])
            .collect();
        let tree = heads(&arcs(n, &chain));
        assert_eq!(tree.len(), n);
        assert_eq!(tree.iter().filter(|h| h.is_none()).count(), 2);
    }
}
