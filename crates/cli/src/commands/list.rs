//! Options shared by the commands that read a list, and opening it with its mapping.

use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use sealpost_lists::{
    ColumnMapping, Country, ExplicitMapping, Format, ListReader, OpenOptions, ReadError,
    SheetChoice,
};

/// The list file and the options that override format, encoding, delimiter and heading
/// detection.
#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    /// The list: CSV or other delimited text, XLSX, XLSM, XLS, XLSB or ODS (detected from
    /// the content, not the file name), or `-` to read it from standard input (held in
    /// memory, up to 256 MiB).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// Sheet to read from a workbook: its name, or its position counting from 0
    /// (default: the first sheet with data).
    #[arg(long, value_name = "NAME|INDEX")]
    pub(crate) sheet: Option<String>,

    /// Text encoding of a CSV file, as a WHATWG label such as utf-8, utf-16le or
    /// windows-1252 (default: detected).
    #[arg(long, value_name = "LABEL")]
    pub(crate) encoding: Option<String>,

    /// Field delimiter of a CSV file: one ASCII punctuation character, or `tab`
    /// (default: detected among , ; tab and |).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub(crate) delimiter: Option<u8>,

    /// 1-based row that contains the column headings (default: detected, even below a
    /// title block).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) header_row: Option<u64>,

    /// Country for rows without one, as an ISO 3166 code or English name.
    #[arg(long, value_name = "CC", default_value = "GB", value_parser = parse_country)]
    pub(crate) default_country: Country,

    /// JSON file mapping headings to fields, such as {"Post Code": "postcode", "Notes":
    /// null}; headings it leaves out are mapped automatically.
    #[arg(long, value_name = "FILE")]
    pub(crate) mapping: Option<PathBuf>,
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "TAB" | "\\t" | "\t" => Ok(b'\t'),
        _ => match text.as_bytes() {
            [byte] if byte.is_ascii() && !byte.is_ascii_alphanumeric() && *byte != b'"' => {
                Ok(*byte)
            }
            _ => Err(format!(
                "expected one punctuation character such as , ; | or the word tab, got {text:?}"
            )),
        },
    }
}

fn parse_country(text: &str) -> Result<Country, String> {
    Country::lookup(text).ok_or_else(|| {
        format!("{text:?} is not a known country; use an ISO 3166 code such as GB or US")
    })
}

impl ListArgs {
    fn open_options(&self) -> OpenOptions {
        let sheet = self
            .sheet
            .as_ref()
            .map(|sheet| match sheet.parse::<usize>() {
                // NOTE: a sheet whose name is a number is read as a position; no syntax
                // selects it by name yet.
                Ok(position) => SheetChoice::Index(position),
                Err(_) => SheetChoice::Name(sheet.clone()),
            });
        OpenOptions {
            sheet,
            encoding: self.encoding.clone(),
            delimiter: self.delimiter,
            header_row: self.header_row,
            ..OpenOptions::default()
        }
    }

    /// Opens the list and maps its columns.
    ///
    /// Every error here means the file cannot be read at all (exit status 2).
    pub(crate) fn open(&self) -> Result<(ListReader, ColumnMapping)> {
        let options = self.open_options();
        let opened = if self.is_stdin() {
            let bytes = read_stdin(options.limits.max_spreadsheet_bytes)?;
            ListReader::from_bytes(bytes, &options)
        } else {
            ListReader::open(&self.file, &options)
        };
        let reader = match opened {
            Ok(reader) => reader,
            // The message is already "not found: PATH".
            Err(error @ ReadError::NotFound { .. }) => return Err(error.into()),
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", self.name()));
            }
        };
        let headers = &reader.info().headers;
        if reader.info().header_row.is_none() {
            bail!(
                "cannot read {}: no heading row was found; the list has no rows with content",
                self.name()
            );
        }
        let mapping = match &self.mapping {
            Some(path) => ExplicitMapping::load(path)?
                .apply(headers)
                .with_context(|| format!("cannot apply mapping {}", path.display()))?,
            None => ColumnMapping::automatic(headers),
        };
        Ok((reader, mapping))
    }
}

impl ListArgs {
    /// Returns whether the list is read from standard input (`-`).
    fn is_stdin(&self) -> bool {
        self.file.as_os_str() == "-"
    }

    /// Returns the list's name for messages: its path, or "standard input".
    pub(crate) fn name(&self) -> String {
        if self.is_stdin() {
            "standard input".to_owned()
        } else {
            self.file.display().to_string()
        }
    }

    /// Returns a note for each option given that does not apply to the list's format, so
    /// that text output can say it was ignored.
    pub(crate) fn ignored_options(&self, format: Format) -> Vec<String> {
        let mut notes = Vec::new();
        if format == Format::Csv {
            if self.sheet.is_some() {
                notes.push(format!(
                    "--sheet was ignored because {} is a text file, not a workbook",
                    self.name()
                ));
            }
        } else {
            let text_only = [
                ("--encoding", self.encoding.is_some()),
                ("--delimiter", self.delimiter.is_some()),
            ];
            for (option, given) in text_only {
                if given {
                    notes.push(format!(
                        "{option} was ignored because {} is a workbook ({format}), not a text file",
                        self.name()
                    ));
                }
            }
        }
        notes
    }
}

/// Reads standard input into memory, up to `max` bytes, because the reader needs to
/// read a list more than once (detection, preview) and a pipe cannot seek.
fn read_stdin(max: u64) -> Result<Vec<u8>> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        bail!(
            "FILE is -, but standard input is a terminal; pipe the list in, for example \
             `sealpost validate - < list.csv`"
        );
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(max + 1)
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    if bytes.len() as u64 > max {
        bail!(
            "cannot read standard input: it is over the limit of {max} bytes; save the list \
             to a file and pass its path"
        );
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_values() {
        assert_eq!(parse_delimiter(","), Ok(b','));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter("|"), Ok(b'|'));
        assert!(parse_delimiter("ab").is_err());
        assert!(parse_delimiter("a").is_err());
        assert!(parse_delimiter("\"").is_err());
        assert!(parse_delimiter("").is_err());
    }

    #[test]
    fn country_values() {
        assert_eq!(parse_country("us"), Ok(Country::US));
        assert_eq!(parse_country("United Kingdom"), Ok(Country::GB));
        assert!(parse_country("Atlantis").is_err());
    }
}
