//! What Rust asks of a task: an `Rc` moved into a task. Its count is not
//! atomic, so two threads must never hold clones of it (E0277, `Send`).

use std::rc::Rc;

use concurrent_futures::ThreadPoolExecutor;

fn main() {
    let executor = ThreadPoolExecutor::new(4).expect("a pool of 4 threads");
    // ANCHOR: snippet
    let cc_list = Rc::new(vec![String::from("BR"), String::from("CN")]);
    let shared = Rc::clone(&cc_list);
    let future = executor.submit(move || shared.len());
    // ANCHOR_END: snippet
    println!("{} codes, {:?}", cc_list.len(), future.is_ok());
}
