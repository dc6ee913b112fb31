//! Campaign and upload listings with filters and cursor paging, newest first.
//!
//! The filters are built into one statement with numbered placeholders: every value is
//! bound, and only fixed column names are written into the SQL text.

use sealpost_api::{Campaign, UploadSummary};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::parse_id;
use crate::db::{Db, now, to_time};

/// A position in a newest-first listing: the last item's creation time and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Unix seconds.
    pub created_at: i64,
    /// The id, which breaks ties between items created in the same second.
    pub id: Uuid,
}

impl Cursor {
    /// Returns the opaque text form, `SECONDS_ID`.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.created_at, self.id)
    }

    /// Parses [`Cursor::encode`]'s form.
    pub fn decode(text: &str) -> Option<Self> {
        let (seconds, id) = text.split_once('_')?;
        Some(Self {
            created_at: seconds.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

enum Value {
    Text(String),
    Int(i64),
}

/// A WHERE clause under construction.
struct Conditions {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    fn new(account_id: Uuid) -> Self {
        let mut conditions = Self {
            clauses: Vec::new(),
            values: Vec::new(),
        };
        conditions.push("account_id = ", Value::Text(account_id.to_string()));
        conditions
    }

    fn push(&mut self, left: &str, value: Value) {
        self.values.push(value);
        self.clauses.push(format!("{left}${}", self.values.len()));
    }

    fn cursor(&mut self, cursor: Option<Cursor>) {
        if let Some(cursor) = cursor {
            self.values.push(Value::Int(cursor.created_at));
            let seconds = self.values.len();
            self.values.push(Value::Text(cursor.id.to_string()));
            let id = self.values.len();
            self.clauses.push(format!(
                "(created_at < ${seconds} OR (created_at = ${seconds} AND id < ${id}))"
            ));
        }
    }

    async fn fetch(self, db: &Db, sql_head: &str, limit: i64) -> Result<Vec<AnyRow>, sqlx::Error> {
        let sql = format!(
            "{sql_head} WHERE {} ORDER BY created_at DESC, id DESC LIMIT {limit}",
            self.clauses.join(" AND ")
        );
        let mut query = sqlx::query(&sql);
        for value in self.values {
            query = match value {
                Value::Text(text) => query.bind(text),
                Value::Int(number) => query.bind(number),
            };
        }
        query.fetch_all(db.pool()).await
    }
}

/// Filters of `GET /v1/uploads`.
#[derive(Debug, Clone, Default)]
pub struct UploadFilter {
    /// Only this member's uploads.
    pub owner: Option<Uuid>,
    /// Only this campaign's uploads.
    pub campaign: Option<Uuid>,
    /// Only uploads in this state.
    pub state: Option<String>,
    /// Only uploads created at or after these Unix seconds.
    pub from: Option<i64>,
    /// Only uploads created before these Unix seconds.
    pub to: Option<i64>,
    /// Only uploads after this position.
    pub cursor: Option<Cursor>,
}

/// Lists the account's uploads; `limit` must be small, it is written into the SQL.
pub async fn uploads(
    db: &Db,
    account_id: Uuid,
    filter: &UploadFilter,
    limit: u16,
) -> Result<Vec<UploadSummary>, sqlx::Error> {
    let mut conditions = Conditions::new(account_id);
    if let Some(owner) = filter.owner {
        conditions.push("owner_id = ", Value::Text(owner.to_string()));
    }
    if let Some(campaign) = filter.campaign {
        conditions.push("campaign_id = ", Value::Text(campaign.to_string()));
    }
    if let Some(state) = &filter.state {
        conditions.push("state = ", Value::Text(state.clone()));
    }
    if let Some(from) = filter.from {
        conditions.push("created_at >= ", Value::Int(from));
    }
    if let Some(to) = filter.to {
        conditions.push("created_at < ", Value::Int(to));
    }
    conditions.cursor(filter.cursor);
    let rows = conditions
        .fetch(
            db,
            "SELECT id, owner_id, campaign_id, state, upload_length, upload_offset, reason, \
             created_at FROM uploads",
            i64::from(limit),
        )
        .await?;
    rows.iter().map(upload_from_row).collect()
}

/// Converts a row with the columns of [`uploads`] into a summary.
pub fn upload_from_row(row: &AnyRow) -> Result<UploadSummary, sqlx::Error> {
    let campaign: Option<String> = row.try_get("campaign_id")?;
    Ok(UploadSummary {
        id: parse_id(row.try_get("id")?)?,
        owner_id: parse_id(row.try_get("owner_id")?)?,
        campaign_id: campaign.as_deref().map(parse_id).transpose()?,
        state: row.try_get("state")?,
        length: row.try_get("upload_length")?,
        offset: row.try_get("upload_offset")?,
        reason: row.try_get("reason")?,
        created_at: to_time(row.try_get("created_at")?),
    })
}

/// Lists the account's campaigns, only `owner`'s when given.
pub async fn campaigns(
    db: &Db,
    account_id: Uuid,
    owner: Option<Uuid>,
    status: Option<&str>,
    cursor: Option<Cursor>,
    limit: u16,
) -> Result<Vec<Campaign>, sqlx::Error> {
    let mut conditions = Conditions::new(account_id);
    if let Some(owner) = owner {
        conditions.push("owner_id = ", Value::Text(owner.to_string()));
    }
    if let Some(status) = status {
        conditions.push("status = ", Value::Text(status.to_owned()));
    }
    conditions.cursor(cursor);
    let rows = conditions
        .fetch(
            db,
            "SELECT id, name, owner_id, status, created_at FROM campaigns",
            i64::from(limit),
        )
        .await?;
    rows.iter().map(campaign_from_row).collect()
}

/// Creates a draft campaign.
pub async fn create_campaign(
    db: &Db,
    account_id: Uuid,
    owner_id: Uuid,
    name: &str,
) -> Result<Campaign, sqlx::Error> {
    let id = Uuid::new_v4();
    let at = now();
    sqlx::query(
        "INSERT INTO campaigns (id, account_id, owner_id, name, status, created_at) \
         VALUES ($1, $2, $3, $4, 'draft', $5)",
    )
    .bind(id.to_string())
    .bind(account_id.to_string())
    .bind(owner_id.to_string())
    .bind(name)
    .bind(at)
    .execute(db.pool())
    .await?;
    Ok(Campaign {
        id,
        name: name.to_owned(),
        owner_id,
        status: "draft".to_owned(),
        created_at: to_time(at),
    })
}

fn campaign_from_row(row: &AnyRow) -> Result<Campaign, sqlx::Error> {
    Ok(Campaign {
        id: parse_id(row.try_get("id")?)?,
        name: row.try_get("name")?,
        owner_id: parse_id(row.try_get("owner_id")?)?,
        status: row.try_get("status")?,
        created_at: to_time(row.try_get("created_at")?),
    })
}

/// Reads a campaign of the account.
pub async fn campaign(
    db: &Db,
    account_id: Uuid,
    id: Uuid,
) -> Result<Option<Campaign>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, owner_id, status, created_at FROM campaigns \
         WHERE account_id = $1 AND id = $2",
    )
    .bind(account_id.to_string())
    .bind(id.to_string())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(campaign_from_row).transpose()
}

/// Changes a campaign's status from `from` to `to`; returns whether it was still `from`,
/// so that of two concurrent changes only one applies.
pub async fn set_campaign_status(
    db: &Db,
    id: Uuid,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE campaigns SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to)
        .bind(id.to_string())
        .bind(from)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let cursor = Cursor {
            created_at: 1_700_000_000,
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "12", "x_y", "12_not-a-uuid"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
