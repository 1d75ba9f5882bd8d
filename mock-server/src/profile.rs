//! Version profiles: which real Argilla release the mock behaves as (`--argilla-version`).
//!
//! A 1.x version serves Argilla 1.14's API (`/api/…` and its few `/api/v1/…` routes) and
//! reports that version; a 2.x version serves argilla-server 2.8's API (`/api/v1/…` only; the
//! 1.x paths answer as 2.8 answers them). Without a version both generations are served from one
//! database, so the 1.x and the 2.x SDK work against the same server: `/api/…` as 1.14.1,
//! `/api/v1/…` as 2.8.0 (the 1.x SDK reads those few shared routes the same way).

use std::sync::Arc;

/// The 1.x release whose behaviour the 1.x routes follow, and its default version string.
pub const ARGILLA1_DEFAULT: &str = "1.14.1";
/// The 2.x release whose behaviour the 2.x routes follow, and its default version string.
pub const ARGILLA2_DEFAULT: &str = "2.8.0";

/// Which API generations a server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generations {
    /// Argilla 1.x only.
    Argilla1,
    /// Argilla 2.x only.
    Argilla2,
    /// `/api/…` as 1.x, `/api/v1/…` as 2.x.
    Both,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub generations: Generations,
    /// What `GET /api/_info` reports.
    pub argilla1_version: Arc<str>,
    /// What `GET /api/v1/version` reports.
    pub argilla2_version: Arc<str>,
}

impl Profile {
    /// The profile for `--argilla-version` (none: both generations).
    pub fn for_version(version: Option<&str>) -> Result<Profile, String> {
        let both = Profile {
            generations: Generations::Both,
            argilla1_version: Arc::from(ARGILLA1_DEFAULT),
            argilla2_version: Arc::from(ARGILLA2_DEFAULT),
        };
        let Some(version) = version.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(both);
        };
        let major = version.split('.').next().unwrap_or("");
        let is_version = version.split('.').all(|part| {
            !part.is_empty() && part.chars().next().is_some_and(|c| c.is_ascii_digit())
        });
        match (major, is_version) {
            ("1", true) => Ok(Profile {
                generations: Generations::Argilla1,
                argilla1_version: Arc::from(version),
                ..both
            }),
            ("2", true) => Ok(Profile {
                generations: Generations::Argilla2,
                argilla2_version: Arc::from(version),
                ..both
            }),
            _ => Err(format!(
                "--argilla-version {version:?}: give a 1.x or 2.x release such as {ARGILLA1_DEFAULT} or {ARGILLA2_DEFAULT} (or none, for both)"
            )),
        }
    }

    pub fn serves_argilla1(&self) -> bool {
        self.generations != Generations::Argilla2
    }

    pub fn serves_argilla2(&self) -> bool {
        self.generations != Generations::Argilla1
    }

    /// Who answers a path under this profile: the one place that decides it. 2.x owns its
    /// mount, `/api/v1/…` (not `/api/v1` itself); the rest is 1.x's when 1.x is served, and
    /// 2.x's web UI when it is not.
    pub fn answerer(&self, path: &str) -> Answerer {
        if self.serves_argilla2() && path.starts_with(ARGILLA2_MOUNT) {
            Answerer::Argilla2Api
        } else if self.serves_argilla1() {
            Answerer::Argilla1
        } else {
            Answerer::Argilla2WebUi
        }
    }
}

/// Where argilla-server 2.x mounts its API.
pub const ARGILLA2_MOUNT: &str = "/api/v1/";

/// Who answers a request (see [`Profile::answerer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answerer {
    /// Argilla 1.x's API.
    Argilla1,
    /// argilla-server 2.x's API, under [`ARGILLA2_MOUNT`].
    Argilla2Api,
    /// argilla-server 2.x's web UI: every path outside its API.
    Argilla2WebUi,
}

impl Default for Profile {
    fn default() -> Self {
        Profile::for_version(None).unwrap_or_else(|_| unreachable!("no version is always valid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_one_answerer_per_profile() {
        let both = Profile::default();
        assert_eq!(both.answerer("/api/v1/users"), Answerer::Argilla2Api);
        assert_eq!(both.answerer("/api/users"), Answerer::Argilla1);
        assert_eq!(both.answerer("/api/v1"), Answerer::Argilla1);
        let two = Profile::for_version(Some("2.8.0")).expect("2.x");
        assert_eq!(two.answerer("/api/users"), Answerer::Argilla2WebUi);
        let one = Profile::for_version(Some("1.14.1")).expect("1.x");
        assert_eq!(one.answerer("/api/v1/users"), Answerer::Argilla1);
    }

    #[test]
    fn a_version_picks_its_generation_and_none_picks_both() {
        assert_eq!(
            Profile::for_version(None).map(|p| p.generations),
            Ok(Generations::Both)
        );
        let v1 = Profile::for_version(Some("1.29.1")).expect("1.x");
        assert_eq!(
            (v1.generations, &*v1.argilla1_version),
            (Generations::Argilla1, "1.29.1")
        );
        let v2 = Profile::for_version(Some("2.8.0")).expect("2.x");
        assert_eq!(
            (v2.generations, &*v2.argilla2_version),
            (Generations::Argilla2, "2.8.0")
        );
        for bad in ["3.0.0", "latest", "1.x", "2..0"] {
            assert!(Profile::for_version(Some(bad)).is_err(), "{bad}");
        }
    }
}
