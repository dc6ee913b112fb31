//! `sealpost envelope`: make keys, seal, open and inspect encrypted upload envelopes.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use sealpost_envelope::{
    DEFAULT_CHUNK_SIZE, HeaderInfo, Identity, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, Metadata, Opener,
    Recipient, ResumableSealer, UploadSecrets, digest_plaintext, inspect,
};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: EnvelopeCommand,
}

#[derive(Debug, clap::Subcommand)]
enum EnvelopeCommand {
    /// Generate a key pair: the private key in FILE (mode 0600), the public key in FILE.pub.
    Keygen(KeygenArgs),
    /// Encrypt a file to a recipient's public key.
    Seal(SealArgs),
    /// Decrypt an envelope with a private key.
    Open(OpenArgs),
    /// Print an envelope's header (version, key id, chunk size, sizes) without decrypting.
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
struct KeygenArgs {
    /// File for the private key; the public key goes to the same path plus `.pub`.
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,

    /// Replace existing key files instead of stopping.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
struct SealArgs {
    /// Public key file of the recipient (from `sealpost envelope keygen`, the .pub file).
    #[arg(long, short, value_name = "PUBLIC_KEY_FILE")]
    recipient: PathBuf,

    /// Plaintext chunk size in bytes, 64 to 1048576.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_CHUNK_SIZE,
          value_parser = clap::value_parser!(u32).range(i64::from(MIN_CHUNK_SIZE)..=i64::from(MAX_CHUNK_SIZE)))]
    chunk_size: u32,

    /// Media type recorded in the encrypted metadata (default: guessed from IN's extension).
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,

    /// Skip the SHA-256 pass over IN; the metadata then records no digest, so the opener
    /// cannot check one. Standard input and pipes never get a digest.
    #[arg(long)]
    no_digest: bool,

    /// File to seal (default, or `-`: standard input).
    #[arg(value_name = "IN")]
    input: Option<PathBuf>,

    /// Envelope to write (default, or `-`: standard output). It appears only once sealing succeeded.
    #[arg(value_name = "OUT")]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct OpenArgs {
    /// Private key file (from `sealpost envelope keygen`).
    #[arg(long, short, value_name = "PRIVATE_KEY_FILE")]
    identity: PathBuf,

    /// Envelope to open (default, or `-`: standard input).
    #[arg(value_name = "IN")]
    input: Option<PathBuf>,

