package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/widgets"
)

// viewLoader turns stored boards into what the hub streams: the widgets
// placed in one variant with their compiled queries. It lives in cmd because
// it is the one place that sees both boards and stream.
type viewLoader struct {
	store boards.Store
	kinds *widgets.Registry
}

var _ stream.BoardLoader = viewLoader{}

// LoadView implements stream.BoardLoader. An empty variant means the
// board's first.
func (l viewLoader) LoadView(ctx context.Context, id, variant string) (*stream.View, error) {
	var b *boards.Board
	if id == boards.CatalogueID {
		b = boards.Catalogue()
	} else {
		var err error
		if b, err = l.store.FindBoardByID(ctx, id); err != nil {
			return nil, err
		}
	}
	return l.viewOf(b, variant)
}

// viewOf builds the view of one variant of b.
func (l viewLoader) viewOf(b *boards.Board, variant string) (*stream.View, error) {
	v, err := b.FindVariant(variant)
	if err != nil {
		return nil, err
	}
	layout, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode board %s: %w", b.ID, err)
	}
	byID := make(map[string]*boards.Widget, len(b.Widgets))
	for i := range b.Widgets {
		byID[b.Widgets[i].ID] = &b.Widgets[i]
	}
	view := &stream.View{Board: b.ID, Variant: v.Name, Revision: b.Revision,
		Refresh: time.Duration(b.RefreshMS) * time.Millisecond, Layout: layout}
	for _, p := range v.Placements {
		w := byID[p.Widget]
		vw, err := l.viewWidget(w)
		if err != nil { // saved boards were validated; a rule may have tightened since
			return nil, fmt.Errorf("board %s widget %s: %w", b.ID, w.ID, err)
		}
		view.Widgets = append(view.Widgets, vw)
	}
	return view, nil
}

// freezer freezes a board variant at a moment for a snapshot: the store
// answers from memory, or from the roll-ups back to the history retention.
func freezer(l viewLoader, store *stream.Store, retention time.Duration) func(ctx context.Context, b *boards.Board, variant string, at time.Time) (map[string]json.RawMessage, error) {
	return func(ctx context.Context, b *boards.Board, variant string, at time.Time) (map[string]json.RawMessage, error) {
		if oldest := time.Now().Add(-retention); at.Before(oldest) {
			return nil, errs.Invalidf("at", "%s is older than the history kept (--history-retention %s): the oldest moment is %s",
				at.UTC().Format(time.RFC3339), retention, oldest.UTC().Format(time.RFC3339))
		}
		view, err := l.viewOf(b, variant)
		if err != nil {
			return nil, err
		}
		return store.Freeze(view, at.UnixMilli()), nil
	}
}

// previewer shapes every widget of a board variant now, from the live
// store, the way a display's snapshot message carries them: the editor's
// live preview of a draft that is not saved (so no display streams it).
// It builds the view as the hub does (viewOf) and shapes it as snapshots
// do (Store.Frame), without touching the board's live states or events.
func previewer(l viewLoader, store *stream.Store) func(ctx context.Context, b *boards.Board, variant string) (map[string]json.RawMessage, error) {
	return func(ctx context.Context, b *boards.Board, variant string) (map[string]json.RawMessage, error) {
		view, err := l.viewOf(b, variant)
		if err != nil {
			return nil, err
		}
		return store.Frame(view, time.Now().UnixMilli()), nil
	}
}

// viewWidget compiles what the hub runs for one widget: its kind, its config
// with defaults and its expanded queries.
func (l viewLoader) viewWidget(w *boards.Widget) (stream.ViewWidget, error) {
	vw := stream.ViewWidget{ID: w.ID, Title: w.Title, Kind: l.kinds.Lookup(w.Kind)}
	if vw.Kind == nil {
		return vw, fmt.Errorf("unknown kind %q", w.Kind)
	}
	cfg, err := vw.Kind.ParseConfig(w.Config)
	if err != nil {
		return vw, fmt.Errorf("config: %w", err)
	}
	vw.Config = cfg
	qs := w.Queries
	if vw.Kind.Expand != nil {
		qs = vw.Kind.Expand(cfg, qs)
	}
	for j, q := range qs {
		c, err := q.Compile()
		if err != nil {
			return vw, fmt.Errorf("query %d: %w", j, err)
		}
		vw.Queries = append(vw.Queries, c)
	}
	return vw, nil
}
