package widgets

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// EChartsVersion is the ECharts the options are built for and verified
// against: package.json pins the same version, and the build copies its
// complete echarts.min.js to /assets/echarts-VERSION/ (static's tests check
// both).
const EChartsVersion = "5.6.0"

// DefaultAssetsHost is where the server serves its own copy of ECharts: a
// snapshot page loads echarts.min.js from there, never from a CDN.
const DefaultAssetsHost = "/assets/echarts-" + EChartsVersion + "/"

// ErrNotChart is returned by RenderHTML for kinds the front end draws with
// its own components (stat, table, …): their snapshot HTML is rendered
// elsewhere.
var ErrNotChart = errors.New("not a chart kind")

// formatJS is the number formatter of snapshot pages: FormatValue in
// JavaScript (the front end's format.ts does the same; format_cases.json
// checks all three). It is a function declaration, hoisted above the
// setOption that calls it, and written without newlines or // comments
// because go-echarts strips newlines from added functions.
const formatJS = `function flexboardFormat(v, unit, d) {
  if (v === null || v === undefined || v === '' || isNaN(v)) { return '\u2013'; }
  v = Number(v);
  if (!isFinite(v)) { return v > 0 ? '\u221e' : '-\u221e'; }
  d = Math.max(0, Math.min(d, 6));
  var fx = function (x, n) { var s = x.toFixed(n); if (/^-?[0.]+$/.test(s)) { s = s.replace('-', ''); } return s; };
  var sc = function (x, base, p, suf) {
    var i = 0; var a = Math.abs(x);
    while (i < p.length - 1 && a >= base) { a /= base; x /= base; i++; }
    var r = Math.pow(10, d);
    if (i < p.length - 1 && Math.abs(Math.round(x * r) / r) >= base) { x /= base; i++; }
    return fx(x, (i === 0 && x === Math.trunc(x)) ? 0 : d) + p[i] + suf;
  };
  var du = function (s) {
    var a = Math.abs(s);
    if (a === 0) { return '0 s'; }
    if (a < 1) { return fx(s * 1000, d) + ' ms'; }
    if (a < 60) { return fx(s, d) + ' s'; }
    if (a < 3600) { return fx(s / 60, d) + ' min'; }
    if (a < 86400) { return fx(s / 3600, d) + ' h'; }
    return fx(s / 86400, d) + ' d';
  };
  var k = ['', 'k', 'M', 'G', 'T', 'P'];
  switch (unit) {
  case 'short': return sc(v, 1000, k, '');
  case 'percent': return fx(v, d) + '%';
  case 'ratio': return fx(v * 100, d) + '%';
  case 'ms': return du(v / 1000);
  case 's': return du(v);
  case 'bytes': return sc(v, 1024, [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB'], '');
  case 'bits/s': return sc(v, 1000, [' b/s', ' kb/s', ' Mb/s', ' Gb/s', ' Tb/s', ' Pb/s'], '');
  case 'req/s': return sc(v, 1000, k, ' req/s');
  }
  return fx(v, d);
}
function flexboardTime(v) {
  var t = new Date(Number(v));
  var p = function (n) { return (n < 10 ? '0' : '') + n; };
  return p(t.getHours()) + ':' + p(t.getMinutes());
}`

