// Package sqlitedb opens Flexboard's SQLite database deliberately (WAL,
// busy timeout, foreign keys, synchronous=NORMAL, immediate transactions),
// applies the embedded numbered migrations, and makes online backups.
package sqlitedb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DSN returns the connection string for the database file at path.
//
//   - WAL lets displays read while an editor saves.
//   - busy_timeout makes a writer wait for another instead of failing at once.
//   - synchronous=NORMAL is durable against a process crash (kill -9) in WAL
//     mode; only an OS crash or power loss can lose the last transactions.
//   - _txlock=immediate takes the write lock at BEGIN, so two read-then-write
//     transactions queue up instead of failing with "database is locked".
func DSN(path string) string {
	return "file:" + escapePath(path) + "?_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate"
}

func escapePath(path string) string {
	// '?' and '#' would end the file name inside a URI.
	return strings.NewReplacer("?", "%3f", "#", "%23").Replace(path)
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date. It refuses a database written by a newer Flexboard.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("open database %s: directory %s: %w", path, dir, err)
		}
	}
	db, err := sql.Open("sqlite3", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// A handful of connections: WAL readers run in parallel, writers queue on
	// the immediate lock.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: read journal mode: %w", path, err)
	}
	if mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("open database %s: journal mode is %q, want wal (is the file on a network file system?)", path, mode)
	}
	if err := Migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// Migrate applies, in order, every embedded migration not yet recorded in
// schema_migrations, each in its own transaction.
func Migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: list: %w", err)
	}
	sort.Strings(names)
	known := map[string]bool{}
	for _, n := range names {
		known[filepath.Base(n)] = true
	}
	applied := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: read schema_migrations: %w", err)
		}
		applied[n] = true
		if !known[n] {
			rows.Close()
			return fmt.Errorf("migrate: the database has migration %s, which this flexboard does not know: it was written by a newer version", n)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	for _, n := range names {
		name := filepath.Base(n)
		if applied[name] {
			continue
		}
		body, err := migrationFS.ReadFile(n)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if err := applyOne(ctx, db, name, string(body)); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

func applyOne(ctx context.Context, db *sql.DB, name, body string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		name, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	return tx.Commit()
}

// BackupResult describes a finished backup.
type BackupResult struct {
	Bytes int64
	Pages int
}

// Backup copies the database at srcPath to dstPath with SQLite's online
// backup API, in one step so the copy is one consistent moment even while a
// server writes to the source. The copy is written next to dstPath, checked
// with PRAGMA integrity_check and renamed into place, so dstPath is never a
// half-written file.
func Backup(ctx context.Context, srcPath, dstPath string) (BackupResult, error) {
	var res BackupResult
	absSrc, err1 := filepath.Abs(srcPath)
	absDst, err2 := filepath.Abs(dstPath)
	if err1 != nil || err2 != nil {
		return res, fmt.Errorf("backup: resolve paths: %v %v", err1, err2)
	}
	if absSrc == absDst {
		return res, errors.New("backup: --out must differ from --db")
	}
	if _, err := os.Stat(srcPath); err != nil {
		return res, fmt.Errorf("backup: source database: %w", err)
	}
	src, err := sql.Open("sqlite3", "file:"+escapePath(srcPath)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return res, fmt.Errorf("backup: open source: %w", err)
	}
	defer src.Close()

	tmp, err := os.CreateTemp(filepath.Dir(dstPath), filepath.Base(dstPath)+".partial-*")
	if err != nil {
		return res, fmt.Errorf("backup: create temporary file: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpPath) // no-op after the rename
	dst, err := sql.Open("sqlite3", "file:"+escapePath(tmpPath))
	if err != nil {
		return res, fmt.Errorf("backup: open destination: %w", err)
	}
	defer dst.Close()

	srcConn, err := src.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("backup: connect to source: %w", err)
	}
	defer srcConn.Close()
	dstConn, err := dst.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("backup: connect to destination: %w", err)
	}
	defer dstConn.Close()

	err = dstConn.Raw(func(d any) error {
		return srcConn.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("unexpected driver connection type")
			}
			b, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			done, err := b.Step(-1) // everything at once: one consistent read
			if err != nil {
				b.Finish()
				return err
			}
			if !done {
				b.Finish()
				return errors.New("backup did not complete in one step")
			}
			res.Pages = b.PageCount()
			return b.Finish()
		})
	})
	if err != nil {
		return res, fmt.Errorf("backup: copy: %w", err)
	}
	var check string
	if err := dstConn.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil {
		return res, fmt.Errorf("backup: check copy: %w", err)
	}
	if check != "ok" {
		return res, fmt.Errorf("backup: the copy fails integrity_check: %s", check)
	}
	// Fold any WAL content into the main file so the backup is one file.
	if _, err := dstConn.ExecContext(ctx, "PRAGMA journal_mode=DELETE"); err != nil {
		return res, fmt.Errorf("backup: finalize copy: %w", err)
	}
	dstConn.Close()
	if err := dst.Close(); err != nil {
		return res, fmt.Errorf("backup: close copy: %w", err)
	}
	if f, err := os.Open(tmpPath); err == nil {
		f.Sync()
		if st, err := f.Stat(); err == nil {
			res.Bytes = st.Size()
		}
		f.Close()
	}
	if err := os.Rename(tmpPath, dstPath); err != nil {
		return res, fmt.Errorf("backup: move copy into place: %w", err)
	}
	return res, nil
}

// CheckIntegrity runs PRAGMA integrity_check and returns an error unless
// SQLite answers "ok".
func CheckIntegrity(ctx context.Context, db *sql.DB) error {
	var out string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&out); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if out != "ok" {
		return fmt.Errorf("integrity check: %s", out)
	}
	return nil
}
