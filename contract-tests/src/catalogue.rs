//! The behaviour catalogue (`behaviors.toml`), built into the runner.

use serde::Deserialize;

pub const CATALOGUE: &str = include_str!("../behaviors.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Behavior {
    pub id: String,
    pub must: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
struct File {
    behavior: Vec<Behavior>,
}

pub fn behaviors() -> Vec<Behavior> {
    toml::from_str::<File>(CATALOGUE)
        .map(|f| f.behavior)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_cites_a_catalogued_behaviour_and_every_behaviour_has_a_case() {
        let behaviors = behaviors();
        assert!(behaviors.len() >= 15);
        let ids: Vec<&str> = behaviors.iter().map(|b| b.id.as_str()).collect();
        let cases = crate::cases::all();
        for case in &cases {
            assert!(
                ids.contains(&case.behavior),
                "{} cites unknown {}",
                case.id,
                case.behavior
            );
        }
        for id in ids {
            assert!(cases.iter().any(|c| c.behavior == id), "no case for {id}");
        }
        let mut case_ids: Vec<&str> = cases.iter().map(|c| c.id).collect();
        case_ids.sort_unstable();
        case_ids.dedup();
        assert_eq!(case_ids.len(), cases.len(), "case ids are unique");
    }
}
