//! The `callqa` binary: parse arguments, run, map the outcome to an exit code.

/// mimalloc: scoring and reporting allocate many small strings (evidence, quotes); it is measurably faster
/// than the system allocator there (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    callqa::cli::main()
}
