package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/flexboard/flexboard/internal/errs"
)

func TestPrefix(t *testing.T) {
	cases := []struct {
		name, parent, field, want string
	}{
		{"Key", "widgets[3].config", "decimals", "widgets[3].config.decimals"},
		{"Index", "variants", "[2].name", "variants[2].name"},
		{"Empty", "board", "", "board"},
		{"NoParent", "", "name", "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			orig := errs.Invalidf(c.field, "bad")
			got := errs.As(errs.Prefix(c.parent, orig))
			if got.Field != c.want || got.Message != "bad" || got.Code != errs.Invalid {
				t.Fatalf("Prefix = %+v, want field %q", got, c.want)
			}
			if orig.Field != c.field {
				t.Fatalf("Prefix changed the original error")
			}
		})
	}
	plain := errors.New("x")
	if errs.Prefix("a", plain) != plain {
		t.Fatal("Prefix changed a non-*Error")
	}
}

func TestCodeOf(t *testing.T) {
	wrapped := fmt.Errorf("save: %w", errs.NotFoundf("no board"))
	if errs.CodeOf(wrapped) != errs.NotFound {
		t.Fatalf("CodeOf(wrapped) = %s", errs.CodeOf(wrapped))
	}
	if errs.CodeOf(errors.New("x")) != errs.Internal || errs.CodeOf(nil) != "" {
		t.Fatal("CodeOf of a plain error or nil is wrong")
	}
	if got := errs.Invalidf("name", "is required").Error(); got != "name: is required" {
		t.Fatalf("Error() = %q", got)
	}
}
