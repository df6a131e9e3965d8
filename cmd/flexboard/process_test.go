package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flexboard/flexboard/internal/sqlitedb"
)

// TestRestartKeepsBoards starts the binary, creates and edits a board,
// stops it with SIGTERM, starts it again on the same file and finds the
// board and every version intact.
func TestRestartKeepsBoards(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	p := startProcess(t, db)
	id := create(t, p.URL, "Survives restarts")
	url := p.URL + "/api/v1/boards/" + id
	body := sampleBoard("Survives restarts, edited")
	body["revision"] = 1
	wantStatus(t, do(t, "PUT", url, body), 200)
	before := do(t, "GET", url, nil).Body

	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("flexboard exited with %v after SIGTERM, want 0", err)
	}
	if !strings.Contains(p.logs.String(), `msg="flexboard stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", p.logs.String())
	}
	if _, err := os.Stat(db + "-wal"); !os.IsNotExist(err) {
		t.Errorf("the WAL file is still there after a clean stop (err=%v): the database was not closed", err)
	}

	p2 := startProcess(t, db)
	url = p2.URL + "/api/v1/boards/" + id
	if after := do(t, "GET", url, nil).Body; !bytes.Equal(before, after) {
		t.Fatalf("board changed across restart:\nbefore %s\nafter  %s", before, after)
	}
	vs := do(t, "GET", url+"/versions", nil).JSON(t)["versions"].([]any)
	if len(vs) != 2 {
		t.Fatalf("versions after restart = %v, want 2", vs)
	}
	if v1 := do(t, "GET", url+"/versions/1", nil).JSON(t); v1["name"] != "Survives restarts" {
		t.Fatalf("version 1 after restart = %v", v1)
	}
}

// TestGracefulShutdownUnderLoad sends SIGTERM during a burst of saves: every
// request either gets a complete answer or is refused before it starts, and
// every save that was answered 200 is on disk.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	p := startProcess(t, db)
	id := create(t, p.URL, "load")
	acked := saveBurst(t, p.URL, []string{id}, 200*time.Millisecond, func() {
		if err := p.stop(t, syscall.SIGTERM); err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	})
	checkAcked(t, db, acked)
}

// TestKill9KeepsAcknowledgedSaves kills the server with SIGKILL in the
// middle of a burst of saves: the database must open, pass
// integrity_check, and hold every save that was acknowledged.
func TestKill9KeepsAcknowledgedSaves(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	p := startProcess(t, db)
	var ids []string
	for i := 0; i < 4; i++ {
		ids = append(ids, create(t, p.URL, fmt.Sprintf("board %d", i)))
	}
	acked := saveBurst(t, p.URL, ids, 700*time.Millisecond, func() {
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
	})
	n := 0
	for _, revs := range acked {
		n += len(revs)
	}
	if n < 20 {
		t.Fatalf("only %d saves were acknowledged before the kill; the test needs a real burst", n)
	}
	checkAcked(t, db, acked)

	// And the server starts again on it.
	p2 := startProcess(t, db)
	for _, id := range ids {
		wantStatus(t, do(t, "GET", p2.URL+"/api/v1/boards/"+id, nil), 200)
	}
}

// saveBurst runs one writer per board, each saving revision after revision,
// calls interrupt after d, and returns, per board, the name saved under
// each acknowledged revision. Writers stop at the first failed request.
func saveBurst(t *testing.T, base string, ids []string, d time.Duration, interrupt func()) map[string]map[int64]string {
	t.Helper()
	var mu sync.Mutex
	acked := map[string]map[int64]string{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, id := range ids { // filled before any writer reads it
		acked[id] = map[int64]string{}
	}
	for _, id := range ids {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			url := base + "/api/v1/boards/" + id
			rev := int64(1)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("%s save %d", id, i)
				body := sampleBoard(name)
				body["revision"] = rev
				r, err := tryDo("PUT", url, body)
				if err != nil {
					return // the server went away: refused or cut before answering
				}
				if r.Status != 200 {
					t.Errorf("save %d of %s: status %d: %s", i, id, r.Status, r.Body)
					return
				}
				rev++
				mu.Lock()
				acked[id][rev] = name
				mu.Unlock()
			}
		}(id)
	}
	time.Sleep(d)
	interrupt()
	close(stop)
	wg.Wait()
	return acked
}

// checkAcked opens the database directly and checks integrity and that
// every acknowledged save is there, in the board and in its history.
func checkAcked(t *testing.T, path string, acked map[string]map[int64]string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, path)
	if err != nil {
		t.Fatalf("the database does not open after the stop: %v", err)
	}
	defer db.Close()
	if err := sqlitedb.CheckIntegrity(ctx, db); err != nil {
		t.Fatal(err)
	}
	for id, revs := range acked {
		var cur int64
		if err := db.QueryRow(`SELECT revision FROM boards WHERE id = ?`, id).Scan(&cur); err != nil {
			t.Fatalf("board %s: %v", id, err)
		}
		for rev, name := range revs {
			if rev > cur {
				t.Errorf("board %s: revision %d was acknowledged, the board is at %d", id, rev, cur)
			}
			var got string
			err := db.QueryRow(`SELECT name FROM board_versions WHERE board_id = ? AND revision = ?`, id, rev).Scan(&got)
			if err == sql.ErrNoRows {
				t.Errorf("board %s: acknowledged revision %d is missing from history", id, rev)
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != name {
				t.Errorf("board %s revision %d is %q, acknowledged as %q", id, rev, got, name)
			}
		}
	}
}

// TestBackupWhileServing copies the database while a burst of saves runs:
// the copy passes integrity_check and holds a consistent state.
func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fb.db")
	p := startProcess(t, db)
	id := create(t, p.URL, "backed up")
	out := filepath.Join(dir, "backup.db")
	var stdout, stderr bytes.Buffer
	saveBurst(t, p.URL, []string{id}, 300*time.Millisecond, func() {
		if code := Main(context.Background(), []string{"backup", "--db", db, "--out", out}, &stdout, &stderr); code != 0 {
			t.Errorf("backup exit %d: %s", code, stderr.String())
		}
	})
	if !strings.Contains(stdout.String(), "integrity ok") {
		t.Errorf("backup output = %q", stdout.String())
	}
	copyDB, err := sqlitedb.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if err := sqlitedb.CheckIntegrity(context.Background(), copyDB); err != nil {
		t.Fatal(err)
	}
	// Consistent: the board's current revision has its version row, and no
	// version is newer than the board.
	var rev, versions, maxRev int64
	if err := copyDB.QueryRow(`SELECT revision FROM boards WHERE id = ?`, id).Scan(&rev); err != nil {
		t.Fatal(err)
	}
	if err := copyDB.QueryRow(`SELECT count(*), max(revision) FROM board_versions WHERE board_id = ?`, id).Scan(&versions, &maxRev); err != nil {
		t.Fatal(err)
	}
	if versions != rev || maxRev != rev {
		t.Fatalf("backup is inconsistent: board at revision %d, %d versions up to %d", rev, versions, maxRev)
	}
	// The backup serves.
	p2 := startProcess(t, out)
	wantStatus(t, do(t, "GET", p2.URL+"/api/v1/boards/"+id, nil), 200)
}

func TestBackupErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fb.db")
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"NoOut", []string{"backup", "--db", db}, 2, "--out FILE is required"},
		{"SameFile", []string{"backup", "--db", db, "--out", db}, 1, "--out must differ from --db"},
		{"MissingSource", []string{"backup", "--db", filepath.Join(dir, "nope.db"), "--out", filepath.Join(dir, "x.db")}, 1, "source database"},
		{"UnknownFlag", []string{"backup", "--bogus"}, 2, "flag provided but not defined: -bogus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), c.args, &stdout, &stderr); code != c.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.msg) {
				t.Fatalf("stderr %q does not say %q", stderr.String(), c.msg)
			}
		})
	}
}
