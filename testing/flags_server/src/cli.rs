//! The command line of `flags_server` and [`serve`], the body of its
//! `main`. The options are a `clap::Args` struct so that
//! `cargo xtask serve` can flatten the same options into its own command.
//!
//! It plays the part of the book's two terminals: `python3 -m http.server`
//! in the `flags/` directory (LOCAL, port 8000) and `slow_server.py`
//! (DELAY 8001; ERROR 8002 with `--error-rate`), all in one process.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::{Config, Kind, ServerState, bind, corpus, run};

/// The whole command line of the `flags_server` binary.
#[derive(clap::Parser, Debug)]
#[command(
    name = "flags_server",
    version,
    about = "Serve the flags of the Concurrent Executors chapter offline: \
             LOCAL (answers at once), DELAY (waits before each GET) and \
             ERROR (waits, then sometimes answers 418 I'm a Teapot).",
    after_help = "Routes on each port: GET|HEAD /flags/<cc>/<cc>.gif, \
                  /flags/<cc>/metadata.json, /stats (JSON). \
                  RUST_LOG=flags_server=debug logs every request."
)]
pub struct Cli {
    #[command(flatten)]
    pub server: ServerArgs,
}

/// The server options, shared with `cargo xtask serve`.
#[derive(clap::Args, Clone, Debug)]
pub struct ServerArgs {
    /// Listen on ADDR (repeat for several). Default: 127.0.0.1 and ::1,
    /// loopback only, so http://localhost works either way it resolves.
    #[arg(long = "bind", value_name = "ADDR")]
    pub bind: Vec<IpAddr>,

    /// Port of LOCAL (0 picks a free port).
    #[arg(long, value_name = "PORT", default_value_t = 8000)]
    pub local_port: u16,

    /// Port of DELAY (0 picks a free port).
    #[arg(long, value_name = "PORT", default_value_t = 8001)]
    pub delay_port: u16,

    /// Port of ERROR (0 picks a free port).
    #[arg(long, value_name = "PORT", default_value_t = 8002)]
    pub error_port: u16,

    /// Start only these servers, e.g. `--only local,delay`.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub only: Vec<Kind>,

    /// Shortest delay of DELAY and ERROR before each GET, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.5,
          value_parser = seconds)]
    pub min_delay: f64,

    /// Longest delay, in seconds; each delay is uniform in [min, max].
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0,
          value_parser = seconds)]
    pub max_delay: f64,

    /// Fraction of GETs that ERROR answers with 418 I'm a Teapot.
    #[arg(long, value_name = "RATE", default_value_t = 0.25,
          value_parser = rate)]
    pub error_rate: f64,

    /// Make delays and errors reproducible: the Nth request on a port
    /// always gets the same delay and the same 418 draw.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Serve DIR/<cc>/<cc>.gif and DIR/<cc>/metadata.json (the book's
    /// flags.zip unpacked) instead of the built-in corpus. Nothing outside
    /// DIR is ever served.
    #[arg(long, value_name = "DIR")]
    pub directory: Option<PathBuf>,

    /// Close connections that have not sent a complete request head within
    /// this many seconds (slow or idle clients).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0,
          value_parser = seconds)]
    pub header_timeout: f64,

    /// Print one line per request on stderr as it ends, with its delay,
    /// as slow_server.py prints one per request.
    #[arg(short, long)]
    pub verbose: bool,
}

impl ServerArgs {
    /// The library configuration these options describe.
    pub fn config(&self) -> anyhow::Result<Config> {
        if self.min_delay > self.max_delay {
            bail!(
                "--min-delay {} is longer than --max-delay {}",
                self.min_delay,
                self.max_delay
            );
        }
        Ok(Config {
            min_delay: Duration::from_secs_f64(self.min_delay),
            max_delay: Duration::from_secs_f64(self.max_delay),
            error_rate: self.error_rate,
            seed: self.seed,
            directory: self.directory.clone(),
            header_timeout: Duration::from_secs_f64(self.header_timeout),
            verbose: self.verbose,
            ..Config::default()
        })
    }

    /// The servers to start, in port order.
    pub fn kinds(&self) -> Vec<Kind> {
        Kind::ALL
            .into_iter()
            .filter(|kind| self.only.is_empty() || self.only.contains(kind))
            .collect()
    }

    pub fn port(&self, kind: Kind) -> u16 {
        match kind {
            Kind::Local => self.local_port,
            Kind::Delay => self.delay_port,
            Kind::Error => self.error_port,
        }
    }
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && (0.0..=3600.0).contains(&value) => {
            Ok(value)
        }
        _ => Err("expected a number of seconds between 0 and 3600".into()),
    }
}

fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err("expected a fraction between 0 and 1, e.g. 0.25".into()),
    }
}

