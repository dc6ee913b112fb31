//! Load generator for `scripts/bench-uploads`: signs in to a running service as the demo
//! marketer, seals one list-sized envelope, uploads it UPLOADS times concurrently over
//! tus, checks every stored object byte for byte, and prints the figures.
//!
//! Loopback use only: the script starts the service on 127.0.0.1 and passes its URL.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use clap::Parser;
use rand::RngCore;
use sealpost_envelope::{DEFAULT_CHUNK_SIZE, Metadata, Recipient, seal};
use serde_json::Value;

/// Command-line options.
#[derive(Debug, Parser)]
struct Options {
    /// The service's base URL, such as https://127.0.0.1:8443.
    #[arg(long)]
    url: String,
    /// The demo data directory: its `tls/ca.pem`, `demo-credentials.json` and
    /// `uploads/` are used.
    #[arg(long)]
    data_dir: PathBuf,
    /// Concurrent uploads.
    #[arg(long, default_value_t = 50)]
    uploads: usize,
    /// Plaintext size of the list, in MiB.
    #[arg(long, default_value_t = 20)]
    size_mib: usize,
    /// Writes the sealed envelope here, for the curl comparison.
    #[arg(long)]
    envelope_out: PathBuf,
}

async fn json(response: reqwest::Response, what: &str) -> anyhow::Result<Value> {
    let status = response.status();
    let text = response.text().await?;
    ensure!(status.is_success(), "{what} failed with {status}: {text}");
    Ok(serde_json::from_str(&text)?)
}

async fn sign_in(client: &reqwest::Client, options: &Options) -> anyhow::Result<String> {
    let credentials: Value = serde_json::from_slice(
        &std::fs::read(options.data_dir.join("demo-credentials.json"))
            .context("read demo-credentials.json")?,
    )?;
    let marketer = credentials
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|c| c["role"] == "marketer" && c["account"] == "Acme Mail")
        })
        .context("no Acme Mail marketer in demo-credentials.json")?;
    let body = serde_json::json!({ "email": marketer["email"], "password": marketer["password"] });
    let session = json(
        client
            .post(format!("{}/v1/sessions", options.url))
            .json(&body)
            .send()
            .await?,
        "sign-in",
    )
    .await?;
    session["token"]
        .as_str()
        .map(str::to_owned)
        .context("sign-in returned no token")
}

/// Creates one upload and sends the whole envelope in one PATCH; returns the upload id.
async fn upload_once(
    client: reqwest::Client,
    url: String,
    token: Arc<String>,
    envelope: bytes_body::Shared,
) -> anyhow::Result<String> {
    let created = client
        .post(format!("{url}/v1/uploads"))
        .bearer_auth(token.as_str())
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", envelope.len().to_string())
        .send()
        .await?;
    ensure!(
        created.status() == 201,
        "create failed with {}",
        created.status()
    );
    let location = created
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .context("create returned no Location")?
        .to_owned();
    let patched = client
        .patch(format!("{url}{location}"))
        .bearer_auth(token.as_str())
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(envelope.body())
        .send()
        .await?;
    ensure!(
        patched.status() == 204,
        "PATCH failed with {}",
        patched.status()
    );
    let offset = patched
        .headers()
        .get("upload-offset")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    ensure!(
        offset == envelope.len().to_string(),
        "the service acknowledged {offset} of {} bytes",
        envelope.len()
    );
    Ok(location.rsplit('/').next().unwrap_or_default().to_owned())
}

/// The envelope shared by every upload without copying it.
mod bytes_body {
    use std::sync::Arc;

    /// A cheaply cloned byte buffer.
    #[derive(Debug, Clone)]
    pub(crate) struct Shared(pub(crate) Arc<Vec<u8>>);

    impl Shared {
        pub(crate) fn len(&self) -> usize {
            self.0.len()
        }

        /// Builds a request body over the same bytes, sent in 64 KiB frames.
        pub(crate) fn body(&self) -> reqwest::Body {
            let data = Arc::clone(&self.0);
            let frames = (0..data.len()).step_by(64 * 1024).map(move |start| {
                let end = (start + 64 * 1024).min(data.len());
                Ok::<_, std::io::Error>(data[start..end].to_vec())
            });
            reqwest::Body::wrap_stream(futures_util::stream::iter(frames))
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    let url = options.url.trim_end_matches('/').to_owned();
    if !(url.starts_with("https://127.0.0.1:") || url.starts_with("https://[::1]:")) {
        bail!(
            "{url} is not a loopback https URL; this benchmark runs only against 127.0.0.1 or ::1"
        );
    }
    let ca = std::fs::read(options.data_dir.join("tls/ca.pem")).context("read the demo CA")?;
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&ca)?)
        .build()?;
    let token = Arc::new(sign_in(&client, &options).await?);
    let key = json(
        client
            .get(format!("{url}/v1/upload-key"))
            .bearer_auth(token.as_str())
            .send()
            .await?,
        "upload key",
    )
    .await?;
    let recipient: Recipient = key["public_key"]
        .as_str()
        .context("no public_key")?
        .parse()
        .map_err(|error| anyhow::anyhow!("invalid public key: {error:?}"))?;

    let mut plaintext = vec![0_u8; options.size_mib * 1024 * 1024];
    rand::thread_rng().fill_bytes(&mut plaintext);
    let mut envelope = Vec::with_capacity(plaintext.len() + 1024 * 1024);
    seal(
        &recipient,
        Metadata::default(),
        DEFAULT_CHUNK_SIZE,
        &plaintext[..],
        &mut envelope,
    )?;
    drop(plaintext);
    std::fs::write(&options.envelope_out, &envelope)?;
    let envelope = bytes_body::Shared(Arc::new(envelope));

    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..options.uploads {
        tasks.push(tokio::spawn(upload_once(
            client.clone(),
            url.clone(),
            Arc::clone(&token),
            envelope.clone(),
        )));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await??);
    }
    let seconds = started.elapsed().as_secs_f64();

    for id in &ids {
        let stored = std::fs::read(options.data_dir.join("uploads").join(format!("{id}.blob")))
            .with_context(|| format!("read the stored object of upload {id}"))?;
        ensure!(
            stored == *envelope.0,
            "the stored object of upload {id} differs"
        );
    }
    let total_mib = (envelope.len() * ids.len()) as f64 / (1024.0 * 1024.0);
    println!(
        "sealpost uploads={} envelope_bytes={} seconds={seconds:.2} mib_per_second={:.1} identical={}",
        ids.len(),
        envelope.len(),
        total_mib / seconds,
        ids.len()
    );
    Ok(())
}
