//! Sealing a list and sending it to the service with tus 1.0, resumably.
