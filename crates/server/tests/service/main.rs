//! Integration tests: the real service over real TLS on 127.0.0.1.

mod audit;
mod auth;
mod campaigns;
mod clamd;
mod cli;
mod concurrent;
mod demo;
mod detectors;
mod harness;
mod history;
mod idle;
mod key_retirement;
mod limits;
mod processing;
mod roles;
mod s3;
mod tls;
mod tokens;
mod tus;
mod upload_keys;
