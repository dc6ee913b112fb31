//! Zero-padded number formats such as `00000` (US ZIP codes) and `00000-0000` (ZIP+4),
//! which Excel applies to identifiers stored as numbers so their leading zeros show.

use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Digit,
    Literal(char),
}

/// A format made only of `0` digit placeholders and literal characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigitFormat {
    tokens: Vec<Token>,
}

impl DigitFormat {
    /// Parses the first section of an Excel format code, returning `None` unless it is
    /// digit placeholders (`0`) mixed only with spaces, hyphens, backslash-escaped
    /// characters and quoted text.
    pub(crate) fn parse(code: &str) -> Option<Self> {
        let section = code.split(';').next()?;
        let mut tokens = Vec::new();
        let mut chars = section.chars();
        while let Some(char) = chars.next() {
            match char {
                '0' => tokens.push(Token::Digit),
                ' ' | '-' => tokens.push(Token::Literal(char)),
                '\\' => tokens.push(Token::Literal(chars.next()?)),
                '"' => {
                    for quoted in chars.by_ref() {
                        if quoted == '"' {
                            break;
                        }
                        tokens.push(Token::Literal(quoted));
                    }
                }
                _ => return None,
            }
        }
        if tokens
            .iter()
            .filter(|token| **token == Token::Digit)
            .count()
            < 2
        {
            return None;
        }
        Some(Self { tokens })
    }

    /// Appends `value` in this format when it is a non-negative integer below 10^15,
    /// returning false (and appending nothing) otherwise. Digits beyond the placeholders
    /// go before the first one, as Excel shows them.
    pub(crate) fn render(&self, value: f64, out: &mut String) -> bool {
        if !(0.0..1e15).contains(&value) || value.fract() != 0.0 {
            return false;
        }
        let placeholders = self
            .tokens
            .iter()
            .filter(|token| **token == Token::Digit)
            .count();
        let mut digits = String::with_capacity(24);
        let _ = write!(digits, "{:0placeholders$}", value as u64);
        let mut rendered = Vec::with_capacity(self.tokens.len() + digits.len());
        let mut remaining = digits.as_str();
        let mut seen = 0;
        for token in self.tokens.iter().rev() {
            match token {
                Token::Literal(char) => rendered.push(char.to_string()),
                Token::Digit => {
                    seen += 1;
                    // The leftmost placeholder takes every digit left over.
                    let take = if seen == placeholders {
                        remaining.len()
                    } else {
                        1
                    };
                    let (rest, taken) = remaining.split_at(remaining.len() - take);
                    rendered.push(taken.to_owned());
                    remaining = rest;
                }
            }
        }
        for part in rendered.iter().rev() {
            out.push_str(part);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_format_table() {
        let cases: &[(&str, f64, Option<&str>)] = &[
            ("00000", 2101.0, Some("02101")),
            ("00000", 123_456.0, Some("123456")),
            ("00000-0000", 21_011_234.0, Some("02101-1234")),
            ("000\\-000\\-0000", 2_025_550_123.0, Some("202-555-0123")),
            ("\"#\"00000", 42.0, Some("#00042")),
            ("00000;[Red]-00000", 7.0, Some("00007")),
            ("00000", -5.0, None),
            ("00000", 1.5, None),
            ("0", 3.0, None),
            ("0.00", 3.0, None),
            ("General", 3.0, None),
            ("#,##0", 3.0, None),
        ];
        for (code, value, expected) in cases {
            let mut out = String::new();
            let rendered =
                DigitFormat::parse(code).is_some_and(|format| format.render(*value, &mut out));
            assert_eq!(
                rendered.then_some(out.as_str()),
                *expected,
                "format {code} value {value}"
            );
        }
    }
}