// RenderHTML renders a chart widget with its data as a self-contained HTML
// snippet for snapshot pages: the ECharts script from assetsHost
// (DefaultAssetsHost for the server's own), the chart's div sized as on the
// design canvas, and a script that draws the base option merged with
// out.Data (MergeOption), number formatters included. Kinds that are not
// charts answer ErrNotChart.
func RenderHTML(spec Spec, th Theme, out Output, assetsHost string) (template.HTML, error) {
	var k *Kind
	for _, c := range chartKinds() {
		if c.Name == spec.Kind {
			k = c
		}
	}
	if k == nil {
		return "", fmt.Errorf("widgets: render %q: %w", spec.Kind, ErrNotChart)
	}
	base, err := k.Option(spec, th)
	if err != nil {
		return "", fmt.Errorf("widgets: build %s option: %w", spec.Kind, err)
	}
	data := map[string]any{}
	if out.Data != nil {
		b, err := json.Marshal(out.Data)
		if err != nil {
			return "", fmt.Errorf("widgets: encode %s data: %w", spec.Kind, err)
		}
		if err := json.Unmarshal(b, &data); err != nil {
			return "", fmt.Errorf("widgets: %s data is not an object: %w", spec.Kind, err)
		}
	}
	option := MergeOption(base, data)
	defuse(option)
	addFormatters(option, spec.Kind, k.withDefaults(spec.Config))
	d := dimsOf(spec, k.DefaultSize)
	if spec.Kind == "equalizer" {
		// Every service named, fitted to its column as the front end does.
		FitCategoryLabels(option, float64(d.W), float64(d.H))
	}

	c := charts.NewLine() // any chart type: the visitor replaces its whole option
	c.SetGlobalOptions(charts.WithInitializationOpts(opts.Initialization{ChartID: chartID(spec.ID),
		Width: px(d.W) + "px", Height: px(d.H) + "px", AssetsHost: assetsHost}))
	c.Accept(&optionVisitor{option: option})
	c.AddJSFuncStrs(types.FuncStr(formatJS))
	snip := c.RenderSnippet()
	src := html.EscapeString(assetsHost + opts.EchartsJS)
	return template.HTML(`<script src="` + src + `"></script>` + "\n" + snip.Element + "\n" + snip.Script), nil
}

// optionVisitor puts the merged option in place of what go-echarts built.
// Each value is encoded here with HTML escaping (go-echarts writes the
// option into the script unescaped): a label such as "</script>" coming
// with the data stays inside its string.
type optionVisitor struct {
	charts.BaseConfigurationVisitor
	option map[string]any
}

func (v *optionVisitor) Visit(obj map[string]interface{}) {
	for k := range obj {
		delete(obj, k)
	}
	for k, val := range v.option {
		b, err := json.Marshal(val)
		if err != nil {
			continue // values come from JSON: cannot fail
		}
		obj[k] = json.RawMessage(b)
	}
}

// funcMarker is how go-echarts marks JavaScript inside its JSON; it removes
// every occurrence from the page.
const funcMarker = "__f__"

// defuse breaks go-echarts' function marker in every string of the option
// (series and label names come from ingested data): a name holding
// "__f__" must not become code. A zero-width joiner splits it.
func defuse(v any) any {
	switch x := v.(type) {
	case string:
		return strings.ReplaceAll(x, funcMarker, "__\u200df__")
	case map[string]any:
		for k, e := range x {
			x[k] = defuse(e)
		}
	case []any:
		for i, e := range x {
			x[i] = defuse(e)
		}
	}
	return v
}

// chartID is a widget id made safe as a JavaScript identifier and HTML id.
func chartID(id string) string {
	var b strings.Builder
	b.WriteString("flexboard_")
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// addFormatters sets what the front end sets from a widget's format:
// the label formatter of value axes, the tooltip's value formatter and a
// gauge's detail; a hitmap's time columns are written as local hh:mm.
func addFormatters(m map[string]any, kind string, cfg Config) {
	unit := cfg.String("unit")
	dec := cfg.Int("decimals")
	if !contains(units, unit) {
		unit = ""
	}
	num := opts.FuncOpts(fmt.Sprintf("function (v) { return flexboardFormat(v, '%s', %d); }", unit, dec))
	for _, key := range []string{"xAxis", "yAxis"} {
		for _, a := range list(m[key]) {
			am, ok := a.(map[string]any)
			if !ok {
				continue
			}
			switch {
			case am["type"] == "value":
				setPath(am, num, "axisLabel", "formatter")
			case kind == "hitmap" && key == "xAxis":
				setPath(am, opts.FuncOpts("function (v) { return flexboardTime(v); }"), "axisLabel", "formatter")
			case kind == "hitmap" && key == "yAxis":
				// 58 elapsed buckets: label one per decade (buckets 1, 9,
				// 17 …: 0.1 ms, 1 ms, 10 ms …), as the front end does.
				setPath(am, opts.FuncOpts("function (i) { return i % 8 === 1; }"), "axisLabel", "interval")
			}
		}
	}
	if kind != "hitmap" {
		setPath(m, num, "tooltip", "valueFormatter")
	}
	if kind == "gauge" {
		if g := seriesByID(m, "gauge"); g != nil {
			setPath(g, num, "detail", "formatter")
		}
	}
}

// setPath sets m[k0][k1]… = v, making the objects on the way.
func setPath(m map[string]any, v types.FuncStr, keys ...string) {
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}
