//! Shared parts of the upload tests. The real service runs as a child process that a
//! test can kill and restart, and the `sealpost` command runs with a private home
//! directory. A loopback TCP proxy stops forwarding at chosen points, where a test drops
//! a connection or kills the service, and a single-pass seal gives the bytes to compare
//! with.

#![allow(dead_code)]

pub(crate) mod proxy;

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use sealpost_client::upload::{KeyringResumeKey, PassphraseFileResumeKey, open_saved_secrets};
use sealpost_client::{Connection, Credential, ServerConfig};
use sealpost_envelope::ResumableSealer;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The passphrase of the resume key file that the tests' `sealpost` runs use, because
/// the test machine has no keyring.
pub(crate) const PASSPHRASE: &str = "upload tests passphrase";

/// How long the service may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(60);

fn server_binary() -> PathBuf {
    let cli = PathBuf::from(env!("CARGO_BIN_EXE_sealpost"));
    let path = cli
        .parent()
        .expect("the sealpost binary is in a directory")
        .join("sealpost-server");
    assert!(
        path.exists(),
        "the service binary {} is missing; build it first with `cargo build -p sealpost-server` \
         (with the same CARGO_TARGET_DIR and profile as the tests)",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port");
    listener.local_addr().expect("local address").port()
}

/// The demo service in a temporary data directory, on a fixed loopback port so that it
/// can be killed and started again where the client expects it.
pub(crate) struct Service {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) port: u16,
    child: Option<Child>,
    pub(crate) kills: u32,
    /// Whether the service scans with the clamd that SEALPOST_TEST_CLAMD names.
    scanner: bool,
}

impl Service {
    /// Starts a service. `limits` is TOML for the `[limits]` section, or empty for the
    /// defaults.
    pub(crate) fn start(limits: &str) -> Self {
        Self::start_with_scanner(limits, std::env::var("SEALPOST_TEST_CLAMD").is_ok())
    }

    /// Starts a service whose scanner socket does not exist, so uploads wait in
    /// `scan_pending` even when SEALPOST_TEST_CLAMD is set.
    pub(crate) fn start_without_scanner() -> Self {
        Self::start_with_scanner("", false)
    }

