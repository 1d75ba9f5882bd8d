//! argilla-contract: checks that a client of the Argilla 1.x (or 2.x) users API does what
//! `argilla.client.users.User` documents, by driving it through an adapter (PROTOCOL.md)
//! against argilla-mock (or any server) and judging outcomes, server state and the requests sent.

pub mod adapter;
pub mod cases;
pub mod catalogue;
pub mod client;
pub mod protocol;
pub mod report;
pub mod runner;
