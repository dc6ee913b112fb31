//! A client for ClamAV's `clamd`: `INSTREAM` scans over a Unix or TCP socket.
//!
//! Written here because the protocol is a few framed writes: the command
//! `zINSTREAM\0`, then chunks each preceded by its length as a 4-byte big-endian
//! integer, then a zero length; the reply is one NUL-terminated line. Only a clear
//! `stream: OK` counts as clean: a stream over clamd's `StreamMaxLength` is
//! [`Verdict::NotScanned`], and every other failure is an error.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Bytes sent per `INSTREAM` chunk; clamd accepts chunks up to its `StreamMaxLength`.
const CHUNK_BYTES: usize = 64 * 1024;
/// Longest reply line read back, in bytes.
const MAX_REPLY_BYTES: usize = 4096;

/// The socket address of clamd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClamdAddress {
    /// A Unix socket path, written `unix:PATH`.
    Unix(PathBuf),
    /// A TCP host and port, written `tcp:HOST:PORT`.
    Tcp(String),
}

impl FromStr for ClamdAddress {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(path) = text.strip_prefix("unix:").filter(|path| !path.is_empty()) {
            return Ok(Self::Unix(PathBuf::from(path)));
        }
        if let Some(address) = text.strip_prefix("tcp:") {
            let valid = address
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if valid {
                return Ok(Self::Tcp(address.to_owned()));
            }
        }
        Err(format!(
            "{text:?} is not a clamd address; use unix:PATH or tcp:HOST:PORT"
        ))
    }
}

impl std::fmt::Display for ClamdAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unix(path) => write!(f, "unix:{}", path.display()),
            Self::Tcp(address) => write!(f, "tcp:{address}"),
        }
    }
}

/// The outcome of a scan that clamd completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// clamd found nothing.
    Clean,
    /// clamd matched the named signature.
    Infected(String),
    /// clamd did not scan the whole stream, for the reason given; never treat as clean.
    NotScanned(String),
}

