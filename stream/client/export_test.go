package client

// Backoff exposes the reconnect delay to the external tests.
var Backoff = backoff
