//! Apache Parquet, one row per record: the record's fields as columns, entities, roles, facts
//! and errors as lists of structs (docs/CONVERT.md has the schema). A fact's value is two
//! columns, `value` (a number) and `value_date` (an ISO date string), since a column has one
//! type; `meta` is a JSON string, its keys differing from record to record.
//!
//! Columns are built straight from the records with arrow-array (arrow-json would do it
//! through serde, at about half the crates' build time again).

use super::RecordWriter;
use crate::record::{Entity, Fact, FactValue, Mention, Record};
use anyhow::{Context, Result};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, Float64Array, Int64Array, ListArray, RecordBatch,
    StringArray, StructArray,
};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields, Schema};
use parquet::arrow::ArrowWriter;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Records a row group holds: bounded memory on a corpus of any size.
const ROWS_PER_GROUP: usize = 1024;

pub struct ParquetWriter {
    writer: ArrowWriter<File>,
    pending: Vec<Record>,
}

impl ParquetWriter {
    pub fn new(path: &Path) -> Result<Self> {
        let file =
            File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
        let writer = ArrowWriter::try_new(file, batch(&[])?.schema(), None)?;
        Ok(ParquetWriter {
            writer,
            pending: Vec::new(),
        })
    }

    fn write_pending(&mut self) -> Result<()> {
        if !self.pending.is_empty() {
            self.writer
                .write(&batch(&self.pending)?)
                .context("cannot write Parquet")?;
            // Closes the row group: memory stays bounded whatever the corpus size.
            self.writer.flush().context("cannot write Parquet")?;
            self.pending.clear();
        }
        Ok(())
    }
}

impl RecordWriter for ParquetWriter {
    fn write(&mut self, record: &Record) -> Result<()> {
        self.pending.push(record.clone());
        if self.pending.len() == ROWS_PER_GROUP {
            self.write_pending()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.write_pending()?;
        self.writer.close().context("cannot write Parquet")?;
        Ok(())
    }
}

type Column = (Field, ArrayRef);

fn text<'a>(name: &str, values: impl Iterator<Item = &'a str>) -> Column {
    let array = StringArray::from_iter_values(values);
    (Field::new(name, DataType::Utf8, false), Arc::new(array))
}

fn optional_text<'a>(name: &str, values: impl Iterator<Item = Option<&'a str>>) -> Column {
    let array = StringArray::from_iter(values);
    (Field::new(name, DataType::Utf8, true), Arc::new(array))
}

fn offset(name: &str, values: impl Iterator<Item = usize>) -> Column {
    let array = Int64Array::from_iter_values(values.map(|v| v as i64));
    (Field::new(name, DataType::Int64, false), Arc::new(array))
}

fn flag(name: &str, values: impl Iterator<Item = bool>) -> Column {
    let array = BooleanArray::from_iter(values.map(Some));
    (Field::new(name, DataType::Boolean, false), Arc::new(array))
}

fn optional_number(name: &str, values: impl Iterator<Item = Option<f64>>) -> Column {
    let array = Float64Array::from_iter(values);
    (Field::new(name, DataType::Float64, true), Arc::new(array))
}

/// A list column: `lengths[i]` consecutive structs of `items` for row `i`.
fn list(
    name: &str,
    items: Vec<Column>,
    count: usize,
    lengths: impl Iterator<Item = usize>,
) -> Result<Column> {
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = items.into_iter().unzip();
    let values = StructArray::try_new_with_length(Fields::from(fields), arrays, None, count)?;
    let item = Arc::new(Field::new("item", values.data_type().clone(), false));
    let array = ListArray::try_new(
        item,
        OffsetBuffer::from_lengths(lengths),
        Arc::new(values),
        None,
    )?;
    Ok((
        Field::new(name, array.data_type().clone(), false),
        Arc::new(array),
    ))
}