/// A scan that did not produce a verdict.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClamdError {
    /// clamd could not be reached.
    #[error("cannot connect to clamd at {0}")]
    Connect(String, #[source] std::io::Error),
    /// The connection failed during the scan.
    #[error("the connection to clamd failed during the scan")]
    Io(#[source] std::io::Error),
    /// The stream being scanned could not be read.
    #[error("the data to scan could not be read")]
    Source(#[source] std::io::Error),
    /// clamd did not answer in time.
    #[error("clamd did not answer within {0:?}")]
    Timeout(Duration),
    /// clamd answered something this client does not understand.
    #[error("clamd answered {0:?}")]
    Unexpected(String),
}

trait Connection: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Connection for T {}

/// A clamd endpoint.
#[derive(Debug, Clone)]
pub struct Clamd {
    address: ClamdAddress,
    timeout: Duration,
}

impl Clamd {
    /// Talks to clamd at `address`, giving up on any one scan after `timeout`.
    pub fn new(address: ClamdAddress, timeout: Duration) -> Self {
        Self { address, timeout }
    }

    /// The address.
    pub fn address(&self) -> &ClamdAddress {
        &self.address
    }

    async fn connect(&self) -> Result<Box<dyn Connection>, ClamdError> {
        let failed = |error| ClamdError::Connect(self.address.to_string(), error);
        Ok(match &self.address {
            ClamdAddress::Unix(path) => Box::new(
                tokio::net::UnixStream::connect(path)
                    .await
                    .map_err(failed)?,
            ),
            ClamdAddress::Tcp(address) => Box::new(
                tokio::net::TcpStream::connect(address.as_str())
                    .await
                    .map_err(failed)?,
            ),
        })
    }

    /// Returns clamd's version line, such as `ClamAV 1.4.3/…`, for the scan record.
    pub async fn version(&self) -> Result<String, ClamdError> {
        let work = async {
            let mut connection = self.connect().await?;
            connection
                .write_all(b"zVERSION\0")
                .await
                .map_err(ClamdError::Io)?;
            read_reply(&mut connection).await
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| ClamdError::Timeout(self.timeout))?
    }

    /// Streams everything `source` yields to clamd and returns its verdict.
    pub async fn scan(&self, source: impl AsyncRead + Unpin) -> Result<Verdict, ClamdError> {
        tokio::time::timeout(self.timeout, self.scan_inner(source))
            .await
            .map_err(|_| ClamdError::Timeout(self.timeout))?
    }

    async fn scan_inner(&self, mut source: impl AsyncRead + Unpin) -> Result<Verdict, ClamdError> {
        let mut connection = self.connect().await?;
        connection
            .write_all(b"zINSTREAM\0")
            .await
            .map_err(ClamdError::Io)?;
        let mut buffer = vec![0_u8; CHUNK_BYTES];
        loop {
            let read = source.read(&mut buffer).await.map_err(ClamdError::Source)?;
            // Over its limit clamd answers and closes while we still write; its answer
            // then says why, so read it instead of reporting the broken write.
            let length = u32::try_from(read).unwrap_or(u32::MAX);
            let sent = async {
                connection.write_all(&length.to_be_bytes()).await?;
                connection.write_all(&buffer[..read]).await
            }
            .await;
            if let Err(error) = sent {
                return match read_reply(&mut connection).await {
                    Ok(reply) => parse_reply(&reply),
                    Err(_) => Err(ClamdError::Io(error)),
                };
            }
            if read == 0 {
                break;
            }
        }
        let reply = read_reply(&mut connection).await?;
        parse_reply(&reply)
    }
}

async fn read_reply(connection: &mut (impl AsyncRead + Unpin)) -> Result<String, ClamdError> {
    let mut reply = Vec::new();
    let mut byte = [0_u8; 1];
    while reply.len() < MAX_REPLY_BYTES {
        let read = connection.read(&mut byte).await.map_err(ClamdError::Io)?;
        if read == 0 || byte[0] == 0 {
            break;
        }
        reply.push(byte[0]);
    }
    if reply.is_empty() {
        return Err(ClamdError::Unexpected(String::new()));
    }
    Ok(String::from_utf8_lossy(&reply).trim().to_owned())
}

/// Reads one `INSTREAM` answer line.
pub fn parse_reply(reply: &str) -> Result<Verdict, ClamdError> {
    if reply == "stream: OK" {
        return Ok(Verdict::Clean);
    }
    if let Some(name) = reply
        .strip_prefix("stream: ")
        .and_then(|rest| rest.strip_suffix(" FOUND"))
    {
        return Ok(Verdict::Infected(name.to_owned()));
    }
    if reply.contains("size limit exceeded") {
        return Ok(Verdict::NotScanned(
            "the list is larger than the virus scanner accepts (its StreamMaxLength)".to_owned(),
        ));
    }
    Err(ClamdError::Unexpected(reply.chars().take(200).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse() {
        assert_eq!(
            "unix:/run/clamd.sock".parse(),
            Ok(ClamdAddress::Unix(PathBuf::from("/run/clamd.sock")))
        );
        assert_eq!(
            "tcp:127.0.0.1:3310".parse(),
            Ok(ClamdAddress::Tcp("127.0.0.1:3310".to_owned()))
        );
        for bad in [
            "",
            "unix:",
            "tcp:host",
            "tcp::3310",
            "tcp:host:99999",
            "/run/x",
        ] {
            assert!(bad.parse::<ClamdAddress>().is_err(), "{bad}");
        }
    }

    #[test]
    fn replies_map_to_verdicts() {
        assert_eq!(parse_reply("stream: OK").unwrap(), Verdict::Clean);
        assert_eq!(
            parse_reply("stream: Eicar-Test-Signature.UNOFFICIAL FOUND").unwrap(),
            Verdict::Infected("Eicar-Test-Signature.UNOFFICIAL".to_owned())
        );
        assert!(matches!(
            parse_reply("INSTREAM size limit exceeded. ERROR").unwrap(),
            Verdict::NotScanned(_)
        ));
        for bad in ["", "stream: ERROR", "UNKNOWN COMMAND"] {
            assert!(parse_reply(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn unreachable_clamd_is_an_error_not_a_verdict() {
        let dir = tempfile::tempdir().unwrap();
        let clamd = Clamd::new(
            ClamdAddress::Unix(dir.path().join("missing.sock")),
            Duration::from_secs(5),
        );
        assert!(matches!(
            clamd.scan(&b"data"[..]).await,
            Err(ClamdError::Connect(..))
        ));
    }
}
