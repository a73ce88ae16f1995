//! `link-loadgen`: a small HTTP/1.1 load generator for the benchmark (loopback only).
//!
//! Two modes, each over keep-alive connections and printing one JSON object on stdout:
//! - `--concurrency N`: closed loop, N connections each sending its next request as soon as the
//!   previous answer arrived (saturation throughput);
//! - `--rate R`: open loop, request `i` is due at `start + i / R` whatever happened before, and
//!   its latency counts from the moment the scheduler released it (its due time plus the timer's
//!   ~1 ms granularity), queueing for a free connection included, so a slow server cannot hide
//!   its backlog
//!   (no coordinated omission). `--connections` bounds how many are in flight.
//!
//! Requests started during `--warmup` are sent but not counted.

use std::{
    collections::BTreeMap,
    net::{SocketAddr, ToSocketAddrs},
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::{client::conn::http1::SendRequest, Method, Request};
use hyper_util::rt::TokioIo;
use tokio::{
    net::TcpStream,
    sync::{mpsc, Mutex},
};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "link-loadgen",
    about = "HTTP/1.1 load generator (loopback benchmark)"
)]
struct Args {
    /// Target, e.g. http://127.0.0.1:8080/v2/link/providers (plain HTTP only).
    #[arg(long)]
    url: String,
    #[arg(long, default_value = "GET")]
    method: String,
    /// Extra request header `name: value`; repeatable.
    #[arg(long = "header", short = 'H')]
    headers: Vec<String>,
    /// Request body (sent with `content-type: application/json` unless a header sets one).
    #[arg(long)]
    body: Option<String>,
    /// Measured seconds (after the warmup).
    #[arg(long, default_value_t = 5.0)]
    duration: f64,
    /// Seconds of unmeasured traffic first.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Closed loop with this many connections (saturation).
    #[arg(long, conflicts_with = "rate")]
    concurrency: Option<usize>,
    /// Open loop at this many requests per second.
    #[arg(long)]
    rate: Option<f64>,
    /// Connections for `--rate` (the most requests in flight at once).
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Per-request timeout in seconds (counted as an error).
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
}

/// The request every connection repeats.
struct Target {
    addr: SocketAddr,
    authority: String,
    path: String,
    method: Method,
    headers: Vec<(String, String)>,
    body: Bytes,
    timeout: Duration,
}

impl Target {
    fn parse(args: &Args) -> Result<Self, String> {
        let rest = args
            .url
            .strip_prefix("http://")
            .ok_or("only http:// URLs are supported")?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let addr = authority
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {authority}: {e}"))?
            .next()
            .ok_or_else(|| format!("no address for {authority}"))?;
        if !addr.ip().is_loopback() {
            return Err(format!(
                "{addr} is not a loopback address: refusing to load it"
            ));
        }
        let method = Method::from_bytes(args.method.as_bytes()).map_err(|e| e.to_string())?;
        let mut headers = Vec::new();
        for h in &args.headers {
            let (k, v) = h
                .split_once(':')
                .ok_or_else(|| format!("header {h:?} is not `name: value`"))?;
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
        let body = Bytes::from(args.body.clone().unwrap_or_default());
        if args.body.is_some() && !headers.iter().any(|(k, _)| k == "content-type") {
            headers.push(("content-type".into(), "application/json".into()));
        }
        Ok(Target {
            addr,
            authority: authority.to_owned(),
            path: path.to_owned(),
            method,
            headers,
            body,
            timeout: Duration::from_secs_f64(args.timeout),
        })
    }

    fn request(&self) -> Request<Full<Bytes>> {
        let mut b = Request::builder()
            .method(self.method.clone())
            .uri(&self.path)
            .header("host", &self.authority);
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        b.body(Full::new(self.body.clone()))
            .expect("request parts were validated")
    }
}

/// What one connection saw in the measured window.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    status: BTreeMap<u16, u64>,
    errors: u64,
    body_bytes: u64,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (k, v) in other.status {
            *self.status.entry(k).or_default() += v;
        }
        self.errors += other.errors;
        self.body_bytes += other.body_bytes;
    }
}

