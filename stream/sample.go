// Package stream is Flexboard's live data engine: ingest parsers, the
// in-memory series and transaction store, queries, history roll-ups, and the
// hub that pushes each display what its widgets need.
package stream

import (
	"fmt"
	"time"
)

// LabelPair is one label while a sample is being parsed. Its bytes point into
// the request body or the parser's scratch space and are valid only during
// the Appender call.
type LabelPair struct {
	Name, Value []byte
}

// Sample is one parsed point handed to an Appender. Its byte slices are valid
// only during the call: an Appender that keeps anything copies it.
type Sample struct {
	Metric []byte
	Labels []LabelPair // in input order; the store sorts and checks them
	Value  float64
	TS     int64 // unix milliseconds; 0 when the input had no timestamp (the store uses now)
}

// Transaction is one finished request, the input of the response-time hitmap.
type Transaction struct {
	Service   string
	Labels    []LabelPair
	TS        int64 // end time, unix milliseconds; 0 for now
	ElapsedMS float64
	Error     bool
}

// Appender takes parsed input. An error rejects that one sample or
// transaction (the parser counts it and reports it with its line); it never
// stops the parse. A *LimitError means a configured limit was reached.
type Appender interface {
	AppendSample(s *Sample) error
	AppendTransaction(t *Transaction) error
}

// MaxReportedErrors is how many rejected lines an ingest answer lists; the
// rest are only counted.
const MaxReportedErrors = 10

// LineError is one rejected line (or item, for JSON) of an ingest body.
type LineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// ParseResult is what an ingest body produced.
type ParseResult struct {
	Accepted int         `json:"accepted"`
	Rejected int         `json:"rejected"`
	Errors   []LineError `json:"errors"`
	// Limit is the first *LimitError an Appender returned, if any: the HTTP
	// layer answers 429 when nothing at all was accepted because of it.
	Limit *LimitError `json:"-"`
	// Parsed is false when the body could not be parsed at all (400).
	Unparsable bool `json:"-"`
}

// Reject records one rejected line.
func (r *ParseResult) Reject(line int, err error) {
	r.Rejected++
	if le, ok := err.(*LimitError); ok && r.Limit == nil {
		r.Limit = le
	}
	if len(r.Errors) < MaxReportedErrors {
		r.Errors = append(r.Errors, LineError{Line: line, Message: err.Error()})
	}
}

// LimitError says which configured limit input ran into.
type LimitError struct {
	Limit      string        // the limit's name, as in docs and flags: "max-series"
	Message    string        // what happened and what to do
	RetryAfter time.Duration // for 429 answers; 0 when retrying cannot help
}

func (e *LimitError) Error() string { return fmt.Sprintf("limit %s: %s", e.Limit, e.Message) }
