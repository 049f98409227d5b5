//! What Rust asks of a task: a task that borrows a local variable. The
//! pool's thread may still run it after `main` has dropped `cc` (E0373).

use concurrent_futures::ThreadPoolExecutor;

/// A stand-in for the clients' `download_one`: only the types matter here.
fn download_one(cc: &str) -> String {
    cc.to_owned()
}

fn main() {
    let executor = ThreadPoolExecutor::new(4).expect("a pool of 4 threads");
    // ANCHOR: snippet
    let cc = String::from("BR");
    let future = executor.submit(|| download_one(&cc));
    // ANCHOR_END: snippet
    println!("{:?}", future.map(|future| future.result().cloned()));
}