/// One keep-alive connection, reopened after a failure.
struct Conn {
    target: Arc<Target>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    fn new(target: Arc<Target>) -> Self {
        Conn {
            target,
            sender: None,
        }
    }

    async fn connect(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, String> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            let stream = TcpStream::connect(self.target.addr)
                .await
                .map_err(|e| e.to_string())?;
            let _ = stream.set_nodelay(true);
            let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            self.sender = Some(sender);
        }
        Ok(self.sender.as_mut().expect("just set"))
    }

    /// Sends one request and reads the whole answer: `(status, body bytes)`.
    async fn send(&mut self) -> Result<(u16, usize), String> {
        let timeout = self.target.timeout;
        let req = self.target.request();
        let fut = async {
            let sender = self.connect().await?;
            sender.ready().await.map_err(|e| e.to_string())?;
            let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
            let status = resp.status().as_u16();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>((status, body.to_bytes().len()))
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => {
                self.sender = None;
                Err(e)
            }
            Err(_) => {
                self.sender = None;
                Err("timeout".into())
            }
        }
    }
}

fn record(tally: &mut Tally, result: Result<(u16, usize), String>, latency: Duration) {
    match result {
        Ok((status, bytes)) => {
            *tally.status.entry(status).or_default() += 1;
            tally.body_bytes += bytes as u64;
            if (200..300).contains(&status) {
                tally.latencies_us.push(latency.as_micros() as u64);
            } else {
                tally.errors += 1;
            }
        }
        Err(_) => tally.errors += 1,
    }
}

/// Closed loop: each connection sends back to back until `end`.
async fn saturate(
    target: Arc<Target>,
    connections: usize,
    measure_from: Instant,
    end: Instant,
) -> Tally {
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let target = target.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(target);
            let mut tally = Tally::default();
            loop {
                let start = Instant::now();
                if start >= end {
                    break;
                }
                let result = conn.send().await;
                let done = Instant::now();
                if start >= measure_from && done <= end {
                    record(&mut tally, result, done - start);
                } else if result.is_err() {
                    // Back off briefly so a dead server is not hammered with reconnects.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            tally
        }));
    }
    let mut total = Tally::default();
    for t in tasks {
        if let Ok(t) = t.await {
            total.merge(t);
        }
    }
    total
}

/// How long the open loop may keep answering its backlog after the schedule ended.
const DRAIN: Duration = Duration::from_secs(5);

/// Open loop: requests are due on a fixed schedule; latency counts from their release.
async fn fixed_rate(
    target: Arc<Target>,
    rate: f64,
    connections: usize,
    start: Instant,
    measure_from: Instant,
    end: Instant,
) -> (Tally, u64) {
    let (tx, rx) = mpsc::unbounded_channel::<(Instant, Instant)>();
    let rx = Arc::new(Mutex::new(rx));
    let scheduler = tokio::spawn(async move {
        let period = 1.0 / rate;
        let mut scheduled_measured = 0u64;
        for i in 0u64.. {
            let due = start + Duration::from_secs_f64(i as f64 * period);
            if due >= end {
                break;
            }
            tokio::time::sleep_until(due.into()).await;
            if due >= measure_from {
                scheduled_measured += 1;
            }
            if tx.send((due, Instant::now())).is_err() {
                break;
            }
        }
        scheduled_measured
    });
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let target = target.clone();
        let rx = rx.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(target);
            let mut tally = Tally::default();
            let give_up = end + DRAIN;
            loop {
                let next = { rx.lock().await.recv().await };
                let Some((due, released)) = next else { break };
                if Instant::now() > give_up {
                    // Far behind schedule: what is left is reported as unfinished.
                    continue;
                }
                let result = conn.send().await;
                if due >= measure_from {
                    record(&mut tally, result, released.elapsed());
                }
            }
            tally
        }));
    }
    let scheduled = scheduler.await.unwrap_or(0);
    let mut total = Tally::default();
    for t in tasks {
        if let Ok(t) = t.await {
            total.merge(t);
        }
    }
    (total, scheduled)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

