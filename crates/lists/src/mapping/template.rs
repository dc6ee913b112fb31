//! Named mapping templates, saved together in one JSON file and matched to a list by its
//! exact sequence of normalised headings.

use std::collections::BTreeMap;
use std::path::Path;

use super::{ColumnMapping, MappingError};
use crate::Field;

/// One saved mapping: the normalised headings it was made for and their fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct MappingTemplate {
    /// Normalised headings, in column order.
    pub headings: Vec<String>,
    /// One field per heading, `null` for a custom merge field.
    pub fields: Vec<Option<Field>>,
}

/// A set of templates keyed by name, stored as one JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct TemplateStore {
    templates: BTreeMap<String, MappingTemplate>,
}

impl TemplateStore {
    /// Reads a store from `path`; a missing file is an empty store.
    pub fn load(path: &Path) -> Result<Self, MappingError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(source) => {
                return Err(MappingError::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        serde_json::from_str(&text).map_err(|source| MappingError::Json {
            path: path.to_owned(),
            source,
        })
    }

    /// Writes the store to `path`, replacing it through a rename so that a crash leaves
    /// either the old or the new file.
    pub fn save(&self, path: &Path) -> Result<(), MappingError> {
        let io_error = |source| MappingError::Io {
            path: path.to_owned(),
            source,
        };
        let text = serde_json::to_string_pretty(self).map_err(|source| MappingError::Json {
            path: path.to_owned(),
            source,
        })?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        std::fs::write(&temporary, text).map_err(io_error)?;
        std::fs::rename(&temporary, path).map_err(io_error)
    }

    /// Saves `mapping` under `name`, replacing any template of that name.
    pub fn insert(&mut self, name: impl Into<String>, mapping: &ColumnMapping) {
        let template = MappingTemplate {
            headings: mapping.normalised_headings(),
            fields: mapping
                .columns()
                .iter()
                .map(|column| column.field)
                .collect(),
        };
        self.templates.insert(name.into(), template);
    }

    /// Removes the template called `name`, returning it if there was one.
    pub fn remove(&mut self, name: &str) -> Option<MappingTemplate> {
        self.templates.remove(name)
    }

    /// Returns the template called `name`.
    pub fn get(&self, name: &str) -> Option<&MappingTemplate> {
        self.templates.get(name)
    }

    /// Iterates over the templates by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &MappingTemplate)> {
        self.templates
            .iter()
            .map(|(name, template)| (name.as_str(), template))
    }

    /// Finds the template made for exactly these headings (after normalisation) and
    /// returns its name and the mapping it gives them.
    pub fn find<S: AsRef<str>>(
        &self,
        headers: &[S],
    ) -> Result<Option<(&str, ColumnMapping)>, MappingError> {
        let normalised: Vec<String> = headers
            .iter()
            .map(|header| super::normalise_heading(header.as_ref()))
            .collect();
        let Some((name, template)) = self
            .templates
            .iter()
            .find(|(_, template)| template.headings == normalised)
        else {
            return Ok(None);
        };
        if template.fields.len() != template.headings.len() {
            return Err(MappingError::TemplateMismatch {
                name: name.clone(),
                headings: template.headings.len(),
                fields: template.fields.len(),
            });
        }
        let mapping = ColumnMapping::from_fields(headers, &template.fields)?;
        Ok(Some((name.as_str(), mapping)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_round_trips_through_file() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("templates.json");
        let headers = [
            "Forename",
            "Surname",
            "Street",
            "Town",
            "Post Code",
            "Notes",
        ];
        let mut mapping_fields: Vec<Option<Field>> = ColumnMapping::automatic(&headers)
            .columns()
            .iter()
            .map(|c| c.field)
            .collect();
        mapping_fields[5] = Some(Field::RefId);
        let mapping = ColumnMapping::from_fields(&headers, &mapping_fields).unwrap();

        let mut store = TemplateStore::load(&path).unwrap();
        store.insert("crm export", &mapping);
        store.save(&path).unwrap();

        let loaded = TemplateStore::load(&path).unwrap();
        assert_eq!(loaded, store);
        let spelled_differently = ["forename", "SURNAME", "street", "town", "postcode", "notes"];
        let (name, found) = loaded.find(&spelled_differently).unwrap().unwrap();
        assert_eq!(name, "crm export");
        assert_eq!(found.field(5), Some(Field::RefId));
        assert_eq!(found.columns()[1].header, "SURNAME");
    }

    #[test]
    fn template_needs_exact_headings() {
        let headers = ["Name", "Address1", "City"];
        let mut store = TemplateStore::default();
        store.insert("short", &ColumnMapping::automatic(&headers));
        assert!(store.find(&["Name", "Address1"]).unwrap().is_none());
        assert!(
            store
                .find(&["Name", "Address1", "City", "Zip"])
                .unwrap()
                .is_none()
        );
        assert!(store.find(&headers).unwrap().is_some());
    }

    #[test]
    fn broken_template_file_is_reported() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("templates.json");
        std::fs::write(
            &path,
            "{\"x\": {\"headings\": [\"a\"], \"fields\": [\"nope\"]}}",
        )
        .unwrap();
        let error = TemplateStore::load(&path).unwrap_err();
        assert!(matches!(error, MappingError::Json { .. }));
    }
}
