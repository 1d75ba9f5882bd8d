//! What the journal keeps of a request's credentials: nothing. Headers, query parameters and
//! bodies are masked by rule (a name that says it carries a secret) and by value (anything
//! equal to an API key of the instance, whatever its name), before an entry is stored.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::db::KnownKeys;
use crate::extract::is_form_content_type;

/// What replaces a secret in the journal.
pub const MASK: &str = "***";

/// Bodies larger than this are not kept, only their size: a journal of 10,000 entries must not
/// hold 10,000 large uploads.
pub const MAX_KEPT_BODY: usize = 64 * 1024;

/// The API keys a value is compared with (none when the instance's could not be read).
#[derive(Debug, Clone, Copy, Default)]
pub struct Secrets<'a> {
    keys: Option<&'a KnownKeys>,
}

impl<'a> Secrets<'a> {
    pub fn new(keys: Option<&'a KnownKeys>) -> Secrets<'a> {
        Secrets { keys }
    }

    /// Whether `value`, or one of its words (`Token <key>`, `a, <key>`), is an API key.
    fn holds_key(&self, value: &str) -> bool {
        let Some(keys) = self.keys else {
            return false;
        };
        let is_separator = |c: char| c.is_whitespace() || c == ',' || c == ';';
        keys.contains(value)
            || (value.contains(is_separator)
                && value
                    .split(is_separator)
                    .any(|word| !word.is_empty() && keys.contains(word)))
    }
}

/// Whether a header, query parameter or body field name says it carries a credential: names
/// ending in `api-key`, `apikey`, `-key`, `token`, `secret`, `password` (`_` counts as `-`, any
/// case), and `authorization`, `proxy-authorization`, `cookie`, `set-cookie`, `key`.
pub fn is_secret_name(name: &str) -> bool {
    // Compared byte by byte, folded as described, without making a folded copy: this runs
    // for every header of every request the journal keeps.
    let fold = |b: &u8| match b {
        b'_' => b'-',
        b => b.to_ascii_lowercase(),
    };
    let name = name.as_bytes();
    let is = |target: &str| name.len() == target.len() && name.iter().map(fold).eq(target.bytes());
    let ends_with = |end: &str| {
        name.len() >= end.len()
            && name[name.len() - end.len()..]
                .iter()
                .map(fold)
                .eq(end.bytes())
    };
    [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "key",
    ]
    .iter()
    .any(|full| is(full))
        || ["api-key", "apikey", "-key", "token", "secret", "password"]
            .iter()
            .any(|end| ends_with(end))
}

/// Body fields that are secrets though their names follow no rule above.
const OTHER_SECRET_FIELDS: [&str; 1] = ["password_hash"];

fn is_secret_field(name: &str) -> bool {
    is_secret_name(name) || OTHER_SECRET_FIELDS.contains(&name)
}

/// A header's value as the journal keeps it (`name` in lower case, as `HeaderName` has it).
/// An `Authorization` header keeps its scheme (`Bearer ***`), which tells how the client
/// authenticated. Borrowed when nothing is masked.
pub fn masked_header_value<'v>(name: &str, value: &'v [u8], secrets: Secrets<'_>) -> Cow<'v, str> {
    if name == "authorization" || name == "proxy-authorization" {
        let text = String::from_utf8_lossy(value);
        return match text.split_once(' ') {
            Some((scheme, _)) if !secrets.holds_key(scheme) => format!("{scheme} {MASK}").into(),
            _ => MASK.into(),
        };
    }
    if is_secret_name(name) {
        return MASK.into();
    }
    let text = String::from_utf8_lossy(value);
    match secrets.holds_key(&text) {
        true => MASK.into(),
        false => text,
    }
}

/// A query string as the journal keeps it: the value of each secret parameter masked, the
/// rest as sent.
pub fn masked_query(query: &str, secrets: Secrets<'_>) -> String {
    let mut out = String::with_capacity(query.len());
    let decode = |s: &str| {
        let spaced = match s.contains('+') {
            true => Cow::Owned(s.replace('+', " ")),
            false => Cow::Borrowed(s),
        };
        percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
    };
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if is_secret_name(&decode(name)) || secrets.holds_key(&decode(value)) {
            out.push_str(name);
            out.push('=');
            out.push_str(MASK);
        } else {
            out.push_str(pair);
        }
    }
    out
}

