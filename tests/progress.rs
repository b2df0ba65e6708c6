//! Progress reports and cancellation.

mod common;

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};

use common::{assert_counts_add_up, contacts};
use intake::{MemoryStore, Progress};

/// A file of `n` distinct customers.
fn customers(n: usize) -> String {
    let mut csv = String::from("email,first_name\n");
    for i in 0..n {
        csv.push_str(&format!("c{i}@example.com,Name{i}\n"));
    }
    csv
}

/// Collects every progress report.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Progress>>>);

impl Recorder {
    fn callback(&self) -> impl Fn(&Progress) -> ControlFlow<()> + Send + Sync + 'static {
        let log = Arc::clone(&self.0);
        move |p: &Progress| {
            log.lock().unwrap().push(*p);
            ControlFlow::Continue(())
        }
    }

    fn seen(&self) -> Vec<Progress> {
        self.0.lock().unwrap().clone()
    }
}

/// Cancels once `rows` rows are done.
fn cancel_after(rows: u64) -> impl Fn(&Progress) -> ControlFlow<()> + Send + Sync + 'static {
    move |p: &Progress| {
        if p.rows >= rows {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

#[test]
fn progress_is_reported_after_every_batch() {
    let csv = customers(10);
    let recorder = Recorder::default();
    contacts()
        .batch_size(4)
        .input_len(csv.len() as u64)
        .on_progress(recorder.callback())
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    let seen = recorder.seen();
    let rows: Vec<u64> = seen.iter().map(|p| p.rows).collect();
    assert_eq!(rows, vec![4, 8, 10]);
    assert!(seen.iter().all(|p| p.total_bytes == Some(csv.len() as u64)));
    assert_eq!(seen.last().map(|p| p.bytes), Some(csv.len() as u64));
    assert_eq!(seen.last().and_then(Progress::fraction), Some(1.0));
}

#[test]
fn bytes_done_never_go_back() {
    let csv = customers(5000);
    let recorder = Recorder::default();
    contacts()
        .batch_size(500)
        .on_progress(recorder.callback())
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    let seen = recorder.seen();
    assert_eq!(seen.len(), 10);
    assert!(seen.windows(2).all(|w| w[0].bytes <= w[1].bytes));
    assert!(seen.iter().all(|p| p.total_bytes.is_none()));
}

#[test]
fn cancelled_import_keeps_the_batches_before_it() {
    let csv = customers(10);
    let mut store = MemoryStore::new();
    let report = contacts()
        .batch_size(3)
        .on_progress(cancel_after(6))
        .import(csv.as_bytes(), &mut store)
        .unwrap();
    assert_counts_add_up(&report);
    assert_eq!((report.rows, report.inserted), (6, 6));
    assert_eq!(store.len(), 6);
    let stopped = report.stopped.clone().expect("cancelled");
    assert_eq!(stopped.code.as_str(), "cancelled");
    // Rows 2..=7 were imported; row 8 (line 8) is the first not imported.
    assert_eq!(stopped.line(), Some(8));
    assert!(stopped.message.contains("row 8"), "{}", stopped.message);
    assert!(
        report.summary().contains("cancelled"),
        "{}",
        report.summary()
    );
}

#[test]
fn cancelled_atomic_import_writes_nothing() {
    let csv = customers(10);
    let mut store = MemoryStore::new();
    let report = contacts()
        .batch_size(3)
        .on_progress(cancel_after(3))
        .import_atomic(csv.as_bytes(), &mut store)
        .unwrap();
    assert!(report.rolled_back);
    assert_eq!(report.stopped.map(|s| s.code.as_str()), Some("cancelled"));
    assert!(store.is_empty());
}

#[test]
fn cancelling_after_the_last_batch_is_not_a_cancellation() {
    let csv = customers(6);
    let mut store = MemoryStore::new();
    let report = contacts()
        .batch_size(3)
        .on_progress(cancel_after(6))
        .import(csv.as_bytes(), &mut store)
        .unwrap();
    assert!(report.stopped.is_none());
    assert_eq!(store.len(), 6);
}

#[test]
fn rows_from_an_iterator_report_rows_but_no_bytes() {
    let header = vec!["email".to_string()];
    let rows = (0..5).map(|i| vec![format!("c{i}@example.com")]);
    let recorder = Recorder::default();
    contacts()
        .batch_size(2)
        .on_progress(recorder.callback())
        .import_rows(header, rows, &mut MemoryStore::new())
        .unwrap();
    let seen = recorder.seen();
    assert_eq!(seen.iter().map(|p| p.rows).collect::<Vec<_>>(), [2, 4, 5]);
    assert!(seen.iter().all(|p| p.bytes == 0));
}
