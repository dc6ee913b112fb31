//! The Sealpost platform service.
