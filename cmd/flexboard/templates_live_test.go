package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/flexboard/flexboard/boards"
)

// templateMaxFrames bounds how many stream frames (one a second at the
// templates' refresh) a template's widgets may take to show data after the
// board is opened on a fresh server running the demo source: a rate or an
// increase needs two points, hosts report over their first interval.
const templateMaxFrames = 20

// TestTemplatesLive is the acceptance "every template creates a board whose
// display shows live data with no widget in nodata": on a server running
// the demo source from an empty database, each template becomes a board
// and every variant of it is streamed as a display streams it; within
// templateMaxFrames frames every widget that shows data is out of nodata,
// with data to draw, and stays so for a few more frames.
func TestTemplatesLive(t *testing.T) {
	base := startWithFlags(t, "--db", filepath.Join(t.TempDir(), "fb.db"), "--demo=true")
	ws := strings.Replace(base, "http://", "ws://", 1)
	var wg sync.WaitGroup
	for _, tpl := range boards.Templates() {
		r := do(t, "POST", base+"/api/v1/boards", map[string]any{"template": tpl.ID})
		wantStatus(t, r, 201)
		id := str(r.JSON(t)["id"])
		for _, v := range tpl.Content.Variants {
			placed := map[string]string{} // widget id → kind, of the widgets this variant places
			kinds := map[string]string{}
			for _, w := range tpl.Content.Widgets {
				kinds[w.ID] = w.Kind
			}
			for _, p := range v.Placements {
				placed[p.Widget] = kinds[p.Widget]
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				watchTemplate(t, ws+"/api/v1/stream?board="+id+"&variant="+url.QueryEscape(v.Name), tpl.ID+" "+v.Name, placed)
			}()
		}
	}
	wg.Wait()
}

// watchTemplate streams one board variant and checks its widgets come out
// of nodata within templateMaxFrames frames.
func watchTemplate(t *testing.T, streamURL, name string, placed map[string]string) {
	// The deadline only keeps a broken server from hanging the test; the
	// assertion is on frames.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, streamURL, nil)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(16 << 20) // 10,000 hosts in a honeycomb
	type widgetFrame struct {
		State string          `json:"state"`
		Data  json.RawMessage `json:"data"`
	}
	latest := map[string]widgetFrame{}
	frames, allLiveAt := 0, -1
	lastSent := time.Now()
	for frames < templateMaxFrames+5 {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Errorf("%s: stream after %d frames: %v", name, frames, err)
			return
		}
		// Decoding a 10,000-host frame under -race on a loaded machine can
		// take longer than a refresh interval: the server's ping then waits
		// behind frames, so say something every few seconds regardless (any
		// message keeps a display from counting as silent).
		if time.Since(lastSent) > 5*time.Second {
			if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"pong","ts":0}`)); err != nil {
				t.Errorf("%s: pong: %v", name, err)
				return
			}
			lastSent = time.Now()
		}
		var m struct {
			Type    string                 `json:"type"`
			TS      int64                  `json:"ts"`
			Widgets map[string]widgetFrame `json:"widgets"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if m.Type == "ping" { // as a display does, or the server drops a silent one
			if err := c.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf(`{"type":"pong","ts":%d}`, m.TS))); err != nil {
				t.Errorf("%s: pong: %v", name, err)
				return
			}
			lastSent = time.Now()
			continue
		}
		if m.Type != "snapshot" && m.Type != "update" {
			continue
		}
		frames++
		for id, w := range m.Widgets {
			latest[id] = w
		}
		var silent []string
		for id, kind := range placed {
			w, ok := latest[id]
			switch {
			case kind == "text" || kind == "clock" || kind == "image":
				if ok {
					t.Errorf("%s: %s (%s) has data in the stream; it draws from its config", name, id, kind)
				}
			case !ok || w.State == "nodata" || len(w.Data) == 0 || string(w.Data) == "null":
				silent = append(silent, id)
			}
		}
		switch {
		case len(silent) == 0 && allLiveAt < 0:
			allLiveAt = frames
		case len(silent) > 0 && allLiveAt >= 0:
			sort.Strings(silent)
			t.Errorf("%s: %v went back to nodata at frame %d (all live since frame %d)", name, silent, frames, allLiveAt)
			return
		case len(silent) > 0 && frames >= templateMaxFrames:
			sort.Strings(silent)
			t.Errorf("%s: after %d frames still no data for %v", name, frames, silent)
			return
		}
	}
	t.Logf("%s: every widget live from frame %d", name, allLiveAt)
}
