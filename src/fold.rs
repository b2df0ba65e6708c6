//! The crate's one way of folding text for comparison, used by the
//! header mapping (column names against field names) and by the place
//! matcher (input against the data's names): compatibility-decomposed,
//! accents and other combining marks dropped, lower-cased, letters without
//! a decomposition spelled out (`ß` → `ss`, `ø` → `o`); anything but a
//! letter or a digit separates words.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// One piece of folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A folded letter or digit.
    Letter(char),
    /// Any other character, as written: what separates words.
    Gap(char),
}

/// Folds `text`, handing each piece to `each`, in order.
pub(crate) fn fold(text: &str, mut each: impl FnMut(Piece)) {
    // Most names and cells are ASCII, which has nothing to decompose and
    // no marks: the same pieces, without the Unicode tables (which made
    // most of the cost of building the place index, and of matching).
    if text.is_ascii() {
        for c in text.chars() {
            match c.is_ascii_alphanumeric() {
                true => each(Piece::Letter(c.to_ascii_lowercase())),
                false => each(Piece::Gap(c)),
            }
        }
        return;
    }
    fold_unicode(text, each);
}

/// [`fold`] for any text.
fn fold_unicode(text: &str, mut each: impl FnMut(Piece)) {
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if !c.is_alphanumeric() {
            each(Piece::Gap(c));
            continue;
        }
        let spelled: &str = match c {
            'ß' | 'ẞ' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'ł' | 'Ł' => "l",
            'þ' | 'Þ' => "th",
            'ı' => "i",
            _ => {
                for lower in c.to_lowercase().filter(|l| !is_combining_mark(*l)) {
                    each(Piece::Letter(lower));
                }
                continue;
            }
        };
        spelled.chars().for_each(|l| each(Piece::Letter(l)));
    }
}

/// The words of `text`, folded; `&` is the word `and`.
///
/// `words("Straße & Co")` is `["strasse", "and", "co"]`.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    fold(text, |piece| match piece {
        Piece::Letter(c) => word.push(c),
        Piece::Gap(c) => {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if c == '&' {
                words.push("and".to_string());
            }
        }
    });
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The letters and digits of `text`, folded, as one key:
/// `" First-Name* "` is `"firstname"`.
pub(crate) fn key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    fold(text, |piece| {
        if let Piece::Letter(c) = piece {
            key.push(c);
        }
    });
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_accents_case_and_punctuation() {
        assert_eq!(words("Tôkyô"), ["tokyo"]);
        assert_eq!(words("B.C."), ["b", "c"]);
        assert_eq!(words("Thüringen"), ["thuringen"]);
        assert_eq!(words("Straße & Co"), ["strasse", "and", "co"]);
        assert_eq!(words("ＴＯＫＹＯ"), ["tokyo"]);
        assert!(words("…—🙂").is_empty());
    }

    #[test]
    fn ascii_folds_as_any_text_does() {
        let every: String = (0u8..=127).map(char::from).collect();
        for text in [
            every.as_str(),
            "New South Wales",
            "K1A 0B1",
            "O'Brien-Smith & Co.",
        ] {
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            fold(text, |p| fast.push(p));
            fold_unicode(text, |p| general.push(p));
            assert_eq!(fast, general, "{text:?}");
        }
    }

    #[test]
    fn a_key_is_the_words_run_together() {
        for text in [" First Name* ", "Zip/Postal Code", "Ünïcödé Straße", "ﬁrst"] {
            assert_eq!(key(text), words(text).concat(), "{text}");
        }
        assert_eq!(key("E-mail Address"), "emailaddress");
    }
}
