//! End-to-end tests of the three servers over real sockets: routes,
//! statuses, delays, errors and statistics, as the chapter's clients and
//! `cargo xtask compare` see them.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use flags_server::{Config, Kind, Stats, TestServer, corpus};
use support::{Conn, get};

/// LOCAL serves every one of the 194 flags, byte for byte the corpus.
#[test]
fn local_serves_every_flag() {
    let server = TestServer::start(Config::fast()).unwrap();
    let mut conn = Conn::open(server.addr(Kind::Local)).unwrap();
    for cc in corpus::codes() {
        let cc = cc.to_lowercase();
        let reply =
            conn.request("GET", &format!("/flags/{cc}/{cc}.gif")).unwrap();
        assert_eq!(reply.status, 200, "{cc}");
        assert_eq!(reply.header("content-type"), Some("image/gif"));
        assert_eq!(reply.body, corpus::flag_gif(&cc).unwrap()[..], "{cc}");
    }
}

/// metadata.json is valid JSON in the book's shape, with the book's names.
#[test]
fn metadata_has_the_books_names() {
    let server = TestServer::start(Config::fast()).unwrap();
    let addr = server.addr(Kind::Local);
    for (cc, country, gec) in [
        ("br", "Brazil", "BR"),
        ("jp", "Japan", "JA"),
        ("cd", "Congo (Kinshasa)", "CG"),
        ("gb", "United Kingdom", "UK"),
    ] {
        let reply = get(addr, &format!("/flags/{cc}/metadata.json"));
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let json: BTreeMap<String, String> =
            serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(json["country"], country);
        assert_eq!(json["iso_cc"], cc.to_uppercase());
        assert_eq!(json["gec_cc"], gec);
        let tld = if cc == "gb" { ".uk".to_owned() } else { format!(".{cc}") };
        assert_eq!(json["tld_cc"], tld);
    }
}

/// Codes without a flag and paths outside the three routes are 404.
#[test]
fn unknown_codes_and_paths_are_404() {
    let server = TestServer::start(Config::fast()).unwrap();
    let mut conn = Conn::open(server.addr(Kind::Local)).unwrap();
    for path in [
        "/flags/zz/zz.gif",
        "/flags/do/do.gif",
        "/flags/br/jp.gif",
        "/flags/BR/BR.gif",
        "/flags/br/",
        "/flags",
        "/",
        "/flags/br/br.gif/..",
        "/flags/%62r/%62r.gif",
    ] {
        assert_eq!(conn.request("GET", path).unwrap().status, 404, "{path}");
    }
}

/// HEAD answers the headers of GET, with the length but no body.
#[test]
fn head_sends_no_body() {
    let server = TestServer::start(Config::fast()).unwrap();
    let mut conn = Conn::open(server.addr(Kind::Local)).unwrap();
    let reply = conn.request("HEAD", "/flags/br/br.gif").unwrap();
    assert_eq!(reply.status, 200);
    let length = corpus::flag_gif("br").unwrap().len().to_string();
    assert_eq!(reply.header("content-length"), Some(length.as_str()));
    // The same connection still works, so no stray body bytes were sent.
    assert_eq!(conn.request("GET", "/flags/jp/jp.gif").unwrap().status, 200);
}

/// Methods other than GET and HEAD are 405 with `Allow`, and the
/// connection keeps serving.
#[test]
fn other_methods_are_405() {
    let server = TestServer::start(Config::fast()).unwrap();
    let mut conn = Conn::open(server.addr(Kind::Local)).unwrap();
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"] {
        let reply = conn.request(method, "/flags/br/br.gif").unwrap();
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("allow"), Some("GET, HEAD"));
    }
    assert_eq!(conn.request("GET", "/flags/br/br.gif").unwrap().status, 200);
}

/// A request head larger than the limit is answered 431, and the server
/// goes on serving others.
#[test]
fn huge_heads_are_431() {
    let server = TestServer::start(Config::fast()).unwrap();
    let addr = server.addr(Kind::Local);
    let mut conn = Conn::open(addr).unwrap();
    let filler = "x".repeat(64 * 1024);
    let head =
        format!("GET /flags/br/br.gif HTTP/1.1\r\nX-Big: {filler}\r\n\r\n");
    // The server may answer and close before it has read all we send.
    let _ = conn.send(head.as_bytes());
    let reply = conn.read_reply(false).unwrap();
    assert_eq!(reply.status, 431);
    let mut conn = Conn::open(addr).unwrap();
    let long_path = format!("/flags/{}", "a/".repeat(40_000));
    let _ = conn.send(format!("GET {long_path} HTTP/1.1\r\n\r\n").as_bytes());
    assert!(matches!(conn.read_reply(false).unwrap().status, 400 | 414 | 431));
    assert_eq!(get(addr, "/flags/br/br.gif").status, 200);
}

