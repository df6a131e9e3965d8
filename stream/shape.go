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
	if w.Kind == nil || w.Kind.Shape == nil {
		return nil, 0, false
	}
	st := g.hub.store
	in := widgets.Input{Now: now, Results: make([]*Result, len(w.Queries)), Queries: make([]widgets.Query, len(w.Queries))}
	for i, q := range w.Queries {
		in.Queries[i] = q.Query
		in.Results[i] = st.Query(q, now)
		newest = max(newest, in.Results[i].Newest)
	}
	if w.Kind.Name == "events" {
		n := w.Config.Int("max_rows")
		if n <= 0 || n > MaxEventsShown {
			n = MaxEventsShown
		}
		in.Events = st.events.list(g.board, n, w.Config.Bool("pushed"))
	}
	out := w.Kind.Shape(w.Config, in)
	out.State = st.events.settle(g.board, w, &out, now)
	b, err := json.Marshal(out)
	if err != nil {
		g.hub.log.Error("encode widget data", "board", g.board, "widget", w.ID, "err", err)
		return nil, 0, false
	}
	return b, newest, true
}
