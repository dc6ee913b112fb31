//! The Sealpost encrypted upload format.