    fn start_with_scanner(limits: &str, scanner: bool) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        if !limits.is_empty() {
            let root = dir.path();
            let config = format!(
                "database_url = \"sqlite://{db}\"\n\n[tls]\ncert = \"{cert}\"\nkey = \"{key}\"\n\n[limits]\n{limits}\n",
                db = root.join("sealpost.db").display(),
                cert = root.join("tls").join("server.pem").display(),
                key = root.join("tls").join("server-key.pem").display(),
            );
            std::fs::write(root.join("sealpost.toml"), config).expect("write sealpost.toml");
        }
        let mut service = Self {
            dir,
            port: free_port(),
            child: None,
            kills: 0,
            scanner,
        };
        service.spawn();
        service
    }

    fn spawn(&mut self) {
        let log = File::options()
            .create(true)
            .append(true)
            .open(self.dir.path().join("service.log"))
            .expect("open the service log");
        // Without a scanner (no SEALPOST_TEST_CLAMD, or `start_without_scanner`) the
        // scanner is a socket that does not exist, so uploads wait in scan_pending even on
        // a machine that runs clamd.
        let no_scanner = format!("unix:{}", self.dir.path().join("no-clamd.sock").display());
        let clamd = if self.scanner {
            std::env::var("SEALPOST_TEST_CLAMD").unwrap_or(no_scanner)
        } else {
            no_scanner
        };
        let mut child = Command::new(server_binary())
            .arg("demo")
            .arg("--data-dir")
            .arg(self.dir.path())
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--clamd")
            .arg(clamd)
            .env("SEALPOST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start sealpost-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let (ready, ready_receiver) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.starts_with("Sealpost demo service:") {
                    let _ = ready.send(());
                }
            }
        });
        if ready_receiver.recv_timeout(START_TIMEOUT).is_err() {
            let _ = child.kill();
            let log =
                std::fs::read_to_string(self.dir.path().join("service.log")).unwrap_or_default();
            panic!("the service did not start within {START_TIMEOUT:?}; its log:\n{log}");
        }
        self.child = Some(child);
    }

    /// Kills the service with SIGKILL, as a crash or power cut would.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill the service");
            child.wait().expect("reap the service");
            self.kills += 1;
        }
    }

    /// Starts the service again on the same data directory and port.
    pub(crate) fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    pub(crate) fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// Returns what the service has logged at WARN level and above so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("service.log")).unwrap_or_default()
    }

    pub(crate) fn ca(&self) -> PathBuf {
        self.dir.path().join("tls").join("ca.pem")
    }

    /// Returns the demo marketer's email and password for the Acme Mail account.
    pub(crate) fn marketer(&self) -> (String, String) {
        let text = std::fs::read(self.dir.path().join("demo-credentials.json"))
            .expect("read demo-credentials.json");
        let entries: Vec<serde_json::Value> = serde_json::from_slice(&text).expect("JSON");
        let entry = entries
            .iter()
            .find(|entry| {
                entry["role"] == "marketer"
                    && entry["email"]
                        .as_str()
                        .is_some_and(|email| email.ends_with("@acme.example"))
            })
            .expect("a demo marketer of acme.example");
        (
            entry["email"].as_str().unwrap().to_owned(),
            entry["password"].as_str().unwrap().to_owned(),
        )
    }

    /// Signs the demo marketer in and returns the session token.
    pub(crate) fn sign_in(&self) -> String {
        let (email, password) = self.marketer();
        let connection = self.connection(Credential::None);
        let created: sealpost_api::SessionCreated = block_on(async {
            let request = connection
                .request(reqwest::Method::POST, "/v1/sessions")
                .json(&sealpost_api::SignInRequest {
                    email,
                    password,
                    totp: None,
                });
            connection.send_json(request).await
        })
        .expect("sign in as the demo marketer");
        created.token
    }

    pub(crate) fn connection(&self, credential: Credential) -> Connection {
        let config = ServerConfig::new(self.url()).with_ca_file(Some(self.ca()));
        Connection::new(&config, credential).expect("connection to the test service")
    }

    /// Terminates an upload with tus DELETE, as the service does when one expires.
    pub(crate) fn terminate(&self, token: &str, upload_id: &str) {
        let connection = self.connection(Credential::from_token(token));
        block_on(async {
            let request = connection
                .request(reqwest::Method::DELETE, &format!("/v1/uploads/{upload_id}"))
                .header("tus-resumable", "1.0.0");
            connection.send_empty(request).await
        })
        .expect("terminate the upload");
    }

    /// Returns the SHA-256 of the complete upload as the service stored it, in lowercase hex.
    pub(crate) fn stored_sha256(&self, upload_id: &str) -> String {
        let path = self
            .dir
            .path()
            .join("uploads")
            .join(format!("{upload_id}.blob"));
        sha256_file(&path)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub(crate) fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

pub(crate) fn sha256_file(path: &Path) -> String {
    let mut file =
        File::open(path).unwrap_or_else(|error| panic!("open {}: {error}", path.display()));
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).expect("read the file");
    hex::encode(hasher.finalize())
}

/// A private home for `sealpost` runs: its data directory contains the resume states.
pub(crate) struct Client {
    pub(crate) home: tempfile::TempDir,
    /// Whether runs use the session's OS keyring rather than the passphrase file.
    keyring: bool,
}

impl Client {
    pub(crate) fn new() -> Self {
        Self {
            home: tempfile::tempdir().expect("temporary directory"),
            keyring: false,
        }
    }

    /// Creates a client whose runs keep the resume key in the OS keyring of the D-Bus
    /// session the tests run in.
    pub(crate) fn with_keyring() -> Self {
        Self {
            keyring: true,
            ..Self::new()
        }
    }

    pub(crate) fn state_dir(&self) -> PathBuf {
        self.home
            .path()
            .join("data")
            .join("sealpost")
            .join("uploads")
    }

    /// Returns the config directory of these runs, `XDG_CONFIG_HOME/sealpost`, which
    /// contains the resume key file.
    pub(crate) fn config_dir(&self) -> PathBuf {
        self.home.path().join("config").join("sealpost")
    }

