import CMalloc

/// The C heap's settings for a short-lived command-line process.
public enum HeapSettings {
    /// The fixed trim threshold `keepFreedHeap` sets: 1 GiB, in effect "never trim".
    public static let trimThreshold: Int32 = 1 << 30

    /// Keeps freed heap memory in the process instead of handing it back to the kernel.
    ///
    /// glibc trims the top of the heap once its free part passes a threshold that glibc adjusts by itself from the
    /// sizes of the largest blocks freed so far. A run that frees a few large arrays and then allocates again (a
    /// 10,000-profile `chain --all-profiles`, the explorer redrawing) then page-faults the same memory back in:
    /// in the config benchmark 2,000-4,000 faults and 5-15 ms per pass (docs/performance.md). rolehop runs for
    /// seconds, or as long as an explorer is open, and its heap is at most tens of MiB, so returning it early
    /// buys nothing. Setting the threshold also fixes glibc's mmap threshold at its default (128 KiB). Call once,
    /// first thing in `main`; the config benchmark calls it too, so it measures what the program does.
    public static func keepFreedHeap() {
        _ = rolehop_set_trim_threshold(trimThreshold)
    }
}
