//! Elasticsearch's `simple_query_string` (with `default_operator: AND`) as an SQLite FTS5 query
//! (`argilla-2x-records-api.md` §5.3). Terms are words as the index splits them (runs of letters
//! and digits, lower-cased); `"a phrase"`, `prefix*`, `-excluded`, `a | b`, `+`, parentheses and
//! `\` escapes are read as Lucene's SimpleQueryParser reads them: left to right, each operator
//! joining what came before with what follows. Fuzziness (`word~2`) is read as the plain word.

/// A parsed query, ready for `records_text MATCH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMatch {
    /// Records matching the expression.
    Matching(String),
    /// Records not matching the expression (a query made only of exclusions).
    NotMatching(String),
    /// A query without any word matches nothing.
    Nothing,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// Words that must all occur, as an FTS5 expression.
    Leaf(String),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    And,
    Or,
}

/// The FTS5 query for `q`.
pub fn text_match(q: &str) -> TextMatch {
    let chars: Vec<char> = q.chars().collect();
    let mut at = 0;
    let Some(node) = parse_group(&chars, &mut at) else {
        return TextMatch::Nothing;
    };
    if let Some(excluded) = only_exclusions(&node) {
        let parts: Vec<String> = excluded.into_iter().filter_map(fts).collect();
        return match parts.is_empty() {
            true => TextMatch::Nothing,
            false => TextMatch::NotMatching(format!("({})", parts.join(" OR "))),
        };
    }
    fts(&node).map_or(TextMatch::Nothing, TextMatch::Matching)
}

/// What a query made only of exclusions (`-a -b`) excludes.
fn only_exclusions(node: &Node) -> Option<Vec<&Node>> {
    match node {
        Node::Not(inner) => Some(vec![inner.as_ref()]),
        Node::And(a, b) => {
            let mut all = only_exclusions(a)?;
            all.extend(only_exclusions(b)?);
            Some(all)
        }
        _ => None,
    }
}

/// Clauses up to the end or a closing parenthesis, joined left to right.
fn parse_group(chars: &[char], at: &mut usize) -> Option<Node> {
    let mut result: Option<Node> = None;
    let mut op = Op::And;
    let mut negate = false;
    while *at < chars.len() {
        let c = chars[*at];
        match c {
            c if c.is_whitespace() => *at += 1,
            '|' => {
                op = Op::Or;
                *at += 1;
            }
            '+' => {
                op = Op::And;
                *at += 1;
            }
            '-' => {
                negate = !negate;
                *at += 1;
            }
            ')' => {
                *at += 1;
                break;
            }
            _ => {
                let clause = match c {
                    '(' => {
                        *at += 1;
                        parse_group(chars, at)
                    }
                    '"' => parse_phrase(chars, at),
                    _ => parse_term(chars, at),
                };
                if let Some(clause) = clause {
                    let clause = if negate {
                        Node::Not(Box::new(clause))
                    } else {
                        clause
                    };
                    result = Some(match result {
                        None => clause,
                        Some(before) => match op {
                            Op::And => Node::And(Box::new(before), Box::new(clause)),
                            Op::Or => Node::Or(Box::new(before), Box::new(clause)),
                        },
                    });
                }
                op = Op::And;
                negate = false;
            }
        }
    }
    result
}

fn parse_phrase(chars: &[char], at: &mut usize) -> Option<Node> {
    *at += 1;
    let mut text = String::new();
    while *at < chars.len() && chars[*at] != '"' {
        if chars[*at] == '\\' && *at + 1 < chars.len() {
            *at += 1;
        }
        text.push(chars[*at]);
        *at += 1;
    }
    *at += 1;
    let slop = read_slop(chars, at);
    let words = words(&text);
    match (words.len(), slop) {
        (0, _) => None,
        (1, _) => Some(Node::Leaf(quoted(&words[0]))),
        (_, Some(slop)) if slop > 0 => {
            let list: Vec<String> = words.iter().map(|w| quoted(w)).collect();
            Some(Node::Leaf(format!("NEAR({}, {slop})", list.join(" "))))
        }
        _ => Some(Node::Leaf(quoted(&words.join(" ")))),
    }
}

