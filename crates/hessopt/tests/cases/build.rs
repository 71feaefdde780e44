//! One loud line at build time when the reference cases are missing: which tests will skip.
//! The search is the library's `shared_file`: `$HESSOPT_SHARED`, else a `shared` folder beside
//! the package directory or any of its ancestors.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=HESSOPT_SHARED");
    println!("cargo:rerun-if-env-changed=HESSOPT_REQUIRE_SHARED");
    println!("cargo:rerun-if-changed=skipping_tests.txt");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut roots: Vec<PathBuf> = std::env::var("HESSOPT_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    roots.extend(manifest.ancestors().map(|a| a.join("shared")));
    let found = roots.iter().find(|r| r.join("cases").is_dir());
    match found {
        // Rebuild (and check again) when the folder goes away.
        Some(dir) => println!("cargo:rerun-if-changed={}", dir.join("cases").display()),
        None => {
            // Cargo replays this warning on every build until the script runs again (when the
            // variables change; a folder created later is found by the tests themselves at run
            // time, and `cargo clean -p hessopt-cases` drops the stale notice).
            if std::env::var("HESSOPT_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
                return; // the tests fail instead
            }
            let list = include_str!("skipping_tests.txt").trim();
            println!(
                "cargo:warning=../shared not found (set HESSOPT_SHARED to it): these tests skip their reference cases and pass: {list}"
            );
        }
    }
}
