//! Giving freed memory back to the operating system after loading a large fixture set.
//!
//! Reading 100,000 fixture users frees tens of megabytes on the way (the parsed file, vectors
//! outgrown, the checks' sets) in pieces scattered between the data that stays; glibc keeps
//! such pages mapped, so the server's resident size stays ~20 MB above what it holds (measured
//! with `malloc_stats`, docs/performance.md). `malloc_trim` returns every whole free page.
//! Elsewhere than glibc this does nothing.
#![allow(unsafe_code)]

/// Returns free heap pages to the OS (glibc only); cheap next to loading fixtures, so it is
/// called after that, not per request.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim takes no pointer and only releases pages glibc's allocator holds
        // free; it is safe to call from any thread at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}