fn parse_term(chars: &[char], at: &mut usize) -> Option<Node> {
    let mut text = String::new();
    let mut prefix = false;
    while *at < chars.len() {
        let c = chars[*at];
        if c.is_whitespace() || "|+()\"".contains(c) {
            break;
        }
        if c == '\\' && *at + 1 < chars.len() {
            *at += 1;
            text.push(chars[*at]);
        } else if c == '*' {
            prefix = true;
        } else if c == '~' {
            *at += 1;
            read_slop(chars, at);
            continue;
        } else {
            text.push(c);
        }
        *at += 1;
    }
    let words = words(&text);
    let last = words.len().checked_sub(1)?;
    let parts: Vec<String> = (words.iter().enumerate())
        .map(|(i, w)| {
            if prefix && i == last {
                format!("{}*", quoted(w))
            } else {
                quoted(w)
            }
        })
        .collect();
    Some(Node::Leaf(parts.join(" AND ")))
}

/// The number after a `~`, if there is one.
fn read_slop(chars: &[char], at: &mut usize) -> Option<u32> {
    if *at < chars.len() && chars[*at] == '~' {
        *at += 1;
    }
    let start = *at;
    while *at < chars.len() && chars[*at].is_ascii_digit() {
        *at += 1;
    }
    chars[start..*at].iter().collect::<String>().parse().ok()
}

/// The words of `text` as the index has them: runs of letters and digits, lower-cased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn quoted(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// The node as FTS5 syntax; exclusions need something to exclude from (inside an OR, or
/// alone in a group, they are dropped: FTS5 has no "everything but").
fn fts(node: &Node) -> Option<String> {
    match node {
        Node::Leaf(expr) => Some(format!("({expr})")),
        Node::And(a, b) => match (a.as_ref(), b.as_ref()) {
            (Node::Not(_), Node::Not(_)) => None,
            (Node::Not(x), other) | (other, Node::Not(x)) => match (fts(other), fts(x)) {
                (Some(keep), Some(drop)) => Some(format!("({keep} NOT {drop})")),
                (keep, _) => keep,
            },
            _ => match (fts(a), fts(b)) {
                (Some(a), Some(b)) => Some(format!("({a} AND {b})")),
                (one, other) => one.or(other),
            },
        },
        Node::Or(a, b) => match (fts(a), fts(b)) {
            (Some(a), Some(b)) => Some(format!("({a} OR {b})")),
            (one, other) => one.or(other),
        },
        Node::Not(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(q: &str) -> String {
        match text_match(q) {
            TextMatch::Matching(e) => e,
            other => panic!("{q}: {other:?}"),
        }
    }

    #[test]
    fn words_are_anded_and_lower_cased() {
        assert_eq!(m("Quick fox"), "((\"quick\") AND (\"fox\"))");
        assert_eq!(m("foo-bar"), "(\"foo\" AND \"bar\")");
    }

    #[test]
    fn operators_join_left_to_right() {
        assert_eq!(m("a b | c"), "(((\"a\") AND (\"b\")) OR (\"c\"))");
        assert_eq!(m("a -b"), "((\"a\") NOT (\"b\"))");
        assert_eq!(m("-b a"), "((\"a\") NOT (\"b\"))");
        assert_eq!(m("(a | b) c"), "(((\"a\") OR (\"b\")) AND (\"c\"))");
    }

    #[test]
    fn phrases_prefixes_and_slop() {
        assert_eq!(m("\"Quick Fox\""), "(\"quick fox\")");
        assert_eq!(m("qui*"), "(\"qui\"*)");
        assert_eq!(m("\"a b\"~2"), "(NEAR(\"a\" \"b\", 2))");
        assert_eq!(m("fox~1"), "(\"fox\")");
    }

    #[test]
    fn exclusions_alone_and_empty_queries() {
        assert_eq!(
            text_match("-fox"),
            TextMatch::NotMatching("((\"fox\"))".into())
        );
        assert_eq!(
            text_match("-fox -dog"),
            TextMatch::NotMatching("((\"fox\") OR (\"dog\"))".into())
        );
        assert_eq!(text_match("!!!"), TextMatch::Nothing);
        assert_eq!(text_match(""), TextMatch::Nothing);
    }
}
