//! `sealpost-server`: runs the Sealpost platform service and its administrative tasks.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use sealpost_server::config::Config;
use sealpost_server::db::Db;
use sealpost_server::keyprovider::LocalKeyFile;
use sealpost_server::ops::{self, DemoDir};
use sealpost_server::secrets::PasswordHasherConfig;
use sealpost_server::tls::DemoPki;
use sealpost_server::{audit, logging, server};

#[derive(Debug, Parser)]
#[command(
    name = "sealpost-server",
    version,
    about = "The Sealpost platform service"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API over TLS until interrupted.
    Serve(Location),
    /// Create a data directory with SQLite, a private CA, a localhost certificate and two
    /// seeded accounts (reused on later runs), then serve.
    Demo {
        /// The data directory.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
        /// The address to listen on; port 0 picks a free port.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// clamd's socket for scanning uploads, unix:PATH or tcp:HOST:PORT; defaults to
        /// Debian's /var/run/clamav/clamd.ctl when it exists.
        #[arg(long, value_name = "ADDRESS")]
        clamd: Option<String>,
    },
    /// Create an account and its first admin; prints the generated password once
    /// unless SEALPOST_INIT_PASSWORD is set.
    Init {
        #[command(flatten)]
        location: Location,
        /// The account name.
        #[arg(long)]
        account: String,
        /// The admin's email address.
        #[arg(long)]
        email: String,
        /// The admin's display name.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Check or export the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and name the first broken entry; exits 1 if one is found.
    Verify {
        #[command(flatten)]
        location: Location,
        /// An entry recorded earlier (sequence number and hash, as in `audit export`)
        /// that must still be in the log unchanged; detects deleted newest entries.
        #[arg(long, value_name = "SEQ:HASH")]
        anchor: Option<String>,
    },
    /// Write every entry, oldest first, as JSON lines.
    Export {
        #[command(flatten)]
        location: Location,
        /// The output file; standard output by default.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Source of the configuration.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct Location {
    /// A TOML configuration file.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A data directory as made by `demo`.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

impl Location {
    fn load(&self) -> anyhow::Result<Config> {
        match (&self.config, &self.data_dir) {
            (Some(file), _) => Ok(Config::load(file)?),
            (None, Some(dir)) => Ok(Config::for_data_dir(dir)?),
            (None, None) => anyhow::bail!("pass --config FILE or --data-dir DIR"),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(location) => {
            let config = location.load()?;
            logging::init(&config.logging);
            let running = server::start(config).await?;
            running.run_until(server::shutdown_signal()).await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            data_dir,
            listen,
            clamd,
        } => demo(&data_dir, listen, clamd).await,
        Command::Init {
            location,
            account,
            email,
            name,
        } => {
            let config = location.load()?;
            ensure_kek_file(&config)?;
            let db = Db::open(&config.database_url).await?;
            let hasher = PasswordHasherConfig::new(&config.password_hash)?;
            let (password, generated) = match std::env::var("SEALPOST_INIT_PASSWORD") {
                Ok(password) => (zeroize::Zeroizing::new(password), false),
                Err(_) => (ops::random_password(), true),
            };
            let admin = ops::create_account_with_admin(
                &db,
                &hasher,
                &account,
                &email,
                &name,
                password.clone(),
            )
            .await?;
            println!(
                "created account {account:?} with admin {} ({})",
                admin.email, admin.id
            );
            if generated {
                println!("password (shown once): {}", password.as_str());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify { location, anchor }) => {
            let anchor = anchor.as_deref().map(parse_anchor).transpose()?;
            let config = location.load()?;
            let db = Db::open_existing(&config.database_url).await?;
            let report = audit::verify(&db).await?;
            let broken = match (report.broken, anchor) {
                (Some(broken), _) => Some(broken),
                (None, Some((seq, hash))) => audit::check_anchor(&db, seq, &hash).await?,
                (None, None) => None,
            };
            match broken {
                None => {
                    println!("audit log intact: {} entries verified", report.checked);
                    Ok(ExitCode::SUCCESS)
                }
                Some(broken) => {
                    println!(
                        "audit log broken at entry {}: {}",
                        broken.seq, broken.reason
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Audit(AuditCommand::Export { location, output }) => {
            let config = location.load()?;
            let db = Db::open_existing(&config.database_url).await?;
            let count = match &output {
                Some(path) => {
                    let mut file = std::io::BufWriter::new(
                        std::fs::File::create(path)
                            .with_context(|| format!("cannot create {}", path.display()))?,
                    );
                    let count = audit::export(&db, &mut file).await?;
                    std::io::Write::flush(&mut file)?;
                    count
                }
                None => audit::export(&db, &mut std::io::stdout().lock()).await?,
            };
            eprintln!("exported {count} audit entries");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The socket of Debian's clamav-daemon package.
const DEBIAN_CLAMD_SOCKET: &str = "/var/run/clamav/clamd.ctl";

/// Creates the upload key-encryption key file unless it exists.
fn ensure_kek_file(config: &Config) -> anyhow::Result<()> {
    let path = config.upload_keys.kek_path()?;
    if LocalKeyFile::create_if_missing(path)? {
        eprintln!(
            "created the upload key-encryption key {}; back it up: without it no upload can be opened",
            path.display()
        );
    }
    Ok(())
}

/// Parses `SEQ:HASH` for `audit verify --anchor`.
fn parse_anchor(text: &str) -> anyhow::Result<(i64, String)> {
    let (seq, hash) = text
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("--anchor must be SEQ:HASH, such as 42:9f86d08…"))?;
    let seq = seq
        .parse()
        .map_err(|_| anyhow::anyhow!("--anchor sequence number {seq:?} is not an integer"))?;
    if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        anyhow::bail!("--anchor hash must be 64 hex digits");
    }
    Ok((seq, hash.to_owned()))
}

async fn demo(
    data_dir: &Path,
    listen: SocketAddr,
    clamd: Option<String>,
) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let dir = DemoDir {
        root: data_dir.to_owned(),
    };
    let pki = DemoPki::in_dir(&dir.tls());
    // The certificate comes first: a `sealpost.toml` in the directory names these
    // files, and loading it checks that they exist.
    let created_pki = !pki.exists();
    if created_pki {
        pki.generate()?;
    }
    let mut config = Config::for_data_dir(data_dir)?;
    config.listen = listen;
    if let Some(address) = clamd {
        address
            .parse::<sealpost_server::clamd::ClamdAddress>()
            .map_err(|message| anyhow::anyhow!("--clamd: {message}"))?;
        config.scanner.clamd = Some(address);
    } else if config.scanner.clamd.is_none() && Path::new(DEBIAN_CLAMD_SOCKET).exists() {
        config.scanner.clamd = Some(format!("unix:{DEBIAN_CLAMD_SOCKET}"));
    }
    logging::init(&config.logging);
    ensure_kek_file(&config)?;
    if created_pki {
        tracing::info!(ca = %pki.ca_cert.display(), "created the demo certificate authority");
    }
    let db = Db::open(&config.database_url).await?;
    let hasher = PasswordHasherConfig::new(&config.password_hash)?;
    if ops::seed_demo(&db, &hasher, &dir.credentials()).await? {
        tracing::info!(file = %dir.credentials().display(), "seeded the demo accounts");
    }
    db.close().await;
    let running = server::start(config).await?;
    println!("Sealpost demo service: https://{}", running.local_addr);
    println!("  CA certificate: {}", pki.ca_cert.display());
    println!("  sign-in credentials: {}", dir.credentials().display());
    match &running.state.config.scanner.clamd {
        Some(address) => println!("  virus scanner: {address}"),
        None => println!("  virus scanner: none (pass --clamd); uploads wait in scan_pending"),
    }
    running.run_until(server::shutdown_signal()).await;
    Ok(ExitCode::SUCCESS)
}
