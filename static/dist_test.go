package static_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The built front end is committed (so `go build` needs no Node). These tests
// fail when it is incomplete or stale.

func TestDistIndexReferencesExistingAssets(t *testing.T) {
	names := referencedAssets(t)
	kinds := map[string]bool{}
	for _, name := range names {
		if _, err := os.Stat(filepath.Join("dist", "assets", filepath.FromSlash(name))); err != nil {
			t.Errorf("dist/index.html references %s, which is not in dist/assets: run `npm run build`", name)
		}
		kinds[filepath.Ext(name)] = true
	}
	for _, ext := range []string{".js", ".css", ".svg"} {
		if !kinds[ext] {
			t.Errorf("dist/index.html references no %s asset (have %v)", ext, names)
		}
	}
}

// Every file in dist/assets must be used, by index.html or by another asset (a
// font named in the CSS): a leftover means dist was not rebuilt from clean.
func TestDistHasNoStrayAssets(t *testing.T) {
	var all [][]byte
	index, err := os.ReadFile("dist/index.html")
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, index)
	var names []string
	err = filepath.WalkDir("dist/assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		all = append(all, b)
		// The complete ECharts for snapshot pages is loaded by pages the
		// server renders (widgets.RenderHTML), not by the bundle:
		// TestEChartsVersionPinnedAndServed checks it.
		if strings.HasPrefix(filepath.ToSlash(p), "dist/assets/echarts-") {
			return nil
		}
		names = append(names, filepath.Base(p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	joined := bytes.Join(all, []byte{0})
	for _, name := range names {
		if bytes.Count(joined, []byte(name)) == 0 {
			t.Errorf("dist/assets/%s is referenced nowhere: stale output, run `npm run build`", name)
		}
	}
}

var sourceMeta = regexp.MustCompile(`<meta name="flexboard-source" content="(sha256:[0-9a-f]{64})">`)

// TestDistIsFresh recomputes the hash build.mjs stamps into index.html (see
// sourceHash there: a sha256sum-style manifest of build.mjs and src/**, CRLF
// read as LF) and fails when the sources changed after the last build.
func TestDistIsFresh(t *testing.T) {
	index, err := os.ReadFile("dist/index.html")
	if err != nil {
		t.Fatal(err)
	}
	m := sourceMeta.FindSubmatch(index)
	if m == nil {
		t.Fatal(`dist/index.html has no <meta name="flexboard-source">: run npm run build`)
	}
	files := []string{"build.mjs"}
	err = filepath.WalkDir("src", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != "src" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var manifest strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(filepath.FromSlash(f))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))
		manifest.WriteString(hex.EncodeToString(sum[:]) + "  " + f + "\n")
	}
	sum := sha256.Sum256([]byte(manifest.String()))
	if got, want := "sha256:"+hex.EncodeToString(sum[:]), string(m[1]); got != want {
		t.Fatalf("static/dist is stale: the sources hash to %s but dist was built from %s.\n"+
			"Run `npm ci && npm run build` and commit static/dist.", got, want)
	}
}
