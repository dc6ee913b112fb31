//! Column mapping and templates.

use std::sync::Arc;

use sealpost_lists::ColumnMapping;
use tauri::State;

use crate::lists::{ListStore, fields};
use crate::state::{ConfigStore, IdleClock};
use crate::types::{
    AppError, AppResult, Field, MappingResult, SaveTemplateRequest, SetMappingRequest, Template,
};

/// Most characters in a template name.
const MAX_TEMPLATE_NAME: usize = 100;

/// Returns the canonical fields a column can map to.
#[tauri::command]
pub fn canonical_fields() -> Vec<Field> {
    fields::canonical_fields()
}

/// Sets the field of every column and discards results made with the old mapping.
#[tauri::command]
pub fn set_mapping(
    request: SetMappingRequest,
    store: State<'_, Arc<ListStore>>,
    idle: State<'_, IdleClock>,
) -> AppResult<MappingResult> {
    idle.touch();
    let list = store.get(&request.list_id)?;
    let headers = &list.info().headers;
    if request.fields.len() != headers.len() {
        return Err(AppError::invalid_input(format!(
            "the mapping has {} entries but the list has {} columns; send one entry per column",
            request.fields.len(),
            headers.len()
        )));
    }
    let parsed = request
        .fields
        .iter()
        .map(|key| key.as_deref().map(fields::parse_field).transpose())
        .collect::<AppResult<Vec<_>>>()?;
    let mapping = ColumnMapping::from_fields(headers, &parsed)
        .map_err(|error| AppError::new("mapping.invalid", error.to_string()))?;
    let missing_required = fields::missing_required(&mapping);
    list.set_mapping(mapping);
    Ok(MappingResult { missing_required })
}

/// Returns the saved templates by name.
#[tauri::command]
pub fn list_templates(config: State<'_, Arc<ConfigStore>>) -> AppResult<Vec<Template>> {
    config.with_templates(|templates| {
        let list = templates
            .iter()
            .map(|(name, template)| Template {
                name: name.to_owned(),
                headings: template.headings.clone(),
                fields: template
                    .fields
                    .iter()
                    .map(|field| field.map(|field| field.as_str().to_owned()))
                    .collect(),
            })
            .collect();
        Ok((list, false))
    })
}

/// Saves the list's current mapping as a template, applied automatically to lists with
/// the same headings.
#[tauri::command]
pub fn save_template(
    request: SaveTemplateRequest,
    store: State<'_, Arc<ListStore>>,
    config: State<'_, Arc<ConfigStore>>,
) -> AppResult<()> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > MAX_TEMPLATE_NAME {
        return Err(AppError::invalid_input(format!(
            "a template name needs 1 to {MAX_TEMPLATE_NAME} characters"
        )));
    }
    let mapping = store.get(&request.list_id)?.mapping();
    config.with_templates(|templates| {
        templates.insert(name, &mapping);
        Ok(((), true))
    })?;
    log::info!("saved a mapping template with {} columns", mapping.width());
    Ok(())
}

/// Deletes a template.
#[tauri::command]
pub fn delete_template(name: String, config: State<'_, Arc<ConfigStore>>) -> AppResult<()> {
    config.with_templates(|templates| match templates.remove(&name) {
        Some(_) => Ok(((), true)),
        None => Err(AppError::new(
            "template.not_found",
            format!("no template is called {name:?}"),
        )),
    })
}
