//! The TLS listener and connection handling.
//!
//! Each accepted connection is first peeked at: a TLS connection starts with a
//! handshake record (content type 22). Anything else, such as a plain-HTTP request sent
//! to the TLS port, gets a fixed `400 Bad Request` with no body and is closed, so no API
//! response ever travels unencrypted. There is no plain listener.

use std::net::SocketAddr;
use std::sync::Arc;

use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::config::Config;
use crate::db::Db;
use crate::state::{AppState, SharedState};

/// The first byte of a TLS record that carries a handshake message.
const TLS_HANDSHAKE_RECORD: u8 = 0x16;

/// The fixed response to a connection that does not start a TLS handshake.
const PLAIN_HTTP_ANSWER: &[u8] =
    b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// How long a client may take to send its first byte and finish the handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long shutdown waits for open requests to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A running service.
#[derive(Debug)]
pub struct RunningServer {
    /// The bound address; with port 0 in the configuration, the port chosen.
    pub local_addr: SocketAddr,
    /// The shared state, for tests and administrative code in the same process.
    pub state: SharedState,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// Stops accepting, lets open requests finish (up to 10 seconds) and closes the
    /// database.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        self.state.db.close().await;
    }

    /// Waits until `signal` completes, then shuts down.
    pub async fn run_until(self, signal: impl std::future::Future<Output = ()>) {
        signal.await;
        tracing::info!("shutdown requested; finishing open requests");
        self.shutdown().await;
        tracing::info!("service stopped");
    }
}

/// Opens the database, binds the TLS listener and starts serving.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    let tls = crate::tls::server_config(&config.tls.cert, &config.tls.key)?;
    let db = Db::open(&config.database_url).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", config.listen))?;
    let local_addr = listener.local_addr()?;
    let provider = crate::keyprovider::LocalKeyFile::open(config.upload_keys.kek_path()?).map_err(
        |error| {
            anyhow::Error::new(error)
                .context("cannot load the upload key-encryption key; `init` and `demo` create it")
        },
    )?;
    let blobs = blob_store(&config)?;
    let state = AppState::new(config, db, Arc::new(provider), blobs)?;
    let app = crate::http::router(state.clone());
    let (stop, stopped) = watch::channel(false);
    let acceptor = TlsAcceptor::from(tls);
    tokio::spawn(crate::processing::run_worker(
        state.clone(),
        state.processing.clone(),
        stop.subscribe(),
    ));
    let task = tokio::spawn(accept_loop(listener, acceptor, app, stopped, state.clone()));
    tracing::info!(address = %local_addr, "listening for HTTPS");
    Ok(RunningServer {
        local_addr,
        state,
        stop,
        task,
    })
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    mut stopped: watch::Receiver<bool>,
    state: SharedState,
) {
    let graceful = GracefulShutdown::new();
    let max_connections =
        usize::try_from(state.config.limits.max_connections).unwrap_or(usize::MAX);
    let connections = Arc::new(Semaphore::new(max_connections));
    let mut refused: u64 = 0;
    let mut housekeeping = tokio::time::interval(Duration::from_secs(60));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // A full listener drops the new connection at once: holding it
                    // would let idle sockets pile up and exhaust file descriptors.
                    let Ok(permit) = connections.clone().try_acquire_owned() else {
                        refused += 1;
                        drop(stream);
                        continue;
                    };
                    let watcher = graceful.watcher();
                    let (acceptor, app) = (acceptor.clone(), app.clone());
                    tokio::spawn(async move {
                        serve_connection(stream, peer, acceptor, app, watcher).await;
                        drop(permit);
                    });
                }
                Err(error) => {
                    // Typically EMFILE; pausing avoids a busy loop until descriptors free up.
                    tracing::warn!(error = %error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = housekeeping.tick() => {
                state.limits.forget_idle_keys();
                // Spawned so that a slow sweep never delays accepting connections.
                tokio::spawn(crate::uploads::sweep_expired_logged(state.clone()));
                // One summary line per minute instead of one per refused connection.
                if refused > 0 {
                    tracing::warn!(refused, max_connections, "connections refused because the listener was full");
                    refused = 0;
                }
            }
            _ = stopped.changed() => break,
        }
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("open connections did not finish within the shutdown grace period");
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    app: Router,
    watcher: hyper_util::server::graceful::Watcher,
) {
    let mut first = [0_u8; 1];
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await {
        Ok(Ok(1)) => {}
        _ => return,
    }
    if first[0] != TLS_HANDSHAKE_RECORD {
        tracing::debug!(client_address = %peer.ip(), "rejected a connection that did not start with TLS");
        let _ = stream.write_all(PLAIN_HTTP_ANSWER).await;
        let _ = stream.shutdown().await;
        return;
    }
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(error)) => {
            tracing::debug!(client_address = %peer.ip(), error = %error, "TLS handshake failed");
            return;
        }
        Err(_) => return,
    };
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(request)
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE_TIMEOUT);
    // Frames of 64 KiB instead of the 16 KiB default quarter the per-frame work on large
    // PATCH bodies. Memory stays bounded by the flow-control windows, which are unchanged.
    builder.http2().max_frame_size(64 * 1024);
    let connection = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
    if let Err(error) = watcher.watch(connection.into_owned()).await {
        tracing::debug!(client_address = %peer.ip(), error = %error, "connection ended with an error");
    }
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Opens the configured blob store: the S3 bucket of `uploads.blob_store`, else the
/// local upload directory.
fn blob_store(config: &Config) -> anyhow::Result<Arc<dyn crate::blob::BlobStore>> {
    if let Some(settings) = config.uploads.s3_settings()? {
        let store = crate::blob::s3::S3Store::new(&settings).map_err(anyhow::Error::msg)?;
        tracing::info!(blob_store = %settings.url, "storing uploads in an S3-compatible bucket");
        return Ok(Arc::new(store));
    }
    let blob_dir = config.uploads.dir_path()?;
    let blobs = crate::blob::LocalDir::new(blob_dir).map_err(|error| {
        anyhow::anyhow!(
            "cannot create the upload directory {}: {error}",
            blob_dir.display()
        )
    })?;
    Ok(Arc::new(blobs))
}
