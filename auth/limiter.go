package auth

import (
	"container/list"
	"sync"
	"time"
)

// Login rate limits. Failed logins are counted per client IP and per user
// name (whether or not the user exists) over LoginWindow from the first
// failure; at the limit, further attempts are refused with 429 before the
// password is even checked, until the window ends. A successful login
// clears its user name's count. The per-IP limit is higher so that one
// office behind a NAT can mistype; the per-user limit stops a botnet
// guessing one account from many addresses.
const (
	LoginWindow          = 15 * time.Minute
	MaxLoginFailuresUser = 5
	MaxLoginFailuresIP   = 20
	// maxLimiterKeys bounds the memory of each limiter (about 100 bytes
	// a key): beyond it the least recently failing key is forgotten.
	maxLimiterKeys = 10000
)

// limiter counts failures per key in a fixed window, in bounded memory.
type limiter struct {
	max    int
	window time.Duration
	size   int

	mu    sync.Mutex
	keys  map[string]*list.Element
	order *list.List // least recently failed at the front
}

type limitEntry struct {
	key      string
	start    time.Time
	failures int
}

func newLimiter(max int, window time.Duration, size int) *limiter {
	return &limiter{max: max, window: window, size: size, keys: map[string]*list.Element{}, order: list.New()}
}

// blocked reports whether key is at its limit at now, and when it frees.
func (l *limiter) blocked(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.keys[key]
	if !ok {
		return false, time.Time{}
	}
	e := el.Value.(*limitEntry)
	until := e.start.Add(l.window)
	if !now.Before(until) {
		l.order.Remove(el)
		delete(l.keys, key)
		return false, time.Time{}
	}
	return e.failures >= l.max, until
}

// fail counts a failure of key at now and returns the count in the window.
func (l *limiter) fail(key string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[key]; ok {
		e := el.Value.(*limitEntry)
		if !now.Before(e.start.Add(l.window)) {
			e.start, e.failures = now, 0
		}
		e.failures++
		l.order.MoveToBack(el)
		return e.failures
	}
	for len(l.keys) >= l.size {
		front := l.order.Front()
		l.order.Remove(front)
		delete(l.keys, front.Value.(*limitEntry).key)
	}
	l.keys[key] = l.order.PushBack(&limitEntry{key: key, start: now, failures: 1})
	return 1
}

// reset forgets key.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[key]; ok {
		l.order.Remove(el)
		delete(l.keys, key)
	}
}

// len returns the keys held (for tests of the bound).
func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
