package boards_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/sqlitedb"
)

func newStoreForTest(t *testing.T) *boards.SQLiteStore {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "fb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return boards.NewSQLiteStore(db)
}

func storeContent(name string) boards.Content {
	c := boards.Content{Name: name}
	c.Normalize()
	return c
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if errs.CodeOf(err) != code {
		t.Fatalf("err = %v (code %s), want code %s", err, errs.CodeOf(err), code)
	}
}

// TestStoreConcurrentSavesOneWins: many editors save on the same base
// revision at once; exactly one succeeds, the others get a conflict naming
// the new revision, and history holds exactly two versions.
func TestStoreConcurrentSavesOneWins(t *testing.T) {
	s := newStoreForTest(t)
	ctx := context.Background()
	b, err := s.CreateBoard(ctx, storeContent("base"))
	if err != nil {
		t.Fatal(err)
	}
	const editors = 16
	var wg sync.WaitGroup
	results := make([]error, editors)
	for i := 0; i < editors; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, results[i] = s.UpdateBoard(ctx, b.ID, boards.BoardUpdate{BaseRevision: 1, Content: storeContent(fmt.Sprintf("editor %d", i))})
		}(i)
	}
	wg.Wait()
	wins := 0
	for _, err := range results {
		switch errs.CodeOf(err) {
		case "":
			wins++
		case errs.Conflict:
			if e := errs.As(err); e.CurrentRevision != 2 {
				t.Errorf("conflict carries revision %d, want 2", e.CurrentRevision)
			}
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d saves won, want exactly 1", wins)
	}
	vs, err := s.FindVersions(ctx, b.ID, boards.VersionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Revision != 2 || vs[1].Revision != 1 {
		t.Fatalf("versions = %+v", vs)
	}
}

func TestStoreUpdateReturnsSavedBoard(t *testing.T) {
	s := newStoreForTest(t)
	ctx := context.Background()
	b, _ := s.CreateBoard(ctx, storeContent("one"))
	u, err := s.UpdateBoard(ctx, b.ID, boards.BoardUpdate{BaseRevision: 1, Content: storeContent("two")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.FindBoardByID(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 2 || got.Name != "two" || !got.CreatedAt.Equal(b.CreatedAt) || !got.UpdatedAt.Equal(u.UpdatedAt) || !u.CreatedAt.Equal(b.CreatedAt) {
		t.Fatalf("stored %+v, update returned %+v", got, u)
	}
}

// TestStorePurgeRemovesHistory: purging deletes the versions too (foreign
// keys are on), and only boards in the trash can be purged.
func TestStorePurgeRemovesHistory(t *testing.T) {
	s := newStoreForTest(t)
	ctx := context.Background()
	b, _ := s.CreateBoard(ctx, storeContent("gone"))
	wantCode(t, s.PurgeBoard(ctx, b.ID), errs.Conflict)
	if err := s.DeleteBoard(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeleteBoard(ctx, b.ID), errs.NotFound)
	trash, _ := s.FindBoards(ctx, boards.BoardFilter{Trashed: true})
	if len(trash) != 1 || trash[0].DeletedAt == nil {
		t.Fatalf("trash = %+v", trash)
	}
	if err := s.PurgeBoard(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.PurgeBoard(ctx, b.ID), errs.NotFound)
	_, err := s.FindVersion(ctx, b.ID, 1)
	wantCode(t, err, errs.NotFound)
	// Another board created after is unaffected and listed.
	c, _ := s.CreateBoard(ctx, storeContent("kept"))
	list, _ := s.FindBoards(ctx, boards.BoardFilter{})
	if len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("list = %+v", list)
	}
}

func TestStoreListNewestFirst(t *testing.T) {
	s := newStoreForTest(t)
	ctx := context.Background()
	a, _ := s.CreateBoard(ctx, storeContent("a"))
	b, _ := s.CreateBoard(ctx, storeContent("b"))
	time.Sleep(5 * time.Millisecond) // times are kept to the millisecond: make the save the newest
	if _, err := s.UpdateBoard(ctx, a.ID, boards.BoardUpdate{BaseRevision: 1, Content: storeContent("a2")}); err != nil {
		t.Fatal(err)
	}
	list, err := s.FindBoards(ctx, boards.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID || list[0].Name != "a2" || list[0].Revision != 2 {
		t.Fatalf("list = %+v", list)
	}
	if len(list[0].Variants) != 1 || list[0].Variants[0].Canvas.Width != 1920 {
		t.Fatalf("variant summary = %+v", list[0].Variants)
	}
}

// TestStoreListThumb: each summary carries its first variant's layout, with
// the kind of every placed widget, in live and trashed lists alike, and
// follows a save.
func TestStoreListThumb(t *testing.T) {
	s := newStoreForTest(t)
	ctx := context.Background()
	c := boards.Content{
		Name: "wall",
		Widgets: []boards.Widget{
			{ID: "tps", Kind: "stat", Title: "TPS", Config: []byte(`{"unit":"req/s"}`)},
			{ID: "hosts", Kind: "honeycomb", Title: "Hosts"},
			{ID: "spare", Kind: "clock"},
		},
		Variants: []boards.Variant{
			{Name: "32:9", Canvas: boards.Canvas{Width: 3840, Height: 1080}, Grid: boards.Grid{Columns: 96, Rows: 27},
				Placements: []boards.Placement{{Widget: "hosts", X: 24, Y: 0, W: 72, H: 27}, {Widget: "tps", X: 0, Y: 0, W: 24, H: 9}}},
			{Name: "16:9", Canvas: boards.Canvas{Width: 1920, Height: 1080}, Grid: boards.Grid{Columns: 48, Rows: 27},
				Placements: []boards.Placement{{Widget: "spare", X: 0, Y: 0, W: 48, H: 27}}},
		},
	}
	c.Normalize()
	b, err := s.CreateBoard(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	want := &boards.Thumb{Variant: "32:9", Canvas: boards.Canvas{Width: 3840, Height: 1080}, Grid: boards.Grid{Columns: 96, Rows: 27},
		Items: []boards.ThumbItem{{X: 24, Y: 0, W: 72, H: 27, Kind: "honeycomb"}, {X: 0, Y: 0, W: 24, H: 9, Kind: "stat"}}}
	list, err := s.FindBoards(ctx, boards.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !reflect.DeepEqual(list[0].Thumb, want) {
		t.Fatalf("thumb = %+v, want %+v", list[0].Thumb, want)
	}
	if got := fmt.Sprint(list[0].Variants); got != "[{32:9 {3840 1080}} {16:9 {1920 1080}}]" {
		t.Fatalf("variants = %s", got)
	}

	// A save moves the first variant's placements: the list follows.
	c.Variants[0].Placements = []boards.Placement{{Widget: "spare", X: 0, Y: 0, W: 10, H: 10}}
	if _, err := s.UpdateBoard(ctx, b.ID, boards.BoardUpdate{BaseRevision: 1, Content: c}); err != nil {
		t.Fatal(err)
	}
	want.Items = []boards.ThumbItem{{X: 0, Y: 0, W: 10, H: 10, Kind: "clock"}}
	list, _ = s.FindBoards(ctx, boards.BoardFilter{})
	if !reflect.DeepEqual(list[0].Thumb, want) {
		t.Fatalf("after save: thumb = %+v, want %+v", list[0].Thumb, want)
	}

	// The trash lists the same thumbnail.
	if err := s.DeleteBoard(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	trash, _ := s.FindBoards(ctx, boards.BoardFilter{Trashed: true})
	if len(trash) != 1 || !reflect.DeepEqual(trash[0].Thumb, want) {
		t.Fatalf("trash thumb = %+v, want %+v", trash, want)
	}
}
