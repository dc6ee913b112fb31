//! `HTTPS_PROXY` and `NO_PROXY` reach the client through reqwest's defaults.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sealpost_api::Role;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::harness::{Machine, Service, json};

/// A minimal HTTP CONNECT proxy on 127.0.0.1 that tunnels only to 127.0.0.1 and counts
/// the tunnels it opened.
struct ConnectProxy {
    address: SocketAddr,
    tunnels: Arc<AtomicUsize>,
    _runtime: tokio::runtime::Runtime,
}

impl ConnectProxy {
    fn start() -> ConnectProxy {
        let runtime = tokio::runtime::Runtime::new().expect("proxy runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("proxy listens");
        let address = listener.local_addr().expect("proxy address");
        let tunnels = Arc::new(AtomicUsize::new(0));
        let counter = tunnels.clone();
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let _ = tunnel(client, counter).await;
                });
            }
        });
        ConnectProxy {
            address,
            tunnels,
            _runtime: runtime,
        }
    }
}

async fn tunnel(
    mut client: tokio::net::TcpStream,
    counter: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        if client.read(&mut byte).await? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head);
    let target = text
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    // Tunnel only to the test service on this machine.
    if !target.starts_with("127.0.0.1:") {
        client.write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n").await?;
        return Ok(());
    }
    let mut upstream = tokio::net::TcpStream::connect(&target).await?;
    counter.fetch_add(1, Ordering::SeqCst);
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

#[test]
fn https_proxy_used_unless_no_proxy() {
    let service = Service::start("");
    let proxy = ConnectProxy::start();
    let machine = Machine::new();
    let env = machine.login(&service, Role::Support);
    let proxy_url = format!("http://{}", proxy.address);

    let mut with_proxy = env.clone();
    with_proxy.push(("HTTPS_PROXY", proxy_url.as_str()));
    with_proxy.push(("NO_PROXY", ""));
    let me = json(&machine.run(&["whoami", "--format", "json"], &with_proxy));
    assert_eq!(me["role"], "support");
    assert_eq!(
        proxy.tunnels.load(Ordering::SeqCst),
        1,
        "one tunnel through the proxy"
    );

    let mut bypass = env.clone();
    bypass.push(("HTTPS_PROXY", proxy_url.as_str()));
    bypass.push(("NO_PROXY", "127.0.0.1"));
    let me = json(&machine.run(&["whoami", "--format", "json"], &bypass));
    assert_eq!(me["role"], "support");
    assert_eq!(
        proxy.tunnels.load(Ordering::SeqCst),
        1,
        "NO_PROXY bypasses the proxy"
    );
}
