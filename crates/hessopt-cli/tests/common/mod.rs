//! Test plumbing shared by the CLI's hostile-input tests: running the binary under a time limit.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The longest a single run may take before it counts as a hang.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Runs the binary with `args`, killing it after [`LIMIT`].
pub fn run(args: &[String]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hessopt"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("{args:?} did not finish in {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
