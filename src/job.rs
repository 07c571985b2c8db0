//! Output files a killed run can resume: what a run with `-o OUT` keeps beside OUT
//! (`OUT.factx-run.json`, the run's identity), and how `--resume` continues OUT.
//!
//! Records come out in input order and each depends on its document alone, so the complete
//! lines of OUT are exactly the first documents of the run: a resumed run cuts a torn last line,
//! skips that many documents and appends the rest, and OUT ends byte-identical to an
//! uninterrupted run's however often it was killed.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What makes two runs the same run: a resumed run must match the one that wrote OUT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunIdentity {
    pub factx: String,
    /// The inputs as given on the command line.
    pub inputs: Vec<String>,
    /// Their total size in bytes, when they are files (not stdin).
    pub input_bytes: Option<u64>,
    pub model: String,
    /// FNV-1a hash of the model's weights file: another model under the same path differs.
    pub weights: String,
    pub backend: String,
    pub settings: String,
}

/// The file beside `out` that holds its run's identity.
pub fn identity_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".factx-run.json");
    PathBuf::from(name)
}

pub fn write_identity(out: &Path, identity: &RunIdentity) -> Result<()> {
    let path = identity_path(out);
    let json = serde_json::to_string_pretty(identity)?;
    std::fs::write(&path, json + "\n").with_context(|| format!("{}: cannot write", path.display()))
}

/// Prepares OUT for a resumed run: checks that the run that wrote it is this one, cuts a torn
/// last line, and returns how many records OUT holds complete (0 when OUT does not exist yet:
/// the run starts from the beginning).
pub fn resume(out: &Path, identity: &RunIdentity) -> Result<usize> {
    if !out.exists() {
        return Ok(0);
    }
    let path = identity_path(out);
    let written: RunIdentity = std::fs::read_to_string(&path)
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .with_context(|| {
            format!(
                "cannot resume {}: {} is missing or unreadable, so what wrote it is unknown",
                out.display(),
                path.display()
            )
        })?;
    if written != *identity {
        bail!(
            "cannot resume {}: it was written by another run ({}), not by this one ({})",
            out.display(),
            differences(&written, identity),
            path.display()
        );
    }
    // Read in blocks: OUT may be far larger than memory.
    let (mut lines, mut complete, mut length) = (0usize, 0u64, 0u64);
    let mut file =
        std::fs::File::open(out).with_context(|| format!("{}: cannot read", out.display()))?;
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut block)
            .with_context(|| format!("{}: cannot read", out.display()))?;
        if n == 0 {
            break;
        }
        for (i, _) in block[..n].iter().enumerate().filter(|(_, &b)| b == b'\n') {
            lines += 1;
            complete = length + i as u64 + 1;
        }
        length += n as u64;
    }
    if complete < length {
        std::fs::OpenOptions::new()
            .write(true)
            .open(out)
            .and_then(|f| f.set_len(complete))
            .with_context(|| format!("{}: cannot cut its torn last line", out.display()))?;
    }
    Ok(lines)
}

fn differences(a: &RunIdentity, b: &RunIdentity) -> String {
    let (a, b) = (
        serde_json::to_value(a).expect("serialisable"),
        serde_json::to_value(b).expect("serialisable"),
    );
    let fields = a.as_object().expect("a struct").keys();
    let differing: Vec<String> = fields
        .filter(|k| a[k.as_str()] != b[k.as_str()])
        .map(|k| format!("{k} {} there, {} now", a[k.as_str()], b[k.as_str()]))
        .collect();
    differing.join("; ")
}

/// FNV-1a, 64 bits, of a file's bytes, in hex: stable across builds, unlike std's hasher.
pub fn file_hash(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    Ok(format!("{hash:016x}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(model: &str) -> RunIdentity {
        RunIdentity {
            factx: "0.1.0".into(),
            inputs: vec!["corpus/".into()],
            input_bytes: Some(1234),
            model: model.into(),
            weights: "00ff".into(),
            backend: "onnx".into(),
            settings: "".into(),
        }
    }

    #[test]
    fn a_torn_line_is_cut_and_complete_records_counted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl");
        assert_eq!(resume(&out, &identity("m")).unwrap(), 0);
        std::fs::write(&out, "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":").unwrap();
        write_identity(&out, &identity("m")).unwrap();
        assert_eq!(resume(&out, &identity("m")).unwrap(), 2);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "{\"id\":\"1\"}\n{\"id\":\"2\"}\n"
        );
        let e = resume(&out, &identity("other")).unwrap_err().to_string();
        assert!(e.contains("model \"m\" there, \"other\" now"), "{e}");
        std::fs::remove_file(identity_path(&out)).unwrap();
        let e = resume(&out, &identity("m")).unwrap_err().to_string();
        assert!(e.contains("missing or unreadable"), "{e}");
    }

    #[test]
    fn file_hash_is_fnv1a() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "a").unwrap();
        // FNV-1a 64 of "a", the published test vector.
        assert_eq!(file_hash(&path).unwrap(), "af63dc4c8601ec8c");
    }
}