fn ms(v: f64) -> serde_json::Value {
    if v.is_finite() {
        serde_json::json!((v * 1000.0).round() / 1000.0)
    } else {
        serde_json::Value::Null
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let target = match Target::parse(&args) {
        Ok(t) => Arc::new(t),
        Err(e) => {
            eprintln!("link-loadgen: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(args.warmup);
    let end = measure_from + Duration::from_secs_f64(args.duration);

    let (mode, mut tally, scheduled) = match (args.concurrency, args.rate) {
        (Some(c), _) => (
            "saturation",
            saturate(target, c.max(1), measure_from, end).await,
            None,
        ),
        (None, Some(r)) if r > 0.0 => {
            let (t, s) =
                fixed_rate(target, r, args.connections.max(1), start, measure_from, end).await;
            ("fixed-rate", t, Some(s))
        }
        _ => {
            eprintln!("link-loadgen: give --concurrency N or --rate R");
            return std::process::ExitCode::from(2);
        }
    };
    // The open loop drains its queue after `end`: rate over the time it really took.
    let elapsed = Instant::now().saturating_duration_since(measure_from);
    let window = match mode {
        "saturation" => args.duration,
        _ => elapsed.as_secs_f64().max(args.duration),
    };
    tally.latencies_us.sort_unstable();
    let ok = tally.latencies_us.len() as u64;
    let responses: u64 = tally.status.values().sum();
    let mean = if ok > 0 {
        tally.latencies_us.iter().sum::<u64>() as f64 / ok as f64 / 1000.0
    } else {
        f64::NAN
    };
    let status: serde_json::Map<String, serde_json::Value> = tally
        .status
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
        .collect();
    let out = serde_json::json!({
        "mode": mode,
        "url": args.url,
        "method": args.method,
        "connections": args.concurrency.unwrap_or(args.connections),
        "target_rps": args.rate,
        "scheduled": scheduled,
        "unfinished": scheduled.map(|s| s.saturating_sub(ok + tally.errors)),
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "ok": ok,
        "errors": tally.errors,
        "status": status,
        "rps": (ok as f64 / window * 10.0).round() / 10.0,
        "p50_ms": ms(percentile(&tally.latencies_us, 50.0)),
        "p90_ms": ms(percentile(&tally.latencies_us, 90.0)),
        "p99_ms": ms(percentile(&tally.latencies_us, 99.0)),
        "max_ms": ms(percentile(&tally.latencies_us, 100.0)),
        "mean_ms": ms(mean),
        "avg_body_bytes": tally.body_bytes.checked_div(responses).unwrap_or(0),
    });
    println!("{out}");
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(url: &str, body: Option<&str>) -> Args {
        Args::parse_from(
            ["link-loadgen", "--url", url, "--concurrency", "1"]
                .into_iter()
                .chain(body.map(|b| ["--body", b]).into_iter().flatten()),
        )
    }

    #[test]
    fn percentiles_are_nearest_rank_in_ms() {
        let us: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile(&us, 50.0), 50.0);
        assert_eq!(percentile(&us, 99.0), 99.0);
        assert_eq!(percentile(&us, 100.0), 100.0);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn targets_are_loopback_only() {
        let t = Target::parse(&args("http://127.0.0.1:9/v2/link/token", Some("{}"))).unwrap();
        assert_eq!(t.path, "/v2/link/token");
        assert!(t
            .headers
            .iter()
            .any(|(k, v)| k == "content-type" && v == "application/json"));
        assert_eq!(
            Target::parse(&args("http://[::1]:9", None)).unwrap().path,
            "/"
        );
        assert!(Target::parse(&args("http://10.1.2.3:80/", None)).is_err());
        assert!(Target::parse(&args("https://127.0.0.1:9/", None)).is_err());
    }
}
