package sqlitedb_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/internal/sqlitedb"
)

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenSetsPragmas(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "fb.db"))
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"synchronous":  "1", // NORMAL
		"busy_timeout": "5000",
	} {
		var got string
		if err := db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

func TestMigrationsAppliedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fb.db")
	db := open(t, path)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no migration recorded")
	}
	if _, err := db.Exec(`INSERT INTO boards (id, name, revision, created_at, updated_at, widget_count, variants, doc) VALUES ('a','a',1,'t','t',0,'[]','{}')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2 := open(t, path) // migrating again must keep the data and record nothing new
	var n2, boards int
	db2.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n2)
	db2.QueryRow(`SELECT count(*) FROM boards`).Scan(&boards)
	if n2 != n || boards != 1 {
		t.Fatalf("after reopening: %d migrations (want %d), %d boards (want 1)", n2, n, boards)
	}
}

func TestNewerDatabaseRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fb.db")
	db := open(t, path)
	if _, err := db.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := sqlitedb.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "migration 9999_future.sql, which this flexboard does not know") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir", "fb.db"))
	if err == nil || !strings.Contains(err.Error(), "directory") {
		t.Fatalf("missing directory: err = %v", err)
	}
	notDB := filepath.Join(t.TempDir(), "text.db")
	os.WriteFile(notDB, []byte(strings.Repeat("not a database ", 100)), 0o644)
	if _, err := sqlitedb.Open(context.Background(), notDB); err == nil || !strings.Contains(err.Error(), "not a database") {
		t.Fatalf("not a database: err = %v", err)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "fb.db")
	db := open(t, src)
	if _, err := db.Exec(`INSERT INTO boards (id, name, revision, created_at, updated_at, widget_count, variants, doc) VALUES ('a','kept',1,'t','t',0,'[]','{}')`); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "copy.db")
	res, err := sqlitedb.Backup(context.Background(), src, out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Bytes == 0 || res.Pages == 0 {
		t.Errorf("result = %+v", res)
	}
	if _, err := os.Stat(out + "-wal"); !os.IsNotExist(err) {
		t.Errorf("the backup left a WAL file: %v", err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "copy.db.partial-*"))
	if len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
	cp := open(t, out)
	var name string
	if err := cp.QueryRow(`SELECT name FROM boards WHERE id = 'a'`).Scan(&name); err != nil || name != "kept" {
		t.Fatalf("copy holds %q, %v", name, err)
	}
	if err := sqlitedb.CheckIntegrity(context.Background(), cp); err != nil {
		t.Fatal(err)
	}
}
