//! What Rust asks of a task: one `move` closure per code, each taking the
//! same `String`. The first task owns it; the next cannot (E0382).

use concurrent_futures::ThreadPoolExecutor;

/// A stand-in for the clients' `get_flag`: only the types matter here.
fn get_flag(base_url: &str, cc: &str) -> String {
    format!("{base_url}/{cc}/{cc}.gif")
}

fn main() {
    let executor = ThreadPoolExecutor::new(4).expect("a pool of 4 threads");
    // ANCHOR: snippet
    let base_url = String::from("http://localhost:8001/flags");
    let mut to_do = Vec::new();
    for cc in ["BR", "CN", "ID"] {
        to_do.push(executor.submit(move || get_flag(&base_url, cc)));
    }
    // ANCHOR_END: snippet
    println!("{} tasks", to_do.len());
}
