package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiterBoundedMemory(t *testing.T) {
	l := newLimiter(3, time.Minute, 100)
	now := time.Unix(0, 0)
	for i := range 1000 {
		l.fail(fmt.Sprint("ip-", i), now)
	}
	if l.len() != 100 {
		t.Fatalf("limiter holds %d keys, want its bound 100", l.len())
	}
	// The most recent keys are kept, the oldest forgotten.
	if l.fail("ip-999", now) != 2 || l.fail("ip-0", now) != 1 {
		t.Fatal("eviction kept the wrong keys")
	}
	for range 2 {
		l.fail("x", now)
	}
	if b, _ := l.blocked("x", now); b {
		t.Fatal("blocked below the limit")
	}
	l.fail("x", now)
	if b, until := l.blocked("x", now); !b || !until.Equal(now.Add(time.Minute)) {
		t.Fatalf("blocked = %v until %v, want true until +1m", b, until)
	}
	if b, _ := l.blocked("x", now.Add(time.Minute)); b {
		t.Fatal("still blocked after the window")
	}
}