    /// Lists the resume state files saved so far.
    pub(crate) fn state_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.state_dir()) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension().is_some_and(|ext| ext == "json")
                    && path
                        .file_name()
                        .is_some_and(|name| name != "resume-key.json")
                    && path
                        .file_name()
                        .is_some_and(|name| name != "upload-key-pins.json")
            })
            .collect()
    }

    /// Builds `sealpost upload FILE --campaign CAMPAIGN` with JSON output against
    /// `service`. It follows the service's processing for up to 120 s with
    /// SEALPOST_TEST_CLAMD and 5 s without.
    pub(crate) fn upload(
        &self,
        service: &Service,
        token: &str,
        file: &Path,
        campaign: &str,
    ) -> Command {
        self.upload_at(&service.url(), service, token, file, campaign)
    }

    /// Builds the same command as [`Client::upload`], following the service's processing
    /// for `wait_seconds`.
    pub(crate) fn upload_waiting(
        &self,
        service: &Service,
        token: &str,
        file: &Path,
        campaign: &str,
        wait_seconds: u64,
    ) -> Command {
        self.upload_command(&service.url(), service, token, file, campaign, wait_seconds)
    }

    /// Builds the same command as [`Client::upload`], through another address such as a proxy's.
    pub(crate) fn upload_at(
        &self,
        url: &str,
        service: &Service,
        token: &str,
        file: &Path,
        campaign: &str,
    ) -> Command {
        // With a scanner the client returns at the final state, so a long wait costs
        // nothing unless a debug build on a busy machine validates slowly. Without one
        // the upload stays in scan_pending and the client waits the whole time.
        let wait_seconds = if std::env::var_os("SEALPOST_TEST_CLAMD").is_some() {
            120
        } else {
            5
        };
        self.upload_command(url, service, token, file, campaign, wait_seconds)
    }

    fn upload_command(
        &self,
        url: &str,
        service: &Service,
        token: &str,
        file: &Path,
        campaign: &str,
        wait_seconds: u64,
    ) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sealpost"));
        command
            .arg("upload")
            .arg(file)
            .arg("--campaign")
            .arg(campaign)
            .arg("--server")
            .arg(url)
            .arg("--ca-file")
            .arg(service.ca())
            .arg("--format")
            .arg("json")
            .arg("--wait")
            .arg(wait_seconds.to_string());
        self.environment(&mut command, token);
        command
    }

    pub(crate) fn environment(&self, command: &mut Command, token: &str) {
        let home = self.home.path();
        command
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("SEALPOST_TOKEN", token)
            .env_remove("SEALPOST_SERVER")
            .stdin(Stdio::null());
        if self.keyring {
            command.env_remove("SEALPOST_PASSPHRASE");
        } else {
            // No session bus, so these runs never touch a real keyring.
            command
                .env("SEALPOST_PASSPHRASE", PASSPHRASE)
                .env_remove("DBUS_SESSION_BUS_ADDRESS");
        }
    }

    /// Opens the envelope secrets saved in a resume state file.
    pub(crate) fn saved_secrets(&self, state_file: &Path) -> sealpost_envelope::UploadSecrets {
        if self.keyring {
            return open_saved_secrets(state_file, &KeyringResumeKey::new())
                .expect("open the saved secrets with the keyring's key");
        }
        let keys = PassphraseFileResumeKey::new(
            self.config_dir().join("resume-key.json"),
            Zeroizing::new(PASSPHRASE.to_owned()),
        );
        open_saved_secrets(state_file, &keys).expect("open the saved secrets")
    }
}

/// Returns the SHA-256 of a single-pass seal of `list` with `secrets`, in lowercase hex.
pub(crate) fn single_pass_sha256(
    secrets: &sealpost_envelope::UploadSecrets,
    list: &Path,
) -> String {
    let file = File::open(list).expect("open the list");
    let mut sealer = ResumableSealer::new(secrets, file);
    let mut hasher = HashWriter(Sha256::new());
    sealer.write_to(&mut hasher).expect("seal the list");
    hex::encode(hasher.0.finalize())
}

struct HashWriter(Sha256);

impl Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Parses the JSON lines that a `sealpost upload --format json` run printed.
pub(crate) fn json_lines(output: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(output)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}"))
        })
        .collect()
}

