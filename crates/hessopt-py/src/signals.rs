//! Ctrl-C in runs without the GIL: the library's loop calls back every iteration, and every
//! [`SIGNAL_PERIOD`] the callback takes the GIL to check for a pending signal.

use std::time::{Duration, Instant};

use pyo3::prelude::*;

use hessopt::solve::{Callback, Control, IterationInfo};

/// How often a run without the GIL takes it back to check for Ctrl-C.
const SIGNAL_PERIOD: Duration = Duration::from_millis(20);

/// Runs `run` with the GIL released, handing it a callback that checks for Ctrl-C now and then;
/// a pending `KeyboardInterrupt` stops the run (the callback asks to stop) and is the error,
/// otherwise the run's own result.
pub(crate) fn detached_interruptible<T: Send>(
    py: Python<'_>,
    run: impl for<'c> FnOnce(Callback<'c>) -> T + Send,
) -> PyResult<T> {
    let (r, interrupted) = py.detach(|| {
        let mut interrupted = None;
        let mut last = Instant::now();
        let mut cb = |_: &IterationInfo| -> Control {
            if last.elapsed() < SIGNAL_PERIOD {
                return Control::Continue;
            }
            last = Instant::now();
            match Python::attach(|py| py.check_signals()) {
                Ok(()) => Control::Continue,
                Err(e) => {
                    interrupted = Some(e);
                    Control::Stop
                }
            }
        };
        let r = run(&mut cb);
        (r, interrupted)
    });
    match interrupted {
        Some(e) => Err(e),
        None => Ok(r),
    }
}
