//! One reader for every byte count the crate keeps, so that the subtle part
//! of a limit (the bytes within it delivered before the failure) is written
//! once.

use std::cell::Cell;
use std::io;
use std::rc::Rc;

/// Makes the error a [`Metered`] reader fails with past its limit, given the
/// limit: each use keeps its own error (a file too large, a zip bomb).
pub(crate) type FaultFn = fn(u64) -> io::Error;

/// Counts the bytes read through it and, given a limit, passes at most that
/// many on, then fails.
///
/// It exists so that the file limit, progress reports and a zip's unzipped
/// budget count bytes the same way. The counter may be shared: readers
/// sharing it (every entry of one archive) count into it together, and a
/// limit bounds the bytes they pass on in all. Past the limit, the bytes
/// within it are delivered first, then each read fails with the caller's
/// error.
pub(crate) struct Metered<R> {
    /// The reader counted.
    inner: R,
    /// The bytes passed on, by this reader and every reader sharing it.
    count: Rc<Cell<u64>>,
    /// The most bytes passed on in all, when there is a limit.
    cap: Option<Cap>,
    /// Whether this reader met the limit: it fails from then on, so that
    /// what follows the limit is never read as if the input ended there.
    over: bool,
}

/// A limit: the most bytes the readers sharing a counter pass on together,
/// and the error past it.
#[derive(Clone, Copy)]
struct Cap {
    /// The most bytes, counted on the shared counter.
    max: u64,
    /// The error once they are passed.
    fault: FaultFn,
}

impl<R> Metered<R> {
    /// Wraps `inner`, counting from 0 on a counter of its own, with no limit.
    pub fn new(inner: R) -> Metered<R> {
        Metered {
            inner,
            count: Rc::new(Cell::new(0)),
            cap: None,
            over: false,
        }
    }

    /// Counts on `counter` instead, shared with other readers: their bytes
    /// and this one's add up there, and so count against one limit.
    #[cfg_attr(not(feature = "spreadsheet"), allow(dead_code))]
    pub fn sharing(mut self, counter: Rc<Cell<u64>>) -> Metered<R> {
        self.count = counter;
        self
    }

    /// Passes at most `max` bytes on, counted on the counter (with the
    /// readers sharing it), then fails with `fault(max)`.
    pub fn limit(mut self, max: u64, fault: FaultFn) -> Metered<R> {
        self.cap = Some(Cap { max, fault });
        self
    }

    /// The counter: the bytes passed on so far, by this reader and those
    /// sharing it. A handle, so the caller can watch it while the reader is
    /// used elsewhere.
    pub fn counter(&self) -> Rc<Cell<u64>> {
        Rc::clone(&self.count)
    }

    /// Whether this reader met its limit: the input went past it.
    #[cfg_attr(not(feature = "spreadsheet"), allow(dead_code))]
    pub fn over(&self) -> bool {
        self.over
    }

    /// Counts `n` bytes passed on.
    fn add(&self, n: usize) {
        // Saturating: a count cannot wrap, whatever the input.
        self.count.set(self.count.get().saturating_add(n as u64));
    }
}

impl<R: io::Read> io::Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(cap) = self.cap else {
            let n = self.inner.read(buf)?;
            self.add(n);
            return Ok(n);
        };
        if self.over {
            return Err((cap.fault)(cap.max));
        }
        let room = cap.max.saturating_sub(self.count.get());
        // One byte more than the room tells whether the input goes past.
        let want = usize::try_from(room.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(buf.get_mut(..want).unwrap_or(&mut []))?;
        if n as u64 > room {
            self.over = true;
            // Fewer than `n` bytes, so it fits a usize.
            let passed = usize::try_from(room).unwrap_or(n);
            self.add(passed);
            return match passed {
                0 => Err((cap.fault)(cap.max)),
                // The bytes within the limit first, then the failure.
                _ => Ok(passed),
            };
        }
        self.add(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::super::encoding::Fault;
    use super::*;
    use std::io::Read;

    /// The file limit's error, as `read` gives it.
    fn too_large(limit: u64) -> io::Error {
        io::Error::other(Fault::FileTooLarge { limit })
    }

    #[test]
    fn passes_the_limit_then_fails() {
        let mut m = Metered::new(&b"abcdef"[..]).limit(4, too_large);
        let mut out = Vec::new();
        let err = m.read_to_end(&mut out).unwrap_err();
        assert_eq!(out, b"abcd");
        assert!(err.get_ref().unwrap().downcast_ref::<Fault>().is_some());
        assert!(m.over());
        assert_eq!(m.counter().get(), 4);
    }

    #[test]
    fn input_of_exactly_the_limit_is_read_whole() {
        let mut m = Metered::new(&b"abcd"[..]).limit(4, too_large);
        let mut out = Vec::new();
        m.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"abcd");
        assert!(!m.over());
    }

    #[test]
    fn without_a_limit_it_counts() {
        let mut m = Metered::new(&b"abcdef"[..]);
        let count = m.counter();
        let mut out = Vec::new();
        m.read_to_end(&mut out).unwrap();
        assert_eq!((out.as_slice(), count.get()), (&b"abcdef"[..], 6));
    }

    #[test]
    fn readers_sharing_a_counter_stop_at_the_shared_limit() {
        let fault: FaultFn = |_| io::Error::other("spent");
        let spent = Rc::new(Cell::new(0));
        let mut first = Metered::new(&b"abc"[..])
            .sharing(Rc::clone(&spent))
            .limit(5, fault);
        let mut out = Vec::new();
        first.read_to_end(&mut out).unwrap();
        assert_eq!((out.as_slice(), spent.get()), (&b"abc"[..], 3));

        let mut second = Metered::new(&b"defg"[..])
            .sharing(Rc::clone(&spent))
            .limit(5, fault);
        out.clear();
        let err = second.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.to_string(), "spent");
        assert_eq!((out.as_slice(), spent.get()), (&b"de"[..], 5));
        assert!(second.over() && !first.over());

        // Nothing is left for a third, but an empty one still reads.
        let mut empty = Metered::new(&b""[..])
            .sharing(Rc::clone(&spent))
            .limit(5, fault);
        assert_eq!(empty.read(&mut [0; 8]).unwrap(), 0);
        let mut third = Metered::new(&b"h"[..]).sharing(spent).limit(5, fault);
        assert!(third.read(&mut [0; 8]).is_err() && third.over());
    }
}
