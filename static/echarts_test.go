package static_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/widgets"
)

// Snapshot pages rendered by Go load the complete ECharts from the binary:
// the version the options are verified against must be the one pinned in
// package.json and the one copied into dist.
func TestEChartsVersionPinnedAndServed(t *testing.T) {
	raw, err := os.ReadFile("../package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	pinned := pkg.Dependencies["echarts"] + pkg.DevDependencies["echarts"]
	if pinned != widgets.EChartsVersion {
		t.Fatalf("package.json pins echarts %q; the Go options are built for %s: pin exactly that version", pinned, widgets.EChartsVersion)
	}
	want := "dist/assets" + strings.TrimPrefix(widgets.DefaultAssetsHost, "/assets") + "echarts.min.js"
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%s is missing (run `npm run build`): %v", want, err)
	}
	if !strings.Contains(string(b[:min(len(b), 4096)]), "echarts") || len(b) < 500_000 {
		t.Fatalf("%s (%d bytes) does not look like the complete ECharts build", want, len(b))
	}
}