/// Returns the `outcome` object of a finished run. Panics with the run's output when
/// there is none.
pub(crate) fn outcome(output: &Output) -> serde_json::Value {
    json_lines(&output.stdout)
        .into_iter()
        .find_map(|line| line.get("outcome").cloned())
        .unwrap_or_else(|| {
            panic!(
                "no outcome; status {:?}\nstdout:\n{}\nstderr:\n{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

/// Returns the notices of one kind in a run's output.
pub(crate) fn notices(lines: &[serde_json::Value], kind: &str) -> Vec<serde_json::Value> {
    lines
        .iter()
        .filter(|line| line["notice"] == kind)
        .cloned()
        .collect()
}

/// Writes a list of `rows` valid, distinct UK recipients.
pub(crate) fn write_generated_list(path: &Path, rows: usize) {
    let mut out = std::io::BufWriter::new(File::create(path).expect("create the list"));
    writeln!(out, "Name,Address 1,City,Postcode,Country").unwrap();
    for row in 0..rows {
        writeln!(
            out,
            "Recipient {row},{} High Street,London,SW1A 1AA,GB",
            row + 1
        )
        .unwrap();
    }
    out.flush().unwrap();
}

/// UK recipients' towns, counties and postcodes.
const UK_PLACES: [(&str, &str, &str); 8] = [
    ("London", "Greater London", "SW1A 1AA"),
    ("Manchester", "Greater Manchester", "M1 1AE"),
    ("Birmingham", "West Midlands", "B33 8TH"),
    ("Leeds", "West Yorkshire", "LS1 4AP"),
    ("Glasgow", "Lanarkshire", "G2 3WT"),
    ("Cardiff", "South Glamorgan", "CF10 1EP"),
    ("Bristol", "Avon", "BS1 4DJ"),
    ("Newcastle upon Tyne", "Tyne and Wear", "NE1 7RU"),
];

/// US recipients' cities, states and ZIP codes.
const US_PLACES: [(&str, &str, &str); 8] = [
    ("New York", "NY", "10001"),
    ("Austin", "TX", "73301"),
    ("Chicago", "IL", "60601"),
    ("Seattle", "WA", "98101"),
    ("Boston", "MA", "02108"),
    ("Denver", "CO", "80202"),
    ("Miami", "FL", "33101"),
    ("Portland", "OR", "97201"),
];

const FIRST_NAMES: [&str; 8] = [
    "Olivia", "James", "Amelia", "Noah", "Isla", "Ethan", "Harper", "Mason",
];
const LAST_NAMES: [&str; 8] = [
    "Smith", "Johnson", "Williams", "Brown", "Taylor", "Davies", "Miller", "Wilson",
];
const STREETS: [&str; 6] = [
    "High Street",
    "Station Road",
    "Main Street",
    "Church Lane",
    "Park Avenue",
    "Oak Drive",
];

/// Writes a mailing list of valid, distinct UK and US recipients of at least
/// `min_bytes` bytes, and returns the number of rows. The same `min_bytes` always gives
/// the same file. Rows are about 140 bytes, so 200 MiB stays below the lists crate's
/// 2,000,000-row limit.
pub(crate) fn write_mailing_list(path: &Path, min_bytes: u64) -> u64 {
    let mut out =
        std::io::BufWriter::with_capacity(1 << 20, File::create(path).expect("create the list"));
    let header = "title,first_name,last_name,company,address1,address2,city,state,postcode,\
                  country,email,ref_id\n";
    out.write_all(header.as_bytes()).unwrap();
    let mut written = header.len() as u64;
    let mut rows = 0u64;
    let mut line = String::with_capacity(256);
    while written < min_bytes {
        line.clear();
        let index = rows as usize;
        let first = FIRST_NAMES[index % FIRST_NAMES.len()];
        let last = LAST_NAMES[(index / FIRST_NAMES.len()) % LAST_NAMES.len()];
        let street = STREETS[index % STREETS.len()];
        let house = rows % 997 + 1;
        // Every third recipient is in the US.
        let (city, state, postcode, country) = if rows % 3 == 2 {
            let (city, state, zip) = US_PLACES[(index / 3) % US_PLACES.len()];
            (city, state, zip, "US")
        } else {
            let (city, county, postcode) = UK_PLACES[index % UK_PLACES.len()];
            (city, county, postcode, "GB")
        };
        let title = if rows.is_multiple_of(2) { "Ms" } else { "Mr" };
        use std::fmt::Write as _;
        writeln!(
            line,
            "{title},{first},{last},Acme Trading {company},\"Unit {rows}, {house} {street}\",\
             Floor {floor},{city},{state},{postcode},{country},\
             {lower_first}.{lower_last}.{rows}@example.com,REF{rows:010}",
            company = rows % 50,
            floor = rows % 9 + 1,
            lower_first = first.to_ascii_lowercase(),
            lower_last = last.to_ascii_lowercase(),
        )
        .unwrap();
        out.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
        rows += 1;
    }
    out.flush().unwrap();
    rows
}

/// A small deterministic random source for kill points; the seed is printed so a
/// failing run can be repeated.
pub(crate) struct Random(u64);

impl Random {
    pub(crate) fn seeded() -> Self {
        let seed = std::env::var("SEALPOST_TEST_SEED")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |since| since.as_nanos() as u64)
                    | 1
            });
        eprintln!("random seed: {seed} (set SEALPOST_TEST_SEED to repeat)");
        Self(seed)
    }

    /// Returns a number in `low..high`.
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        low + self.0 % (high - low)
    }
}

/// Waits until `condition` is true or `timeout` passes, and returns whether it became true.
pub(crate) fn wait_for(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if condition() {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    condition()
}
