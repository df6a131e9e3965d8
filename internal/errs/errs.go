// Package errs holds Flexboard's one error type. Every package returns *Error
// for failures a client can act on; anything else is an internal error that is
// logged with its context and answered as "internal error".
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error. The HTTP layer maps each code to one status.
type Code string

// The codes a client can see.
const (
	Invalid      Code = "invalid"      // the input breaks a rule: 400
	NotFound     Code = "not_found"    // no such thing: 404
	Conflict     Code = "conflict"     // the thing changed or is in the wrong state: 409
	TooLarge     Code = "too_large"    // body or collection over a documented limit: 413
	Unsupported  Code = "unsupported"  // wrong Content-Type: 415
	RateLimited  Code = "rate_limited" // a capacity limit was reached; retry later: 429
	Unavailable  Code = "unavailable"  // the server cannot take this now (shutting down, full): 503
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	Internal     Code = "internal"
)

// Error is a failure with a code, a message written for the user, and the
// field of the input it concerns (a path such as "variants[0].placements[2]").
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// CurrentRevision is set on revision conflicts so the client knows what
	// it must reload.
	CurrentRevision int64 `json:"current_revision,omitempty"`
}

// Error implements error as "field: message".
func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// E builds an *Error with a formatted message.
func E(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Invalidf is shorthand for an Invalid error on field.
func Invalidf(field, format string, args ...any) *Error {
	return E(Invalid, field, format, args...)
}

// NotFoundf is shorthand for a NotFound error.
func NotFoundf(format string, args ...any) *Error {
	return E(NotFound, "", format, args...)
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// CodeOf returns err's code: Internal for any error that is not an *Error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e := As(err); e != nil {
		return e.Code
	}
	return Internal
}

// Prefix returns a copy of err with its field placed under parent, so
// "x" inside "variants[0]" becomes "variants[0].x". Non-*Error values are
// returned unchanged.
func Prefix(parent string, err error) error {
	e := As(err)
	if e == nil || parent == "" {
		return err
	}
	c := *e
	switch {
	case c.Field == "":
		c.Field = parent
	case c.Field[0] == '[':
		c.Field = parent + c.Field
	default:
		c.Field = parent + "." + c.Field
	}
	return &c
}
