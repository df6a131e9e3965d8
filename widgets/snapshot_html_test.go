package widgets_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/widgets"
)

func TestRenderHTML(t *testing.T) {
	th := widgets.ThemeNamed("dark")
	t.Run("Gauge", func(t *testing.T) {
		k, cfg := chParse(t, "gauge", `{"unit":"percent","decimals":1}`)
		out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chVector(42)}})
		h, err := widgets.RenderHTML(widgets.Spec{ID: "cpu-1", Kind: "gauge", Config: cfg, Width: 320, Height: 240}, th, out, "/static/x/")
		if err != nil {
			t.Fatal(err)
		}
		s := string(h)
		for _, want := range []string{
			`<script src="/static/x/echarts.min.js"></script>`, // the assets host passed in, no CDN
			`id="flexboard_cpu_1" style="width:320px;height:240px;"`,
			`"formatter":function (v) { return flexboardFormat(v, 'percent', 1); }`,
			`"valueFormatter":function (v) { return flexboardFormat(v, 'percent', 1); }`,
			`"data":[{"name":"a","value":42}]`,
			`function flexboardFormat(v, unit, d)`,
			`setOption(option_flexboard_cpu_1)`,
		} {
			if !strings.Contains(s, want) {
				t.Errorf("HTML lacks %s:\n%s", want, s)
			}
		}
		if strings.Contains(s, "http://") || strings.Contains(s, "https://") {
			t.Errorf("HTML refers to an outside host:\n%s", s)
		}
	})
	t.Run("DataCannotBreakOut", func(t *testing.T) {
		k, cfg := chParse(t, "bar", `{}`)
		evil := &widgets.Result{Kind: widgets.KindVector, Series: []widgets.SeriesValue{
			{Labels: map[string]string{"host": `</script><script>alert(1)</script>`}, Value: 1},
			{Labels: map[string]string{"host": `__f__alert(2)__f__`}, Value: 2},
		}}
		h, err := widgets.RenderHTML(widgets.Spec{ID: `x"><img src=y>`, Kind: "bar", Config: cfg}, th, k.Shape(cfg, widgets.Input{Results: []*widgets.Result{evil}}), widgets.DefaultAssetsHost)
		if err != nil {
			t.Fatal(err)
		}
		s := string(h)
		if strings.Contains(s, "<script>alert") || strings.Contains(s, "<img") || !strings.Contains(s, "\"__\u200df__alert(2)__\u200df__\"") {
			t.Fatalf("data escaped its string:\n%s", s)
		}
		if !strings.Contains(s, `\u003c/script\u003e`) {
			t.Fatalf("the label is not kept as an escaped string:\n%s", s)
		}
	})
	t.Run("HitmapTimes", func(t *testing.T) {
		_, cfg := chParse(t, "hitmap", `{}`)
		h, err := widgets.RenderHTML(widgets.Spec{ID: "h", Kind: "hitmap", Config: cfg}, th, widgets.Output{}, widgets.DefaultAssetsHost)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(h), `"formatter":function (v) { return flexboardTime(v); }`) || strings.Contains(string(h), "valueFormatter") {
			t.Fatalf("hitmap formatters:\n%s", h)
		}
	})
	t.Run("NotAChartKind", func(t *testing.T) {
		_, err := widgets.RenderHTML(widgets.Spec{Kind: "stat"}, th, widgets.Output{}, widgets.DefaultAssetsHost)
		if !errors.Is(err, widgets.ErrNotChart) || err.Error() != `widgets: render "stat": not a chart kind` {
			t.Fatalf("err = %v, want ErrNotChart", err)
		}
	})
}

// TestFormatJS runs the snapshot pages' formatter in Node against the cases
// FormatValue passes.
func TestFormatJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	h, err := widgets.RenderHTML(widgets.Spec{ID: "g", Kind: "gauge"}, widgets.ThemeNamed("dark"), widgets.Output{}, "/")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)function flexboardFormat.*?\nfunction flexboardTime|function flexboardFormat.*function flexboardTime`).FindString(string(h))
	if m == "" {
		t.Fatalf("no formatter in:\n%s", h)
	}
	fn := strings.TrimSuffix(m, "function flexboardTime")
	cases, err := os.ReadFile(filepath.Join("testdata", "format_cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	script := fn + `
const cases = ` + string(cases) + `;
let bad = [];
for (const c of cases) {
  const got = flexboardFormat(c.value, c.unit, c.decimals);
  if (got !== c.want) bad.push(JSON.stringify(c) + " got " + got);
}
console.log(JSON.stringify(bad));`
	out, err := exec.Command(node, "-e", script).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var bad []string
	if err := json.Unmarshal(out, &bad); err != nil {
		t.Fatalf("node said %s", out)
	}
	for _, b := range bad {
		t.Error(b)
	}
}