/// Logs to stderr; `RUST_LOG` overrides the default, which shows start-up
/// and problems but not every request (that is `debug`, so a benchmark
/// does not measure the terminal).
pub fn init_tracing() {
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = flags_common::log::filter_from_env(LevelFilter::INFO);
    // Colours only for a person at a terminal, as the clients decide.
    let ansi = flags_common::colours_on_stderr();
    let format = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_ansi(ansi);
    tracing_subscriber::registry().with(format).with(filter).init();
}

/// Runs the servers in the foreground until Ctrl-C or SIGTERM, then stops
/// accepting, lets requests in flight finish, and returns `Ok`. A port in
/// use, a bad option or a missing `--directory` is an `Err` with a one-line
/// reason, before anything is served.
pub fn serve(args: &ServerArgs) -> anyhow::Result<()> {
    let config = args.config()?;
    // A multi-threaded runtime, one worker per core: LOCAL is the server
    // that benchmarks measure, and it should use the whole machine.
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let shutdown = shutdown_signal()?;
        serve_until(args, config, shutdown).await
    })
}

async fn serve_until(
    args: &ServerArgs,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let explicit = !args.bind.is_empty();
    let ips = if explicit {
        args.bind.clone()
    } else {
        vec![IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)]
    };
    let (stop, stop_rx) = watch::channel(false);
    let mut servers = JoinSet::new();
    for kind in args.kinds() {
        let state = ServerState::new(config.clone())
            .context("cannot serve --directory")?;
        let mut port = args.port(kind);
        let mut bound = Vec::new();
        for &ip in &ips {
            match bind(SocketAddr::new(ip, port)) {
                // With port 0, the other addresses reuse the port the
                // kernel chose for the first, so one URL reaches both.
                Ok(listener) => {
                    port = listener.local_addr()?.port();
                    bound.push(ip);
                    let mut stop = stop_rx.clone();
                    let shutdown = async move {
                        let _ = stop.wait_for(|stopped| *stopped).await;
                    };
                    servers.spawn(run(listener, kind, state.clone(), shutdown));
                }
                Err(e) if !explicit && ip.is_ipv6() && no_ipv6(&e) => {
                    tracing::debug!("no IPv6 loopback here, skipping ::1: {e}");
                }
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                    bail!(
                        "port {port} ({kind}) is already in use on {ip}; \
                         is another flags_server running?"
                    )
                }
                Err(e) => {
                    bail!("cannot listen on {}: {e}", SocketAddr::new(ip, port))
                }
            }
        }
        println!("{}", banner(kind, port, &bound, explicit, &config));
    }
    if config.directory.is_none() {
        // Draw the 194 flags now, before saying we are ready, so the first
        // client to run does not pay for it (about 0.7 s of a first `-a`
        // run on 2 cores otherwise) and runs compare fairly.
        tokio::task::spawn_blocking(corpus::warm_up).await?;
    }
    println!("Statistics: GET /stats on each port. Ctrl-C to stop.");
    shutdown.await;
    tracing::info!("stopping: no new connections; finishing requests");
    let _ = stop.send(true);
    while let Some(result) = servers.join_next().await {
        result??;
    }
    Ok(())
}

/// One start-up line: label, URL, addresses and behaviour.
fn banner(
    kind: Kind,
    port: u16,
    ips: &[IpAddr],
    explicit: bool,
    config: &Config,
) -> String {
    let host = match ips.first() {
        Some(_) if !explicit => "localhost".to_owned(),
        Some(IpAddr::V6(ip)) => format!("[{ip}]"),
        Some(IpAddr::V4(ip)) => ip.to_string(),
        None => "?".to_owned(),
    };
    let addrs: Vec<String> = ips.iter().map(IpAddr::to_string).collect();
    let (min, max) =
        (config.min_delay.as_secs_f64(), config.max_delay.as_secs_f64());
    let behaviour = match kind {
        Kind::Local => "no delay".to_owned(),
        Kind::Delay => format!("delay {min}..{max} s"),
        Kind::Error => format!(
            "delay {min}..{max} s, then 418 for {}% of GETs",
            config.error_rate * 100.0
        ),
    };
    format!(
        "{kind} http://{host}:{port}/flags  ({}; {behaviour})",
        addrs.join(", ")
    )
}

/// Errors binding ::1 that mean "this machine has no IPv6", not "busy".
fn no_ipv6(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::AddrNotAvailable || no_ipv6_family(e)
}

/// EAFNOSUPPORT: a kernel without IPv6 (97 on Linux, 47 on macOS and the
/// BSDs), hence libc's constant.
#[cfg(unix)]
fn no_ipv6_family(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::EAFNOSUPPORT)
}

/// Windows' WSAEAFNOSUPPORT, for a machine whose IPv6 stack is off.
#[cfg(windows)]
fn no_ipv6_family(e: &io::Error) -> bool {
    e.raw_os_error() == Some(10047)
}

/// A future that completes on Ctrl-C (SIGINT) or SIGTERM. The handlers
/// are installed here, before the server says it is ready, so a signal
/// sent right after the start-up lines stops it gracefully instead of
/// killing it. Call inside the runtime.
#[cfg(unix)]
fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}
