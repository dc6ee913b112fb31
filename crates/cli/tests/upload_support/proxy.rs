//! A loopback TCP proxy between `sealpost` and the service that stops forwarding once
//! a chosen number of bytes has passed. While it holds, the test cuts the connection or
//! kills the service, so every fault lands in the middle of an upload whatever the
//! machine's speed: the upload cannot finish while its bytes are held.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use super::wait_for;

/// Reads no larger than this are request heads or TLS handshakes, not PATCH bodies, so
/// the proxy never holds on them and a fault lands mid-body.
const SMALL_READ: usize = 4096;

#[derive(Default)]
struct Gate {
    /// Bytes forwarded from clients to the service.
    forwarded: AtomicU64,
    /// The forwarded count at which to hold, or `u64::MAX` when none is set.
    threshold: AtomicU64,
    /// Whether a connection is stopped at the threshold now.
    holding: AtomicBool,
    /// Whether the held connection is cut when released.
    cut: AtomicBool,
}

pub(crate) struct HoldingProxy {
    pub(crate) port: u16,
    gate: Arc<Gate>,
}

impl HoldingProxy {
    /// Starts a proxy to the service on `target_port`. Connections it cannot pass on,
    /// while the service is down, are closed at once, as a refused connection would be.
    pub(crate) fn start(target_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let gate = Arc::new(Gate {
            threshold: AtomicU64::new(u64::MAX),
            ..Gate::default()
        });
        let shared = gate.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", target_port)) else {
                    continue;
                };
                let gate = shared.clone();
                thread::spawn(move || pump_pair(client, server, &gate));
            }
        });
        Self { port, gate }
    }

    pub(crate) fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// Bytes forwarded from clients to the service so far.
    pub(crate) fn forwarded(&self) -> u64 {
        self.gate.forwarded.load(Ordering::SeqCst)
    }

    /// Holds the connection that carries the next `bytes` forwarded bytes, once they
    /// have passed, until [`HoldingProxy::release`].
    pub(crate) fn hold_after(&self, bytes: u64) {
        let threshold = self.forwarded() + bytes;
        self.gate.threshold.store(threshold, Ordering::SeqCst);
    }

    /// Waits up to `timeout` for a connection to be held, and stops early once `running`
    /// returns false. Returns whether a connection is held.
    pub(crate) fn wait_until_held(
        &self,
        timeout: Duration,
        mut running: impl FnMut() -> bool,
    ) -> bool {
        wait_for(timeout, || {
            self.gate.holding.load(Ordering::SeqCst) || !running()
        });
        self.gate.holding.load(Ordering::SeqCst)
    }

    /// Lets the held connection go on, or cuts it when `cut` is true.
    pub(crate) fn release(&self, cut: bool) {
        self.gate.threshold.store(u64::MAX, Ordering::SeqCst);
        self.gate.cut.store(cut, Ordering::SeqCst);
        self.gate.holding.store(false, Ordering::SeqCst);
    }
}

fn pump_pair(client: TcpStream, server: TcpStream, gate: &Gate) {
    let (Ok(client_reader), Ok(server_writer)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let back = thread::spawn(move || {
        let mut server = server;
        let mut client = client;
        let _ = std::io::copy(&mut server, &mut client);
        let _ = client.shutdown(Shutdown::Both);
    });
    let mut reader = client_reader;
    let mut writer = server_writer;
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(read) = reader.read(&mut buffer) {
        if read == 0 || writer.write_all(&buffer[..read]).is_err() {
            break;
        }
        let forwarded = gate.forwarded.fetch_add(read as u64, Ordering::SeqCst) + read as u64;
        if read > SMALL_READ && forwarded >= gate.threshold.load(Ordering::SeqCst) {
            gate.holding.store(true, Ordering::SeqCst);
            while gate.holding.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(5));
            }
            if gate.cut.swap(false, Ordering::SeqCst) {
                let _ = reader.shutdown(Shutdown::Both);
                break;
            }
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
    let _ = back.join();
}
