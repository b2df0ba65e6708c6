//! Header mapping on arbitrary column names: no panic, and never one field
//! for two columns.
#![no_main]

use intake::{presets, ColumnOverrides};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Columns are separated by newlines; a leading "!" maps the column to
    // the email field explicitly, a leading "~" ignores it.
    let mut overrides = ColumnOverrides::new();
    let mut header = Vec::new();
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix('!') {
            overrides = overrides.map(name, "email");
            header.push(name.to_string());
        } else if let Some(name) = line.strip_prefix('~') {
            overrides = overrides.ignore(name);
            header.push(name.to_string());
        } else {
            header.push(line.to_string());
        }
    }
    for schema in [presets::contacts(), presets::field_service()] {
        let _ = schema.field_for_header(&text);
        let Ok(map) = schema.map_header_with(&header, &overrides) else {
            continue;
        };
        assert_eq!(map.width(), header.len());
        for col in 0..header.len() {
            let _ = map.note(col);
            let _ = map.matched_by(col);
            if let Some(field) = map.field_of(col) {
                assert!(field < schema.fields().len());
                assert_eq!(map.column_of(field), Some(col), "a field takes one column");
            }
        }
    }
});
