//! End-to-end tests of the account commands against a real service on 127.0.0.1.

mod commands;
mod harness;
mod proxy;
mod roles;
mod sign_in;
mod tls;
