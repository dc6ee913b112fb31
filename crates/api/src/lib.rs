//! Wire types shared by the Sealpost desktop client, the command-line client and the
//! platform service. This crate knows nothing of HTTP libraries or the network: it only
//! describes the JSON bodies both sides exchange.