/// DELAY waits before each GET, within [min, max] as the server's own
/// records measure it; HEAD and /stats are not delayed.
#[test]
fn delay_waits_within_bounds() {
    let config =
        Config::delays(Duration::from_millis(20), Duration::from_millis(40));
    let server = TestServer::start(config).unwrap();
    let mut conn = Conn::open(server.addr(Kind::Delay)).unwrap();
    for _ in 0..10 {
        assert_eq!(
            conn.request("GET", "/flags/br/br.gif").unwrap().status,
            200
        );
    }
    assert_eq!(conn.request("HEAD", "/flags/br/br.gif").unwrap().status, 200);
    let stats = server.stats(Kind::Delay);
    assert_eq!(stats.records.len(), 11);
    for record in &stats.records[..10] {
        assert!((0.020..=0.040).contains(&record.delay), "{record:?}");
        assert!(record.end - record.start >= record.delay, "{record:?}");
    }
    assert_eq!(stats.records[10].delay, 0.0);
}

/// ERROR's 418 rate over 3000 GETs is within 3 standard deviations of the
/// configured rate, and the reason phrase on the wire is the book's.
#[test]
fn error_rate_matches_config() {
    let config = Config {
        min_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        error_rate: 0.25,
        seed: Some(7),
        ..Config::fast()
    };
    let server = TestServer::start(config).unwrap();
    let mut conn = Conn::open(server.addr(Kind::Error)).unwrap();
    let n = 3000;
    let mut teapots = 0;
    for _ in 0..n {
        let reply = conn.request("GET", "/flags/br/br.gif").unwrap();
        match reply.status {
            418 => {
                assert_eq!(reply.reason, "I'm a Teapot");
                teapots += 1;
            }
            200 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    let (n, p) = (f64::from(n), 0.25);
    let sigma = (n * p * (1.0 - p)).sqrt();
    let off = (f64::from(teapots) - n * p).abs();
    assert!(off <= 3.0 * sigma, "{teapots} teapots in {n}");
}

/// With a seed, the Nth request's delay and status depend only on the seed
/// and N: two servers agree, and `reset_stats` starts the sequence again.
#[test]
fn seeded_runs_repeat() {
    let run = |server: &TestServer| {
        let mut conn = Conn::open(server.addr(Kind::Error)).unwrap();
        for _ in 0..40 {
            conn.request("GET", "/flags/br/br.gif").unwrap();
        }
        let stats = server.stats(Kind::Error);
        let draws: Vec<(u16, f64)> =
            stats.records.iter().map(|r| (r.status, r.delay)).collect();
        draws
    };
    let a = TestServer::start(Config::fast()).unwrap();
    let b = TestServer::start(Config::fast()).unwrap();
    let first = run(&a);
    assert_eq!(first, run(&b));
    a.reset_stats(Kind::Error);
    assert_eq!(first, run(&a));
    assert!(first.iter().any(|&(status, _)| status == 418));
    assert!(first.iter().any(|&(status, _)| status == 200));
}

/// `/stats` counts what was sent: requests, statuses, bytes, and the same
/// data over HTTP as from the library; it does not count itself.
#[test]
fn stats_count_what_was_sent() {
    let server = TestServer::start(Config::fast()).unwrap();
    let addr = server.addr(Kind::Local);
    let mut conn = Conn::open(addr).unwrap();
    let mut bytes = 0;
    for cc in ["br", "jp", "cn"] {
        let reply =
            conn.request("GET", &format!("/flags/{cc}/{cc}.gif")).unwrap();
        bytes += reply.body.len() as u64;
    }
    let missing = conn.request("GET", "/flags/zz/zz.gif").unwrap();
    bytes += missing.body.len() as u64;
    conn.request("HEAD", "/flags/br/br.gif").unwrap();
    conn.request("DELETE", "/flags/br/br.gif").unwrap(); // 405, counted
    let over_http: Stats =
        serde_json::from_slice(&conn.request("GET", "/stats").unwrap().body)
            .unwrap();
    let direct = server.stats(Kind::Local);
    for stats in [&over_http, &direct] {
        assert_eq!(stats.requests, 6);
        assert_eq!(
            stats.by_status,
            BTreeMap::from([(200, 4), (404, 1), (405, 1)])
        );
        assert_eq!(stats.in_flight, 0);
        assert_eq!(stats.peak_in_flight, 1);
        assert_eq!(stats.records.len(), 6);
        assert!(stats.records.iter().all(|r| r.connection == 1));
    }
    assert_eq!(direct.bytes, bytes + direct.records[5].bytes);
    assert_eq!(direct.records[4].bytes, 0, "HEAD sends no body");
    assert_eq!(server.stats(Kind::Delay).requests, 0, "ports count apart");
    server.reset_stats(Kind::Local);
    let cleared = server.stats(Kind::Local);
    assert_eq!((cleared.requests, cleared.records.len()), (0, 0));
    assert_eq!(cleared.by_status.len(), 0);
}
