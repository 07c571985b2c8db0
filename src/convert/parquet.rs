//! Apache Parquet, one row per record: the record's fields as columns, entities, roles, facts
//! and errors as lists of structs (the schema below; docs/CONVERT.md). A fact's value is two
//! columns, `value` (a number) and `value_date` (an ISO date string), since a column has one
//! type; `meta` is a JSON string, its keys differing from record to record.

use super::RecordWriter;
use crate::record::{FactValue, Record};
use anyhow::{Context, Result};
use arrow_json::reader::Decoder;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use serde_json::Value;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Records a row group holds: bounded memory on a corpus of any size.
const ROWS_PER_GROUP: usize = 1024;

pub struct ParquetWriter {
    decoder: Decoder,
    writer: ArrowWriter<File>,
    pending: usize,
}

fn list_of(fields: Vec<Field>) -> DataType {
    DataType::List(Arc::new(Field::new(
        "item",
        DataType::Struct(Fields::from(fields)),
        false,
    )))
}

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}

fn optional_text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn offset(name: &str) -> Field {
    Field::new(name, DataType::Int64, false)
}

pub fn schema() -> SchemaRef {
    let mention = vec![
        offset("start"),
        offset("end"),
        text("text"),
        Field::new("score", DataType::Float32, false),
    ];
    let entity = vec![
        text("id"),
        text("label"),
        text("name"),
        Field::new("mentions", list_of(mention), false),
    ];
    let role = vec![
        text("person"),
        text("title"),
        optional_text("org"),
        Field::new("former", DataType::Boolean, false),
        offset("start"),
        offset("end"),
        text("text"),
        optional_text("rule"),
    ];
    let fact = vec![
        text("kind"),
        Field::new("value", DataType::Float64, true),
        optional_text("value_date"),
        text("approx"),
        Field::new("from", DataType::Float64, true),
        optional_text("unit"),
        optional_text("predicate"),
        optional_text("entity"),
        Field::new("vague", DataType::Boolean, false),
        offset("start"),
        offset("end"),
        text("text"),
        optional_text("rule"),
        optional_text("entity_rule"),
    ];
    let error = vec![
        text("stage"),
        text("message"),
        optional_text("file"),
        Field::new("line", DataType::Int64, true),
    ];
    Arc::new(Schema::new(vec![
        text("id"),
        optional_text("date"),
        text("text"),
        text("meta"),
        Field::new("entities", list_of(entity), false),
        Field::new("roles", list_of(role), false),
        Field::new("facts", list_of(fact), false),
        Field::new("errors", list_of(error), false),
    ]))
}

impl ParquetWriter {
    pub fn new(path: &Path) -> Result<Self> {
        let schema = schema();
        let file =
            File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
        let decoder = arrow_json::ReaderBuilder::new(schema.clone())
            .with_batch_size(ROWS_PER_GROUP)
            .build_decoder()?;
        let writer = ArrowWriter::try_new(file, schema, None)?;
        Ok(ParquetWriter {
            decoder,
            writer,
            pending: 0,
        })
    }

    fn write_pending(&mut self) -> Result<()> {
        if let Some(batch) = self.decoder.flush()? {
            self.writer.write(&batch).context("cannot write Parquet")?;
            // Closes the row group: memory stays bounded whatever the corpus size.
            self.writer.flush().context("cannot write Parquet")?;
        }
        self.pending = 0;
        Ok(())
    }
}

/// The record as a row of the schema: `meta` as JSON text, each fact's value in the column of
/// its type, `former` and `vague` always present.
fn row(record: &Record) -> Result<Value> {
    let mut row = serde_json::to_value(record)?;
    row["meta"] = Value::String(Value::Object(record.meta.clone()).to_string());
    if let Some(roles) = row["roles"].as_array_mut() {
        for (role, from) in roles.iter_mut().zip(&record.roles) {
            role["former"] = Value::Bool(from.former);
        }
    }
    if let Some(facts) = row["facts"].as_array_mut() {
        for (fact, from) in facts.iter_mut().zip(&record.facts) {
            fact["vague"] = Value::Bool(from.vague);
            if let Some(FactValue::Date(date)) = &from.value {
                fact["value"] = Value::Null;
                fact["value_date"] = Value::String(date.clone());
            }
        }
    }
    Ok(row)
}

impl RecordWriter for ParquetWriter {
    fn write(&mut self, record: &Record) -> Result<()> {
        self.decoder
            .serialize(&[row(record)?])
            .with_context(|| format!("record {:?}: cannot convert to Arrow", record.id))?;
        self.pending += 1;
        if self.pending == ROWS_PER_GROUP {
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
