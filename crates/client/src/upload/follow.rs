//! Following a complete upload through the service's scan and validation.

use std::time::{Duration, Instant};

use reqwest::Method;
use sealpost_api::{UploadSummary, UploadTimeline};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::error::UploadError;
use super::events::EventSink;
use crate::connection::Connection;
use crate::events::{FinalState, ProgressEvent};

/// The first and the longest pause between two status requests.
const FIRST_POLL: Duration = Duration::from_millis(200);
const MAX_POLL: Duration = Duration::from_secs(5);

/// Where following the upload stopped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Followed {
    /// The last state seen, such as `accepted` or `scan_pending`.
    pub(crate) state: String,
    /// The final state, when the service reached one.
    pub(crate) final_state: Option<FinalState>,
    /// The service's reason for a rejection, quarantine or wait.
    pub(crate) reason: Option<String>,
    /// The service's validation summary, once it validated the list.
    pub(crate) validation: Option<serde_json::Value>,
}

impl Followed {
    fn stopped(state: String) -> Self {
        Self {
            state,
            final_state: None,
            reason: None,
            validation: None,
        }
    }
}

/// Polls the upload's timeline until a final state, until the service waits for its
/// virus scanner (`scan_pending`, which only the service can end), or until `max_wait`
/// passes, or until `cancel` fires: the upload is complete by then, so cancelling only
/// stops following it. Emits a progress event at each change of state.
///
/// It reads `GET /v1/uploads/{id}/events`, because that route returns the state, the
/// reason and the validation summary in one request.
pub(crate) async fn follow(
    connection: &Connection,
    upload_id: Uuid,
    max_wait: Duration,
    events: &EventSink,
    cancel: &CancellationToken,
) -> Result<Followed, UploadError> {
    let started = Instant::now();
    let path = format!("/v1/uploads/{upload_id}/events");
    let mut pause = FIRST_POLL;
    let mut last_state = String::new();
    let mut failures = 0u32;
    loop {
        let request =
            connection.send_json::<UploadTimeline>(connection.request(Method::GET, &path));
        let timeline = tokio::select! {
            () = cancel.cancelled() => return Ok(Followed::stopped(last_state)),
            timeline = request => timeline,
        };
        let timeline = match timeline {
            Ok(timeline) => timeline,
            Err(error) if error.is_transient() && failures < 10 => {
                failures += 1;
                tracing::info!(%error, failures, "status request failed; polling again");
                if sleep_or_cancel(pause, cancel).await {
                    return Ok(Followed::stopped(last_state));
                }
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        failures = 0;
        let upload = &timeline.upload;
        if upload.state != last_state {
            last_state.clone_from(&upload.state);
            report(upload, events);
        }
        let final_state = FinalState::from_service_state(&upload.state);
        let waiting_for_scanner = upload.state == "scan_pending";
        if final_state.is_some() || waiting_for_scanner || started.elapsed() >= max_wait {
            return Ok(Followed {
                state: upload.state.clone(),
                final_state,
                reason: upload.reason.clone(),
                validation: timeline.validation,
            });
        }
        if sleep_or_cancel(pause, cancel).await {
            return Ok(Followed::stopped(last_state));
        }
        pause = (pause * 2).min(MAX_POLL);
    }
}

/// Sleeps for `pause`; returns true when `cancel` fired first.
async fn sleep_or_cancel(pause: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        () = cancel.cancelled() => true,
        () = tokio::time::sleep(pause) => false,
    }
}

fn report(upload: &UploadSummary, events: &EventSink) {
    let event = match upload.state.as_str() {
        "received" | "scanning" | "scan_pending" => ProgressEvent::WaitingForScan {
            upload_id: upload.id,
            reason: upload.reason.clone(),
        },
        "validating" => ProgressEvent::ValidatingOnService {
            upload_id: upload.id,
        },
        state => match FinalState::from_service_state(state) {
            Some(final_state) => ProgressEvent::Done {
                upload_id: Some(upload.id),
                state: final_state,
                reason: upload.reason.clone(),
            },
            None => return,
        },
    };
    events.progress(event);
}