    /// File for the plaintext, created with mode 0600 (default, or `-`: standard output).
    /// It appears only once the whole envelope opened; on standard output, chunks that
    /// authenticated before a failure have already been written.
    #[arg(value_name = "OUT")]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct InspectArgs {
    /// Envelope to inspect (default, or `-`: standard input).
    #[arg(value_name = "IN")]
    input: Option<PathBuf>,

    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let result = match args.command {
        EnvelopeCommand::Keygen(args) => keygen(&args),
        EnvelopeCommand::Seal(args) => seal(&args),
        EnvelopeCommand::Open(args) => open(&args),
        EnvelopeCommand::Inspect(args) => inspect_file(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => {
            // The program reading standard output stopped early, as `head` does, so the
            // envelope is not to blame. The status stays a failure: the output is incomplete.
            eprintln!(
                "error: standard output was closed before all output was written, so the \
                 output is incomplete"
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn keygen(args: &KeygenArgs) -> Result<()> {
    let public_path = with_suffix(&args.output, ".pub");
    let identity = Identity::generate();
    let secret = identity.to_secret_string();
    let private_text = format!(
        "# Sealpost envelope private key. Keep it secret.\n# key id: {}\n{}\n",
        identity.key_id(),
        secret.as_str()
    );
    let private_text = zeroize::Zeroizing::new(private_text);
    write_new_file(&args.output, private_text.as_bytes(), 0o600, args.force)
        .with_context(|| format!("cannot write private key file {}", args.output.display()))?;
    let public_text = format!(
        "# Sealpost envelope public key\n# key id: {}\n{}\n",
        identity.key_id(),
        identity.recipient()
    );
    write_new_file(&public_path, public_text.as_bytes(), 0o644, args.force)
        .with_context(|| format!("cannot write public key file {}", public_path.display()))?;
    eprintln!(
        "wrote private key {} and public key {} (key id {})",
        args.output.display(),
        public_path.display(),
        identity.key_id()
    );
    Ok(())
}

fn seal(args: &SealArgs) -> Result<()> {
    let recipient: Recipient = read_key_file(&args.recipient, "recipient public key")?;
    let metadata = match file_path(&args.input) {
        Some(path) => file_metadata(path, args.content_type.clone(), !args.no_digest)?,
        None => Metadata {
            content_type: args.content_type.clone(),
            ..Metadata::default()
        },
    };
    let secrets = UploadSecrets::new(&recipient, metadata, args.chunk_size)
        .context("cannot prepare the envelope header")?;
    let input = open_input(file_path(&args.input))?;
    let output_path = file_path(&args.output);
    if output_path.is_none() {
        reject_terminal(
            io::stdout().is_terminal(),
            "cannot write a binary envelope to the terminal; give an output file or redirect \
             standard output",
        )?;
    }
    write_output(output_path, OutputMode::Shared, |output| {
        ResumableSealer::new(&secrets, input)
            .write_to(output)
            .context("sealing failed")?;
        output.flush()?;
        Ok(())
    })
}

fn open(args: &OpenArgs) -> Result<()> {
    let identity: Identity = read_key_file(&args.identity, "private key")?;
    reject_terminal_input(file_path(&args.input))?;
    let input = open_input(file_path(&args.input))?;
    let source_name = display_name(file_path(&args.input));
    let mut opener = Opener::new(input, &identity)
        .with_context(|| format!("cannot open envelope {source_name}"))?;
    write_output(file_path(&args.output), OutputMode::OwnerOnly, |output| {
        opener
            .write_to(output)
            .with_context(|| format!("cannot open envelope {source_name}"))?;
        output.flush()?;
        Ok(())
    })
}

fn inspect_file(args: &InspectArgs) -> Result<()> {
    let path = file_path(&args.input);
    reject_terminal_input(path)?;
    let name = path.map_or_else(
        || "standard input".into(),
        |path| path.display().to_string(),
    );
    let (info, envelope_len) = inspect_reader(open_input(path)?)
        .with_context(|| format!("cannot inspect the envelope in {name}"))?;
    let mut stdout = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &inspect_json(&info, envelope_len))?;
        writeln!(stdout)?;
    } else {
        write!(stdout, "{}", inspect_text(&info, envelope_len))?;
    }
    Ok(())
}

/// Reads the header and then the rest of `input` to learn the envelope length. Reading
/// to the end, in place of seeking, also works on pipes and standard input.
fn inspect_reader(input: impl Read) -> Result<(HeaderInfo, u64)> {
    let mut reader = BufReader::new(input);
    let info = inspect(&mut reader).context("cannot read the envelope header")?;
    let rest = io::copy(&mut reader, &mut io::sink()).context("cannot read the envelope")?;
    let envelope_len = info.header_len + rest;
    Ok((info, envelope_len))
}

/// Rejects standard input when it is a terminal: the user most likely forgot the file
/// argument, and the command would otherwise wait silently for typed bytes.
fn reject_terminal_input(path: Option<&Path>) -> Result<()> {
    if path.is_some() {
        return Ok(());
    }
    reject_terminal(
        io::stdin().is_terminal(),
        "no envelope given: pass a file, or pipe the envelope into standard input",
    )
}

fn reject_terminal(is_terminal: bool, message: &'static str) -> Result<()> {
    if is_terminal {
        bail!(message);
    }
    Ok(())
}

fn inspect_text(info: &HeaderInfo, envelope_len: u64) -> String {
    let plaintext = match info.plaintext_len(envelope_len) {
        Some(len) => format!("{len} bytes"),
        None => {
            "unknown: no plaintext seals to this length, so the envelope is truncated or extended"
                .into()
        }
    };
    format!(
        "version:         {}\n\
         key id:          {}\n\
         chunk size:      {} bytes\n\
         header:          {} bytes ({} bytes of encrypted metadata)\n\
         envelope:        {envelope_len} bytes\n\
         plaintext:       {plaintext} (from the envelope length, not verified)\n",
        info.version, info.key_id, info.chunk_size, info.header_len, info.metadata_len,
    )
}

fn inspect_json(info: &HeaderInfo, envelope_len: u64) -> serde_json::Value {
    serde_json::json!({
        "version": info.version,
        "key_id": info.key_id.to_string(),
        "chunk_size": info.chunk_size,
        "header_len": info.header_len,
        "metadata_len": info.metadata_len,
        "envelope_len": envelope_len,
        "plaintext_len": info.plaintext_len(envelope_len),
    })
}

/// Metadata for sealing the file at `path`: its name, size, digest and media type.
///
/// A pipe given by path (a named pipe or `<(command)`) can be read only once, so it gets
/// only the media type, like standard input. Checking the type with `stat` avoids opening
/// it, which would block until a writer appears.
fn file_metadata(path: &Path, content_type: Option<String>, with_digest: bool) -> Result<Metadata> {
    let content_type = content_type.or_else(|| guess_content_type(path).map(str::to_owned));
    let file_type = fs::metadata(path)
        .with_context(|| format!("cannot open {}", path.display()))?
        .file_type();
    if file_type.is_dir() {
        bail!(
            "{} is a directory; give the list file to seal",
            path.display()
        );
    }
    if !file_type.is_file() {
        return Ok(Metadata {
            content_type,
            ..Metadata::default()
        });
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata()?.len();
    let sha256 = if with_digest {
        let (digest, digested) =
            digest_plaintext(file).with_context(|| format!("cannot read {}", path.display()))?;
        if digested != size {
            bail!(
                "{} changed size while it was read; try again once it is complete",
                path.display()
            );
        }
        Some(digest)
    } else {
        None
    };
    Ok(Metadata {
        file_name: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned()),
        plaintext_size: Some(size),
        sha256,
        content_type,
        ..Metadata::default()
    })
}

/// Media type from the file extension; the lists crate detects the real format on open.
fn guess_content_type(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match extension.as_str() {
        "csv" => "text/csv",
        "tsv" | "tab" => "text/tab-separated-values",
        "txt" => "text/plain",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsm" => "application/vnd.ms-excel.sheet.macroEnabled.12",
        "xlsb" => "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
        "xls" => "application/vnd.ms-excel",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        _ => return None,
    })
}

fn read_key_file<K>(path: &Path, what: &str) -> Result<K>
where
    K: std::str::FromStr<Err = sealpost_envelope::Error>,
{
    let text = zeroize::Zeroizing::new(
        fs::read_to_string(path)
            .with_context(|| format!("cannot read {what} file {}", path.display()))?,
    );
    text.parse()
        .with_context(|| format!("{} is not a valid {what} file", path.display()))
}

/// Returns the path of a file argument, or `None` for standard input or output (an
/// omitted argument or `-`).
fn file_path(argument: &Option<PathBuf>) -> Option<&Path> {
    argument.as_deref().filter(|path| path.as_os_str() != "-")
}

fn open_input(path: Option<&Path>) -> Result<Box<dyn Read>> {
    Ok(match path {
        Some(path) => {
            Box::new(File::open(path).with_context(|| format!("cannot open {}", path.display()))?)
        }
        None => Box::new(io::stdin().lock()),
    })
}

fn display_name(path: Option<&Path>) -> String {
    path.map_or_else(
        || "from standard input".into(),
        |path| path.display().to_string(),
    )
}

/// Runs `produce` on the output. A file output is written under a temporary name next
/// to it and renamed into place only on success, so a failure leaves no partial file.
// NOTE: an interrupt (Ctrl-C, SIGTERM) still leaves `OUT.partial` behind, because no
// signal handler removes it; for `open` it holds authenticated but incomplete plaintext.
fn write_output(
    path: Option<&Path>,
    mode: OutputMode,
    produce: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let Some(path) = path else {
        let mut stdout = io::stdout().lock();
        return produce(&mut stdout);
    };
    let partial = with_suffix(path, ".partial");
    // Unbuffered, because the envelope writers write whole chunks. No fsync, as with
    // other file tools: durability is left to the file system.
    let mut file = create_partial(&partial, mode)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let result = produce(&mut file);
    match result {
        Ok(()) => fs::rename(&partial, path)
            .with_context(|| format!("cannot rename {} to {}", partial.display(), path.display())),
        Err(error) => {
            // Best effort: the error being reported matters more than a failed cleanup.
            let _ = fs::remove_file(&partial);
            Err(error)
        }
    }
}

/// Who may read a file output.
#[derive(Clone, Copy, Debug)]
enum OutputMode {
    /// The umask decides, as for other files; for envelopes, which are ciphertext.
    Shared,
    /// Mode 0600 on Unix; for opened lists, which contain personal data.
    OwnerOnly,
}

fn create_partial(path: &Path, mode: OutputMode) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if let OutputMode::OwnerOnly = mode {
            options.mode(0o600);
            let file = options.open(path)?;
            // `mode` applies only to new files, and a stale partial file may remain from
            // an interrupted run.
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
            return Ok(file);
        }
    }
    #[cfg(not(unix))]
    let _ = mode;
    options.open(path)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates `path` with `mode` (on Unix). It fails if the file exists, unless `force` is set.
fn write_new_file(path: &Path, contents: &[u8], mode: u32, force: bool) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(mode);
        let mut file = options
            .open(path)
            .map_err(|error| explain_exists(error, path))?;
        // `mode` applies only to new files, so a replaced file gets it here.
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        file.write_all(contents)?;
        file.sync_all()?;
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        let mut file = options
            .open(path)
            .map_err(|error| explain_exists(error, path))?;
        file.write_all(contents)?;
        file.sync_all()?;
    }
    Ok(())
}

