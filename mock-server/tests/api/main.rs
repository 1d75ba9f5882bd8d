//! The server's integration tests: one binary (linked once), a module per concern. Each test
//! starts its own server on a free loopback port with its own in-memory database
//! ([`helpers::TestApp`]), or the binary itself as a child process ([`binary`]).

mod argilla1_users;
mod argilla1_workspaces;
mod argilla2_datasets;
mod argilla2_records;
mod argilla2_responses;
mod argilla2_search;
mod argilla2_settings;
mod argilla2_users;
mod auth;
mod auth_matrix_argilla1;
mod auth_matrix_argilla2;
mod binary;
mod cli;
mod control_plane;
mod durability;
mod faults;
mod fidelity;
mod fixture_datasets;
mod helpers;
mod journal_secrets;
mod limits;
mod openapi;
mod properties;
mod protocol;
mod races_argilla1;
mod races_argilla2;
mod records_support;
mod storage;
mod validation;