/// A body as the journal keeps it: parsed JSON or form text with secrets masked. A body that
/// cannot be read field by field but mentions a secret field (or holds a key) is replaced by
/// its size.
pub fn masked_body(
    bytes: &[u8],
    content_type: Option<&str>,
    secrets: Secrets<'_>,
) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    let omitted = |why: &str| {
        Some(Value::String(format!(
            "<{} bytes not kept: {why}>",
            bytes.len()
        )))
    };
    if bytes.len() > MAX_KEPT_BODY {
        return omitted("larger than 64 KiB");
    }
    if content_type.is_some_and(is_form_content_type) {
        if let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes) {
            if fields.iter().all(|(k, _)| !k.contains(['{', '"', '['])) {
                let masked: Vec<(String, String)> = fields
                    .into_iter()
                    .map(|(k, v)| {
                        if is_secret_field(&k) || secrets.holds_key(&v) {
                            (k, MASK.to_owned())
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
                return Some(Value::String(
                    serde_urlencoded::to_string(masked).unwrap_or_default(),
                ));
            }
        }
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut json) => {
            mask_json(&mut json, secrets);
            Some(json)
        }
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            let lower = text.to_ascii_lowercase();
            let names_secret = ["password", "api_key", "apikey", "token", "secret"]
                .iter()
                .any(|f| lower.contains(f));
            if names_secret || secrets.holds_key(&text) {
                omitted("unreadable, and it names a credential field")
            } else {
                Some(Value::String(text.into_owned()))
            }
        }
    }
}

/// Masks secret members of objects, strings equal to a key, and the values of
/// `["password", "…"]` pairs (the real server accepts a list of pairs as a body).
fn mask_json(value: &mut Value, secrets: Secrets<'_>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_field(key) {
                    *v = Value::String(MASK.to_owned());
                } else {
                    mask_json(v, secrets);
                }
            }
        }
        Value::Array(items) => {
            let is_secret_pair = items.len() == 2 && items[0].as_str().is_some_and(is_secret_field);
            if is_secret_pair {
                items[1] = Value::String(MASK.to_owned());
            } else {
                items.iter_mut().for_each(|v| mask_json(v, secrets));
            }
        }
        Value::String(s) if secrets.holds_key(s) => *s = MASK.to_owned(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(value: Option<Value>) -> String {
        value.map(|v| v.to_string()).unwrap_or_default()
    }

    #[test]
    fn secret_names_follow_the_rule_in_any_spelling() {
        for secret in [
            "X-Argilla-Api-Key",
            "x-rubrix-api-key",
            "x-api-key",
            "apikey",
            "X-Auth-Token",
            "access_token",
            "client_secret",
            "password",
            "authorization",
            "Proxy-Authorization",
            "cookie",
            "set-cookie",
            "api_key",
            "key",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for plain in [
            "content-type",
            "username",
            "keyboard",
            "x-argilla-workspace",
            "monkey",
        ] {
            assert!(!is_secret_name(plain), "{plain}");
        }
    }

    #[test]
    fn bodies_lose_their_secrets() {
        let none = Secrets::default();
        let body = masked_body(
            br#"{"username":"a","password":"12345678","nested":[{"api_key":"k"}]}"#,
            Some("application/json"),
            none,
        );
        assert_eq!(
            body,
            Some(serde_json::json!({"username":"a","password":"***","nested":[{"api_key":"***"}]}))
        );
        let form = masked_body(
            b"username=a&password=1234",
            Some("Application/X-WWW-Form-Urlencoded"),
            none,
        );
        assert_eq!(form, Some(Value::String("username=a&password=***".into())));
        let broken = masked_body(br#"{"password":"secret","#, Some("application/json"), none);
        assert!(!shown(broken).contains("secret"));
        let pairs = masked_body(
            br#"[["username","x"],["password","hunter22"]]"#,
            Some("application/json"),
            none,
        );
        assert!(!shown(pairs).contains("hunter22"));
        let json_as_form = masked_body(
            br#"{"username":"x","password":"hunter22"}"#,
            Some("application/x-www-form-urlencoded"),
            none,
        );
        assert!(!shown(json_as_form).contains("hunter22"));
        let huge = masked_body(&vec![b'0'; MAX_KEPT_BODY + 1], None, none);
        assert_eq!(
            huge,
            Some(Value::String(format!(
                "<{} bytes not kept: larger than 64 KiB>",
                MAX_KEPT_BODY + 1
            )))
        );
    }

    #[test]
    fn queries_lose_secret_parameters_and_keep_the_rest() {
        let none = Secrets::default();
        assert_eq!(
            masked_query("api_key=abc&limit=5&Token=x&x-api-key=y&q", none),
            "api_key=***&limit=5&Token=***&x-api-key=***&q"
        );
        assert_eq!(masked_query("api%5Fkey=abc", none), "api%5Fkey=***");
    }

    #[test]
    fn authorization_keeps_its_scheme_only() {
        let masked = |name, value: &'static str| {
            masked_header_value(name, value.as_bytes(), Secrets::default()).into_owned()
        };
        assert_eq!(masked("authorization", "Bearer abc.def.ghi"), "Bearer ***");
        assert_eq!(
            masked("proxy-authorization", "Basic dXNlcjpwdw=="),
            "Basic ***"
        );
        assert_eq!(masked("x-rubrix-api-key", "argilla.apikey"), "***");
    }
}