fn explain_exists(error: io::Error, path: &Path) -> anyhow::Error {
    if error.kind() == io::ErrorKind::AlreadyExists {
        anyhow::anyhow!(
            "{} already exists; pass --force to replace it",
            path.display()
        )
    } else {
        error.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_guesses() {
        let cases = [
            ("list.csv", Some("text/csv")),
            (
                "LIST.XLSX",
                Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            (
                "list.ods",
                Some("application/vnd.oasis.opendocument.spreadsheet"),
            ),
            ("list", None),
            ("list.pdf", None),
        ];
        for (name, expected) in cases {
            assert_eq!(guess_content_type(Path::new(name)), expected, "{name}");
        }
    }

    /// Generates a key pair in `dir` and returns (private key path, public key path).
    fn keygen_in(dir: &Path) -> (PathBuf, PathBuf) {
        let output = dir.join("key");
        keygen(&KeygenArgs {
            output: output.clone(),
            force: false,
        })
        .unwrap();
        (output.clone(), with_suffix(&output, ".pub"))
    }

    fn seal_file(public: &Path, input: &Path, output: &Path) -> Result<()> {
        seal(&SealArgs {
            recipient: public.to_path_buf(),
            chunk_size: 100,
            content_type: None,
            no_digest: false,
            input: Some(input.to_path_buf()),
            output: Some(output.to_path_buf()),
        })
    }

    fn open_file(private: &Path, input: &Path, output: &Path) -> Result<()> {
        open(&OpenArgs {
            identity: private.to_path_buf(),
            input: Some(input.to_path_buf()),
            output: Some(output.to_path_buf()),
        })
    }

    #[test]
    fn keygen_writes_private_key_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = keygen_in(dir.path());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&private).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let identity: Identity = read_key_file(&private, "private key").unwrap();
        let recipient: Recipient = read_key_file(&public, "public key").unwrap();
        assert_eq!(identity.recipient(), &recipient);
    }

    #[test]
    fn keygen_keeps_existing_key_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let (private, _) = keygen_in(dir.path());
        let before = fs::read(&private).unwrap();
        let args = KeygenArgs {
            output: private.clone(),
            force: false,
        };
        let error = keygen(&args).unwrap_err();
        assert!(format!("{error:#}").contains("pass --force"), "{error:#}");
        assert_eq!(fs::read(&private).unwrap(), before);
    }

    #[test]
    fn seal_open_files_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = keygen_in(dir.path());
        let plaintext: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let input = dir.path().join("list.csv");
        fs::write(&input, &plaintext).unwrap();
        let sealed = dir.path().join("list.csv.sp");
        seal_file(&public, &input, &sealed).unwrap();

        let info = inspect(File::open(&sealed).unwrap()).unwrap();
        let envelope_len = fs::metadata(&sealed).unwrap().len();
        assert_eq!(info.plaintext_len(envelope_len), Some(1000));
        assert_eq!(info.chunk_size, 100);

        let opened = dir.path().join("opened.csv");
        open_file(&private, &sealed, &opened).unwrap();
        assert_eq!(fs::read(&opened).unwrap(), plaintext);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&opened).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "opened list mode {mode:o}");
        }

        let identity: Identity = read_key_file(&private, "private key").unwrap();
        let opener = Opener::new(File::open(&sealed).unwrap(), &identity).unwrap();
        assert_eq!(opener.metadata().file_name.as_deref(), Some("list.csv"));
        assert_eq!(opener.metadata().content_type.as_deref(), Some("text/csv"));
        assert!(opener.metadata().sha256.is_some());
    }

    #[cfg(unix)]
    #[test]
    fn seal_named_pipe_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = keygen_in(dir.path());
        let fifo = dir.path().join("list.csv");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success(), "mkfifo failed");
        let plaintext: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let writer = {
            let fifo = fifo.clone();
            let plaintext = plaintext.clone();
            // Opening a pipe for writing blocks until the sealer opens it for reading.
            std::thread::spawn(move || fs::write(fifo, plaintext).unwrap())
        };

        let sealed = dir.path().join("list.sp");
        seal_file(&public, &fifo, &sealed).unwrap();
        writer.join().unwrap();

        let opened = dir.path().join("opened.csv");
        open_file(&private, &sealed, &opened).unwrap();
        assert_eq!(fs::read(&opened).unwrap(), plaintext);
        let identity: Identity = read_key_file(&private, "private key").unwrap();
        let opener = Opener::new(File::open(&sealed).unwrap(), &identity).unwrap();
        assert_eq!(opener.metadata().plaintext_size, None);
        assert_eq!(opener.metadata().content_type.as_deref(), Some("text/csv"));
    }

    #[test]
    fn seal_directory_names_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let (_, public) = keygen_in(dir.path());
        let error = seal_file(&public, dir.path(), &dir.path().join("out.sp")).unwrap_err();
        assert!(format!("{error:#}").contains("is a directory"), "{error:#}");
    }

    #[test]
    fn open_tampered_leaves_no_output() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = keygen_in(dir.path());
        let input = dir.path().join("list.csv");
        fs::write(&input, vec![b'x'; 1000]).unwrap();
        let sealed = dir.path().join("list.sp");
        seal_file(&public, &input, &sealed).unwrap();
        let mut envelope = fs::read(&sealed).unwrap();
        let last = envelope.len() - 1;
        envelope[last] ^= 1;
        fs::write(&sealed, envelope).unwrap();

        let opened = dir.path().join("opened.csv");
        let error = open_file(&private, &sealed, &opened).unwrap_err();
        assert!(
            format!("{error:#}").contains("failed authentication"),
            "{error:#}"
        );
        assert!(!opened.exists());
        assert!(!with_suffix(&opened, ".partial").exists());
    }

    #[test]
    fn open_with_other_key_names_both_key_ids() {
        let dir = tempfile::tempdir().unwrap();
        let (_, public) = keygen_in(dir.path());
        let other_dir = tempfile::tempdir().unwrap();
        let (other_private, _) = keygen_in(other_dir.path());
        let input = dir.path().join("list.csv");
        fs::write(&input, b"name\n").unwrap();
        let sealed = dir.path().join("list.sp");
        seal_file(&public, &input, &sealed).unwrap();
        let error = open_file(&other_private, &sealed, &dir.path().join("out")).unwrap_err();
        assert!(
            format!("{error:#}").contains("open it with the matching private key"),
            "{error:#}"
        );
    }

    #[test]
    fn inspect_text_reports_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let (_, public) = keygen_in(dir.path());
        let input = dir.path().join("list.csv");
        fs::write(&input, vec![b'a'; 250]).unwrap();
        let sealed = dir.path().join("list.sp");
        seal_file(&public, &input, &sealed).unwrap();
        let info = inspect(File::open(&sealed).unwrap()).unwrap();
        let envelope_len = fs::metadata(&sealed).unwrap().len();
        let text = inspect_text(&info, envelope_len);
        assert!(text.contains("chunk size:      100 bytes"), "{text}");
        assert!(text.contains("plaintext:       250 bytes"), "{text}");
        // 250 bytes seal to chunks of 116, 116 and 66 bytes; cutting 56 leaves a 10-byte
        // last chunk, shorter than a tag.
        let truncated = inspect_text(&info, envelope_len - 56);
        assert!(truncated.contains("truncated or extended"), "{truncated}");
    }

    #[test]
    fn inspect_reader_counts_unseekable_input() {
        let dir = tempfile::tempdir().unwrap();
        let (_, public) = keygen_in(dir.path());
        let input = dir.path().join("list.csv");
        fs::write(&input, vec![b'a'; 250]).unwrap();
        let sealed = dir.path().join("list.sp");
        seal_file(&public, &input, &sealed).unwrap();
        let envelope = fs::read(&sealed).unwrap();

        // A byte slice cannot seek, like a pipe.
        let (info, envelope_len) = inspect_reader(&envelope[..]).unwrap();
        assert_eq!(envelope_len, envelope.len() as u64);
        assert_eq!(info.plaintext_len(envelope_len), Some(250));
    }

    #[test]
    fn inspect_reader_rejects_garbage() {
        let error = inspect_reader(&b"name,postcode\nAda,N1 9GU\n"[..]).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("not a Sealpost envelope"), "{message}");
    }

    #[test]
    fn broken_pipe_detected_through_envelope_error() {
        let pipe = sealpost_envelope::Error::Io(io::Error::from(io::ErrorKind::BrokenPipe));
        let error = anyhow::Error::new(pipe).context("cannot open envelope list.sp");
        assert!(is_broken_pipe(&error));

        let other = sealpost_envelope::Error::Io(io::Error::from(io::ErrorKind::NotFound));
        assert!(!is_broken_pipe(&anyhow::Error::new(other)));
        assert!(!is_broken_pipe(&anyhow::anyhow!(
            "chunk 0 failed authentication"
        )));
    }

    #[test]
    fn terminal_output_rejected() {
        let error = reject_terminal(true, "cannot write to the terminal").unwrap_err();
        assert_eq!(error.to_string(), "cannot write to the terminal");
        assert!(reject_terminal(false, "unused").is_ok());
    }

    #[test]
    fn dash_means_standard_stream() {
        let cases = [
            (None, None),
            (Some("-"), None),
            (Some("list.csv"), Some("list.csv")),
            (Some("./-"), Some("./-")),
        ];
        for (argument, expected) in cases {
            let argument = argument.map(PathBuf::from);
            assert_eq!(
                file_path(&argument),
                expected.map(Path::new),
                "{argument:?}"
            );
        }
    }

    #[test]
    fn suffix_appends_to_whole_name() {
        assert_eq!(
            with_suffix(Path::new("dir/key"), ".pub"),
            PathBuf::from("dir/key.pub")
        );
        assert_eq!(
            with_suffix(Path::new("key.age"), ".pub"),
            PathBuf::from("key.age.pub")
        );
    }
}