/// The rows of `records`; its schema is the file's.
fn batch(records: &[Record]) -> Result<RecordBatch> {
    let entities: Vec<&Entity> = records.iter().flat_map(|r| &r.entities).collect();
    let mentions: Vec<&Mention> = entities.iter().flat_map(|e| &e.mentions).collect();
    // Four decimals, as records write scores.
    let scores = mentions
        .iter()
        .map(|m| ((f64::from(m.score) * 1e4).round() / 1e4) as f32);
    let mention_columns = vec![
        offset("start", mentions.iter().map(|m| m.start)),
        offset("end", mentions.iter().map(|m| m.end)),
        text("text", mentions.iter().map(|m| m.text.as_str())),
        (
            Field::new("score", DataType::Float32, false),
            Arc::new(Float32Array::from_iter_values(scores)),
        ),
    ];
    let entity_columns = vec![
        text("id", entities.iter().map(|e| e.id.as_str())),
        text("label", entities.iter().map(|e| e.label.as_str())),
        text("name", entities.iter().map(|e| e.name.as_str())),
        list(
            "mentions",
            mention_columns,
            mentions.len(),
            entities.iter().map(|e| e.mentions.len()),
        )?,
    ];
    let roles: Vec<_> = records.iter().flat_map(|r| &r.roles).collect();
    let role_columns = vec![
        text("person", roles.iter().map(|r| r.person.as_str())),
        text("title", roles.iter().map(|r| r.title.as_str())),
        optional_text("org", roles.iter().map(|r| r.org.as_deref())),
        flag("former", roles.iter().map(|r| r.former)),
        offset("start", roles.iter().map(|r| r.start)),
        offset("end", roles.iter().map(|r| r.end)),
        text("text", roles.iter().map(|r| r.text.as_str())),
        optional_text("rule", roles.iter().map(|r| r.rule.as_deref())),
    ];
    let facts: Vec<&Fact> = records.iter().flat_map(|r| &r.facts).collect();
    let fact_columns = vec![
        text("kind", facts.iter().map(|f| f.kind.as_str())),
        optional_number(
            "value",
            facts.iter().map(|f| match f.value {
                Some(FactValue::Number(n)) => Some(n),
                _ => None,
            }),
        ),
        optional_text(
            "value_date",
            facts.iter().map(|f| match &f.value {
                Some(FactValue::Date(d)) => Some(d.as_str()),
                _ => None,
            }),
        ),
        text("approx", facts.iter().map(|f| f.approx.as_str())),
        optional_number("from", facts.iter().map(|f| f.from)),
        optional_text("unit", facts.iter().map(|f| f.unit.as_deref())),
        optional_text("predicate", facts.iter().map(|f| f.predicate.as_deref())),
        optional_text("entity", facts.iter().map(|f| f.entity.as_deref())),
        flag("vague", facts.iter().map(|f| f.vague)),
        offset("start", facts.iter().map(|f| f.start)),
        offset("end", facts.iter().map(|f| f.end)),
        text("text", facts.iter().map(|f| f.text.as_str())),
        optional_text("rule", facts.iter().map(|f| f.rule.as_deref())),
        optional_text(
            "entity_rule",
            facts.iter().map(|f| f.entity_rule.as_deref()),
        ),
        optional_text("reading", facts.iter().map(|f| f.reading.as_deref())),
    ];
    let errors: Vec<_> = records.iter().flat_map(|r| &r.errors).collect();
    let lines = errors.iter().map(|e| e.line.map(|l| l as i64));
    let error_columns = vec![
        text("stage", errors.iter().map(|e| e.stage.as_str())),
        text("message", errors.iter().map(|e| e.message.as_str())),
        optional_text("file", errors.iter().map(|e| e.file.as_deref())),
        (
            Field::new("line", DataType::Int64, true),
            Arc::new(Int64Array::from_iter(lines)),
        ),
    ];
    let meta: Vec<String> = records
        .iter()
        .map(|r| serde_json::Value::Object(r.meta.clone()).to_string())
        .collect();
    let columns = vec![
        text("id", records.iter().map(|r| r.id.as_str())),
        optional_text("date", records.iter().map(|r| r.date.as_deref())),
        text("text", records.iter().map(|r| r.text.as_str())),
        text("meta", meta.iter().map(String::as_str)),
        list(
            "entities",
            entity_columns,
            entities.len(),
            records.iter().map(|r| r.entities.len()),
        )?,
        list(
            "roles",
            role_columns,
            roles.len(),
            records.iter().map(|r| r.roles.len()),
        )?,
        list(
            "facts",
            fact_columns,
            facts.len(),
            records.iter().map(|r| r.facts.len()),
        )?,
        list(
            "errors",
            error_columns,
            errors.len(),
            records.iter().map(|r| r.errors.len()),
        )?,
    ];
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns.into_iter().unzip();
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}
