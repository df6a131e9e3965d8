package static

// NewFromFS builds a Handler from any file system laid out like the embedded
// one (dist/index.html, dist/assets/...), so tests can cover file types and
// failures that the real build does not produce.
var NewFromFS = newFromFS
