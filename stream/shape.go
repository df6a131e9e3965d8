package stream

import (
	"encoding/json"

	"github.com/flexboard/flexboard/widgets"
)

// MaxEventsShown is the most events an events widget receives.
const MaxEventsShown = 100

// shape runs a widget's queries and shapes their results into what its
// kind draws, settling the widget's state (a change is an event of the
// board). ok is false for kinds without data.
func (g *group) shape(w *ViewWidget, now int64) (data []byte, newest int64, ok bool) {
	out, newest, ok := shapeAt(g.hub.store, g.board, w, now)
	if !ok {
		return nil, 0, false
	}
	out.State = g.hub.store.events.settle(g.board, w, &out, now)
	out.Newest = newest
	b, err := json.Marshal(out)
	if err != nil {
		g.hub.log.Error("encode widget data", "board", g.board, "widget", w.ID, "err", err)
		return nil, 0, false
	}
	return b, newest, true
}

// shapeAt shapes a widget's data as of time at, without touching the
// board's states.
func shapeAt(st *Store, board string, w *ViewWidget, at int64) (out widgets.Output, newest int64, ok bool) {
	if w.Kind == nil || w.Kind.Shape == nil {
		return out, 0, false
	}
	in := widgets.Input{Now: at, Results: make([]*Result, len(w.Queries)), Queries: make([]widgets.Query, len(w.Queries))}
	for i, q := range w.Queries {
		in.Queries[i] = q.Query
		in.Results[i] = st.Query(q, at)
		newest = max(newest, in.Results[i].Newest)
	}
	if w.Kind.Name == "events" {
		n := w.Config.Int("max_rows")
		if n <= 0 || n > MaxEventsShown {
			n = MaxEventsShown
		}
		in.Events = st.events.list(board, n, w.Config.Bool("pushed"), at)
	}
	return w.Kind.Shape(w.Config, in), newest, true
}

// Freeze shapes every widget of view as of time at (unix ms; a past moment
// is answered from memory or the history roll-ups, as queries are), for a
// snapshot: the same {state, data} a display received at that moment,
// without changing live states or events. Kinds without data are absent.
func (st *Store) Freeze(view *View, at int64) map[string]json.RawMessage {
	return st.freeze(view, at, false)
}

// Frame shapes every widget of view now (unix ms) as a stream's snapshot
// message carries it, {state, data, newest}, without changing live states
// or events: what an editor previews for a draft no display streams.
func (st *Store) Frame(view *View, now int64) map[string]json.RawMessage {
	return st.freeze(view, now, true)
}

func (st *Store) freeze(view *View, at int64, withNewest bool) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(view.Widgets))
	for i := range view.Widgets {
		w := &view.Widgets[i]
		o, newest, ok := shapeAt(st, view.Board, w, at)
		if !ok {
			continue
		}
		if withNewest {
			o.Newest = newest
		}
		b, err := json.Marshal(o)
		if err != nil {
			continue // shapes are plain data: it cannot fail
		}
		out[w.ID] = b
	}
	return out
}
