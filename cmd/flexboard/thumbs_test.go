package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/flexboard/flexboard/boards"
)

// listThumbs returns the "thumb" of every summary GET path answers, as sent.
func listThumbs(t *testing.T, url string) map[string]json.RawMessage {
	t.Helper()
	r := do(t, "GET", url, nil)
	wantStatus(t, r, 200)
	var body struct {
		Boards []struct {
			ID    string          `json:"id"`
			Thumb json.RawMessage `json:"thumb"`
		} `json:"boards"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, r.Body)
	}
	out := map[string]json.RawMessage{}
	for _, b := range body.Boards {
		out[b.ID] = b.Thumb
	}
	return out
}

// TestBoardsListThumb: each summary of GET /api/v1/boards and /api/v1/trash
// carries its first variant's layout, with each placement's cells and kind
// and nothing more (no titles, configs or queries).
func TestBoardsListThumb(t *testing.T) {
	base := startInProcess(t, "")
	id := str(do(t, "POST", base+"/api/v1/boards", sampleBoard("wall")).JSON(t)["id"])
	want := `{"variant":"16:9","canvas":{"width":1920,"height":1080},"grid":{"columns":48,"rows":27},` +
		`"items":[{"x":0,"y":0,"w":8,"h":5,"kind":"stat"},{"x":8,"y":0,"w":8,"h":8,"kind":"gauge"}]}`
	if got := string(listThumbs(t, base+"/api/v1/boards")[id]); got != want {
		t.Fatalf("list thumb =\n%s\nwant\n%s", got, want)
	}
	wantStatus(t, do(t, "DELETE", base+"/api/v1/boards/"+id, nil), 204)
	if got := string(listThumbs(t, base+"/api/v1/trash")[id]); got != want {
		t.Fatalf("trash thumb =\n%s\nwant\n%s", got, want)
	}
}

// TestBoardsListThumbFullBoard: a board at the widget limit, every widget
// placed, lists one item per widget.
func TestBoardsListThumbFullBoard(t *testing.T) {
	base := startInProcess(t, "")
	const cols = 50
	ws := make([]any, boards.MaxWidgets)
	ps := make([]any, boards.MaxWidgets)
	for i := range ws {
		ws[i] = map[string]any{"id": fmt.Sprintf("w%d", i), "kind": "stat", "title": "a title the list leaves out"}
		ps[i] = map[string]any{"widget": fmt.Sprintf("w%d", i), "x": i % cols, "y": i / cols, "w": 1, "h": 1}
	}
	r := do(t, "POST", base+"/api/v1/boards", map[string]any{
		"name": "full", "widgets": ws,
		"variants": []any{map[string]any{"name": "16:9", "canvas": map[string]any{"width": 1920, "height": 1080},
			"grid": map[string]any{"columns": cols, "rows": boards.MaxWidgets / cols}, "placements": ps}},
	})
	wantStatus(t, r, 201)
	id := str(r.JSON(t)["id"])
	var thumb struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(listThumbs(t, base+"/api/v1/boards")[id], &thumb); err != nil {
		t.Fatal(err)
	}
	if len(thumb.Items) != boards.MaxWidgets {
		t.Fatalf("thumb has %d items, want %d", len(thumb.Items), boards.MaxWidgets)
	}
	last := thumb.Items[boards.MaxWidgets-1]
	if len(last) != 5 || num(last["x"]) != cols-1 || num(last["y"]) != boards.MaxWidgets/cols-1 || last["kind"] != "stat" {
		t.Fatalf("last item = %v", last)
	}
}
