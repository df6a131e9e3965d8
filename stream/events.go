package stream

import (
	"sync"

	"github.com/flexboard/flexboard/widgets"
)

// Events are kept in memory only, in fixed rings: the newest
// MaxBoardEvents state changes per board and the newest MaxPushedEvents
// events pushed over ingest. A restart forgets them; the series they came
// from stay in history.
const (
	MaxBoardEvents  = 200
	MaxPushedEvents = 1000
	// NoDataTicks is how many ticks in a row a widget must have no data
	// before its state becomes nodata (a single late scrape does not flap).
	NoDataTicks = 3
)

// eventRing keeps the newest events, oldest overwritten first.
type eventRing struct {
	buf  []widgets.Event
	next int
	full bool
}

func newEventRing(n int) *eventRing { return &eventRing{buf: make([]widgets.Event, n)} }

func (r *eventRing) add(e widgets.Event) {
	r.buf[r.next] = e
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

// newest appends up to n events, newest first, that keep passes.
func (r *eventRing) newest(out []widgets.Event, n int, keep func(*widgets.Event) bool) []widgets.Event {
	size := r.next
	if r.full {
		size = len(r.buf)
	}
	for i := 0; i < size && n > 0; i++ {
		e := &r.buf[(r.next-1-i+len(r.buf))%len(r.buf)]
		if keep == nil || keep(e) {
			out = append(out, *e)
			n--
		}
	}
	return out
}

// boardEvents is the state of every widget of one board and its changes.
// Groups of several variants of a board share it, so a change is recorded
// once.
type boardEvents struct {
	states map[string]widgets.State // widget id → last state
	empty  map[string]int           // widget id → ticks in a row without data
	ring   *eventRing
}

// eventLog holds the boards' events and the pushed ones.
type eventLog struct {
	mu     sync.Mutex
	boards map[string]*boardEvents
	pushed *eventRing
}

func newEventLog() *eventLog {
	return &eventLog{boards: map[string]*boardEvents{}, pushed: newEventRing(MaxPushedEvents)}
}

// settle records a widget's freshly shaped state and returns the state to
// show: nodata only after NoDataTicks ticks in a row without data. A change
// becomes an event of the board.
func (l *eventLog) settle(board string, w *ViewWidget, out *widgets.Output, now int64) widgets.State {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.boards[board]
	if b == nil {
		b = &boardEvents{states: map[string]widgets.State{}, empty: map[string]int{}, ring: newEventRing(MaxBoardEvents)}
		l.boards[board] = b
	}
	prev, seen := b.states[w.ID]
	s := out.State
	if s == widgets.StateNoData {
		b.empty[w.ID]++
		if b.empty[w.ID] < NoDataTicks && seen {
			s = prev
		}
	} else {
		delete(b.empty, w.ID)
	}
	b.states[w.ID] = s
	if seen && s != prev {
		msg := string(prev) + " → " + string(s)
		if out.Summary != "" {
			msg += ": " + out.Summary
		}
		b.ring.add(widgets.Event{TS: now, Severity: s, Widget: w.ID, Title: w.Title, Message: msg})
	}
	return s
}

// forget drops a board's states and events (the board was deleted).
func (l *eventLog) forget(board string) {
	l.mu.Lock()
	delete(l.boards, board)
	l.mu.Unlock()
}

// list returns up to n events of board and (with pushed) the pushed ones,
// newest first, none later than until (unix ms; 0: no bound).
func (l *eventLog) list(board string, n int, pushed bool, until int64) []widgets.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var keep func(*widgets.Event) bool
	if until > 0 {
		keep = func(e *widgets.Event) bool { return e.TS <= until }
	}
	var a, p []widgets.Event
	if b := l.boards[board]; b != nil {
		a = b.ring.newest(nil, n, keep)
	}
	if pushed {
		p = l.pushed.newest(nil, n, keep)
	}
	out := make([]widgets.Event, 0, min(n, len(a)+len(p)))
	for len(out) < n && (len(a) > 0 || len(p) > 0) {
		if len(p) == 0 || len(a) > 0 && a[0].TS >= p[0].TS {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, p = append(out, p[0]), p[1:]
		}
	}
	return out
}

// Push records an event pushed over ingest.
func (l *eventLog) Push(e widgets.Event) {
	l.mu.Lock()
	l.pushed.add(e)
	l.mu.Unlock()
}

// Limits of a pushed event.
const (
	MaxEventText = 1024 // characters of a message
	MaxEventName = 256  // characters of a source or an object
)

// EventAppender is an Appender that also keeps events (the store's does).
type EventAppender interface {
	AppendEvent(e *widgets.Event) error
}

// AppendEvent implements EventAppender: the event is kept in the ring of
// pushed events, timed now when it has no time. Times follow the points'
// rules (not older than the memory window, not over 5 minutes ahead).
func (a *BatchAppender) AppendEvent(e *widgets.Event) error {
	ts, err := a.checkTime(e.TS)
	if err != nil {
		return err
	}
	ev := *e
	ev.TS = ts
	a.st.events.Push(ev)
	return nil
}

// Events returns up to n of a board's state changes and (with pushed) the
// events pushed over ingest, newest first.
func (st *Store) Events(board string, n int, pushed bool) []widgets.Event {
	return st.events.list(board, n, pushed, 0)
}
