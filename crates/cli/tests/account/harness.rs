//! A real Sealpost service on 127.0.0.1 with its demo CA, and a way to run the
//! `sealpost` binary against it with a private config directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;

use sealpost_api::Role;
use sealpost_server::config::Config;
use sealpost_server::keyprovider::LocalKeyFile;
use sealpost_server::ops::{self, DemoCredential};
use sealpost_server::server;
use sealpost_server::tls::DemoPki;

/// Cheap password hashing, so signing in does not dominate the test time.
const TEST_HASH_COST: &str =
    "[password_hash]\nmemory_kib = 1024\niterations = 1\nparallelism = 1\n";

pub(crate) struct Service {
    pub(crate) url: String,
    pub(crate) ca_file: PathBuf,
    pub(crate) credentials: Vec<DemoCredential>,
    /// The service's data directory, deleted when the service is dropped.
    _data_dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Service {
    /// Starts the service; `extra` is appended to its TOML configuration.
    pub(crate) fn start(extra: &str) -> Service {
        let dir = tempfile::tempdir().expect("temporary directory");
        let pki = DemoPki::in_dir(&dir.path().join("tls"));
        pki.generate().expect("demo certificates");
        let tls = dir.path().join("tls");
        let config_text = format!(
            "listen = \"127.0.0.1:0\"\ndatabase_url = \"sqlite://{}\"\n{extra}\n[tls]\n\
             cert = \"{}\"\nkey = \"{}\"\n{TEST_HASH_COST}",
            dir.path().join("sealpost.db").display(),
            tls.join("server.pem").display(),
            tls.join("server-key.pem").display(),
        );
        let config_path = dir.path().join("sealpost.toml");
        std::fs::write(&config_path, config_text).expect("write the service config");
        let credentials_file = dir.path().join("demo-credentials.json");

        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("service runtime");
            runtime.block_on(async move {
                let config = Config::load(&config_path).expect("valid service config");
                LocalKeyFile::create_if_missing(config.upload_keys.kek_path().expect("kek path"))
                    .expect("key-encryption key");
                let running = server::start(config).await.expect("service starts");
                ops::seed_demo(&running.state.db, &running.state.hasher, &credentials_file)
                    .await
                    .expect("seed the demo accounts");
                ready_tx
                    .send(running.local_addr.port())
                    .expect("test thread waits");
                running
                    .run_until(async {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        });
        let port = ready_rx.recv().expect("service reports its port");
        let credentials: Vec<DemoCredential> = serde_json::from_slice(
            &std::fs::read(dir.path().join("demo-credentials.json")).expect("credentials"),
        )
        .expect("credentials JSON");
        Service {
            url: format!("https://127.0.0.1:{port}"),
            ca_file: pki.ca_cert.clone(),
            credentials,
            _data_dir: dir,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Finds the demo member of `role` in the Acme account.
    pub(crate) fn member(&self, role: Role) -> &DemoCredential {
        self.credentials
            .iter()
            .find(|c| c.role == role && c.email.ends_with("acme.example"))
            .expect("seeded member")
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One user's machine: a config directory, and no reachable keyring unless a test
/// provides one.
pub(crate) struct Machine {
    pub(crate) home: tempfile::TempDir,
}

impl Machine {
    pub(crate) fn new() -> Machine {
        Machine {
            home: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub(crate) fn config_dir(&self) -> PathBuf {
        self.home.path().join("config")
    }

    /// Builds a `sealpost` command with this machine's environment.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sealpost"));
        command
            .args(args)
            .env("SEALPOST_CONFIG_DIR", self.config_dir())
            // A session bus socket that does not exist, so the keyring is unavailable
            // and nothing reaches a desktop keyring of the machine running the tests.
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", self.home.path().join("no-bus").display()),
            )
            .env("XDG_RUNTIME_DIR", self.home.path())
            .env("HOME", self.home.path())
            .env_remove("SEALPOST_TOKEN")
            .env_remove("SEALPOST_SERVER")
            .env_remove("SEALPOST_PASSPHRASE")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .stdin(Stdio::null());
        command
    }

    /// Runs `sealpost` with `stdin` as standard input.
    pub(crate) fn run_with_input(
        &self,
        args: &[&str],
        stdin: &str,
        env: &[(&str, &str)],
    ) -> Output {
        let mut command = self.command(args);
        for (name, value) in env {
            command.env(name, value);
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("sealpost starts");
        {
            use std::io::Write as _;
            let mut input = child.stdin.take().expect("stdin");
            // A command that rejects its arguments can exit before it reads its input,
            // which closes the pipe. The test then checks its exit status and output.
            if let Err(error) = input.write_all(stdin.as_bytes()) {
                assert_eq!(
                    error.kind(),
                    std::io::ErrorKind::BrokenPipe,
                    "write stdin: {error}"
                );
            }
        }
        child.wait_with_output().expect("sealpost finishes")
    }

    /// Runs `sealpost` with no standard input.
    pub(crate) fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = self.command(args);
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().expect("sealpost runs")
    }

    /// Signs in with the token kept in a passphrase file, and returns the environment
    /// later commands need (the passphrase).
    pub(crate) fn login(&self, service: &Service, role: Role) -> Vec<(&'static str, &'static str)> {
        let member = service.member(role);
        let ca = path_text(&service.ca_file);
        let env = vec![("SEALPOST_PASSPHRASE", "test passphrase 1")];
        let output = self.run_with_input(
            &[
                "login",
                "--server",
                &service.url,
                "--ca-file",
                &ca,
                "--email",
                &member.email,
                "--password-stdin",
                "--store",
                "file",
            ],
            &format!("{}\n", member.password),
            &env,
        );
        assert_success(&output);
        env
    }
}

pub(crate) fn path_text(path: &Path) -> String {
    path.to_str().expect("UTF-8 path").to_owned()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

/// Parses the `{"code", "message"}` error that `--format json` prints on failure.
pub(crate) fn error_code(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(output));
    let value: serde_json::Value = serde_json::from_str(stderr(output).trim())
        .unwrap_or_else(|_| panic!("JSON error on stderr, got: {}", stderr(output)));
    value["code"].as_str().expect("code").to_owned()
}

pub(crate) fn json(output: &Output) -> serde_json::Value {
    assert_success(output);
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|_| panic!("JSON on stdout, got: {}", stdout(output)))
}
