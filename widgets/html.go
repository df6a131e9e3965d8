package widgets

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"
)

// Server-side HTML of the kinds the front end draws with its own components
// (stat, status, table, topn, honeycomb, events, text, clock, image), for
// frozen snapshots: the same data and the same palette as the live
// components, drawn by Go templates. Chart kinds go through RenderHTML.

// WidgetHTML renders any widget with its data: chart kinds through
// RenderHTML (go-echarts), the others through the templates below. at is
// the frozen moment (clocks show it).
func WidgetHTML(spec Spec, th Theme, out Output, at time.Time, assetsHost string) (template.HTML, error) {
	m := FrameOf(spec)
	inner := spec
	inner.Width, inner.Height = m.BodyW, m.BodyH
	h, err := RenderHTML(inner, th, out, assetsHost)
	if errors.Is(err, ErrNotChart) {
		return OtherHTML(spec, th, out, at)
	}
	if err != nil {
		return "", err
	}
	return frameHTML(spec, th, out.State, m, h)
}

// Frame is the geometry of a widget's frame: its title bar, padding, the
// state strip on its left edge and the body inside. The front end's
// frameMetrics (static/src/lib/fit.ts) computes the same from the same
// size, so a snapshot looks like the wall.
type Frame struct {
	TitleFont, TitleH, Pad, Strip, BodyW, BodyH int
}

// FrameOf returns the frame of a widget of spec's size.
func FrameOf(spec Spec) Frame {
	w, h := float64(spec.Width), float64(spec.Height)
	hasTitle := strings.TrimSpace(spec.Title) != ""
	f := Frame{TitleFont: int(math.Round(math.Max(11, math.Min(44, math.Min(h*0.075, w*0.05)))))}
	f.Pad = int(math.Round(float64(f.TitleFont) * 0.6))
	f.Strip = max(3, int(math.Round(float64(f.TitleFont)*0.3)))
	top := float64(f.Pad)
	if hasTitle {
		f.TitleH = int(math.Round(float64(f.TitleFont) * 1.5))
		top = float64(f.Pad) * 0.5
	}
	f.BodyW = max(0, spec.Width-2*f.Pad-f.Strip)
	f.BodyH = max(0, int(h-float64(f.TitleH)-top-float64(f.Pad)))
	return f
}

var frameTemplate = template.Must(template.New("frame").Parse(`<div class="fb-w fb-{{.Spec.Kind}}" data-widget="{{.Spec.ID}}" data-state="{{.State}}" style="position:relative;box-sizing:border-box;width:{{.Spec.Width}}px;height:{{.Spec.Height}}px;overflow:hidden;background:{{.Theme.Surface}};color:{{.Theme.Text}};font-family:system-ui,sans-serif">` +
	`{{if .Stateful}}<div style="position:absolute;left:0;top:0;bottom:0;width:{{.M.Strip}}px;background:{{.Color}}"></div>{{end}}` +
	`{{if .Spec.Title}}<div style="position:absolute;left:{{.Left}}px;right:{{.M.Pad}}px;top:{{.TitleTop}}px;height:{{.M.TitleH}}px;line-height:{{.M.TitleH}}px;font-size:{{.M.TitleFont}}px;font-weight:600;color:{{.Theme.Muted}};white-space:nowrap;overflow:hidden;text-overflow:ellipsis">{{.Spec.Title}}</div>{{end}}` +
	`<div style="position:absolute;left:{{.Left}}px;top:{{.BodyTop}}px;width:{{.M.BodyW}}px;height:{{.M.BodyH}}px;overflow:hidden">{{.Body}}</div></div>`))

// frameHTML puts body in the widget's frame.
func frameHTML(spec Spec, th Theme, state State, m Frame, body template.HTML) (template.HTML, error) {
	if state == "" {
		state = StateOK
	}
	kindless := spec.Kind == "text" || spec.Kind == "clock" || spec.Kind == "image"
	titleTop := int(math.Round(float64(m.Pad) * 0.5))
	bodyTop := m.Pad
	if strings.TrimSpace(spec.Title) != "" {
		bodyTop = m.TitleH + titleTop
	}
	var buf bytes.Buffer
	err := frameTemplate.Execute(&buf, map[string]any{"Spec": spec, "Theme": th, "State": state, "Color": th.States[state], "M": m,
		"Stateful": !kindless, "Left": m.Pad + m.Strip, "TitleTop": titleTop, "BodyTop": bodyTop, "Body": body})
	if err != nil {
		return "", fmt.Errorf("render %s widget %s: %w", spec.Kind, spec.ID, err)
	}
	return template.HTML(buf.String()), nil
}

// htmlView is what the templates see.
type htmlView struct {
	Spec  Spec
	Theme Theme
	State State
	Color string // the state's colour
	Ink   string // text on the state's colour
	Font  int    // base font size in px, from the widget's size
	Data  any
	// Per kind:
	Value, Sub, Delta string
	Spark             template.HTML
	Hex               template.HTML
	Rows              []htmlRow
	Heads             []string
	Clock, Date       string
	HTML              template.HTML
	ImageURL          string
}

type htmlRow struct {
	Name  string
	Cells []htmlCell
	Bar   float64 // 0–100, topn
}

type htmlCell struct {
	Text, Color string
}

var otherTemplates = template.Must(template.New("widgets").Funcs(template.FuncMap{
	"upper": strings.ToUpper,
}).Parse(`{{define "frame"}}<div style="position:relative;width:100%;height:100%;font-size:{{.Font}}px;line-height:1.25">{{template "body" .}}</div>{{end}}`))

func init() {
	template.Must(otherTemplates.New("body-stat").Parse(`{{if .Spark}}<div style="position:absolute;inset:auto 0 0 0;height:45%;opacity:.5">{{.Spark}}</div>{{end}}<div style="position:relative;font-size:{{.Font}}px"><div style="font-size:3em;font-weight:700;{{if eq (index .Spec.Config "color_mode") "text"}}color:{{.Color}}{{else}}display:inline-block;padding:0 .25em;border-radius:.15em;background:{{.Color}};color:{{.Ink}}{{end}}">{{.Value}}</div>{{if .Delta}}<div style="color:{{.Theme.Muted}}">{{.Delta}}</div>{{end}}</div>`))
	template.Must(otherTemplates.New("body-status").Parse(`{{if .Spark}}<div style="position:absolute;inset:auto 0 0 0;height:35%;opacity:.5">{{.Spark}}</div>{{end}}<div style="position:relative;text-align:center"><div style="display:inline-block;font-size:2.6em;font-weight:800;letter-spacing:.04em;padding:0 .3em;border-radius:.12em;background:{{.Color}};color:{{.Ink}}">{{.Sub}}</div>{{if .Value}}<div style="font-size:1.4em;margin-top:.2em">{{.Value}}</div>{{end}}</div>`))
	template.Must(otherTemplates.New("body-table").Parse(`<table style="width:100%;border-collapse:collapse"><thead><tr><th style="text-align:left;color:{{.Theme.Muted}};font-weight:600"></th>{{range .Heads}}<th style="text-align:right;color:{{$.Theme.Muted}};font-weight:600;padding:0 .4em">{{.}}</th>{{end}}</tr></thead><tbody>{{range .Rows}}<tr style="border-top:1px solid {{$.Theme.Grid}}"><td style="padding:.15em 0;white-space:nowrap">{{.Name}}</td>{{range .Cells}}<td style="text-align:right;padding:.15em .4em;{{if .Color}}color:{{.Color}};font-weight:700{{end}}">{{.Text}}</td>{{end}}</tr>{{end}}</tbody></table>`))
	template.Must(otherTemplates.New("body-topn").Parse(`{{range .Rows}}<div style="display:flex;align-items:center;gap:.5em;margin:.2em 0"><div style="flex:0 0 35%;white-space:nowrap;overflow:hidden;text-overflow:ellipsis">{{.Name}}</div><div style="flex:1;height:.8em;background:{{$.Theme.Grid}}"><div style="height:100%;width:{{printf "%.1f" .Bar}}%;background:{{(index .Cells 0).Color}}"></div></div><div style="flex:0 0 auto;min-width:4em;text-align:right">{{(index .Cells 0).Text}}</div></div>{{end}}`))
	template.Must(otherTemplates.New("body-honeycomb").Parse(`<div style="color:{{.Theme.Muted}};font-size:.8em;height:1.5em;white-space:nowrap;overflow:hidden">{{.Sub}}</div>{{.Hex}}`))
	template.Must(otherTemplates.New("body-events").Parse(`{{range .Rows}}<div style="display:flex;gap:.6em;border-top:1px solid {{$.Theme.Grid}};padding:.2em 0"><span style="color:{{$.Theme.Muted}};white-space:nowrap">{{(index .Cells 0).Text}}</span><span style="color:{{(index .Cells 1).Color}};font-weight:700">{{(index .Cells 1).Text}}</span><span>{{.Name}}</span></div>{{else}}<div style="color:{{.Theme.Muted}}">No events.</div>{{end}}`))
	template.Must(otherTemplates.New("body-text").Parse(`<div class="fb-md" style="text-align:{{index .Spec.Config "align"}}">{{.HTML}}</div>`))
	template.Must(otherTemplates.New("body-clock").Parse(`<div style="text-align:center"><div style="font-size:3em;font-weight:700;font-variant-numeric:tabular-nums">{{.Clock}}</div>{{if .Date}}<div style="color:{{.Theme.Muted}};font-size:1.2em">{{.Date}}</div>{{end}}</div>`))
	template.Must(otherTemplates.New("body-image").Parse(`{{if .ImageURL}}<img alt="{{.Spec.Title}}" src="{{.ImageURL}}" style="width:100%;height:100%;object-fit:{{index .Spec.Config "fit"}}">{{else}}<div style="color:{{.Theme.Muted}}">No image chosen.</div>{{end}}`))
}

// OtherHTML renders a widget of a non-chart kind with its data.
func OtherHTML(spec Spec, th Theme, out Output, at time.Time) (template.HTML, error) {
	v := htmlView{Spec: spec, Theme: th, State: out.State, Data: out.Data}
	if v.State == "" {
		v.State = StateOK
	}
	v.Color, v.Ink = th.States[v.State], th.OnState[v.State]
	m := FrameOf(spec)
	v.Font = max(10, min(48, min(m.BodyW, m.BodyH*2)/18))
	unit, dec := spec.Config.String("unit"), spec.Config.Int("decimals")
	fmtv := func(f float64) string { return FormatValue(f, unit, dec) }
	switch spec.Kind {
	case "stat", "status":
		d, _ := out.Data.(StatData)
		v.Value = fmtv(float64(d.Value))
		if spec.Kind == "status" {
			v.Sub = map[State]string{StateOK: "OK", StateWarning: "WARNING", StateCritical: "CRITICAL", StateNoData: "NO DATA", StateStale: "STALE"}[v.State]
			if !spec.Config.Bool("show_value") {
				v.Value = ""
			}
		}
		if d.DeltaPct != nil && !math.IsNaN(float64(*d.DeltaPct)) {
			arrow := "▲"
			if *d.DeltaPct < 0 {
				arrow = "▼"
			}
			v.Delta = fmt.Sprintf("%s %.1f%% vs %s ago", arrow, math.Abs(float64(*d.DeltaPct)), spec.Config.String("compare"))
		}
		if d.Spark != nil {
			v.Spark = sparkSVG(d.Spark.Values, v.Color)
		}
	case "table":
		d, _ := out.Data.(TableData)
		for _, c := range d.Columns {
			v.Heads = append(v.Heads, c.Name)
		}
		for _, r := range d.Rows {
			row := htmlRow{Name: r.Name}
			for _, c := range r.Cells {
				if c == nil {
					row.Cells = append(row.Cells, htmlCell{Text: "–"})
					continue
				}
				col := ""
				if c.State != StateOK {
					col = th.States[c.State]
				}
				row.Cells = append(row.Cells, htmlCell{Text: fmtv(float64(c.Value)), Color: col})
			}
			v.Rows = append(v.Rows, row)
		}
	case "topn":
		d, _ := out.Data.(TopNData)
		for _, it := range d.Items {
			bar := 0.0
			if d.Max > 0 {
				bar = math.Abs(it.Value) / d.Max * 100
			}
			v.Rows = append(v.Rows, htmlRow{Name: it.Name, Bar: bar, Cells: []htmlCell{{Text: fmtv(it.Value), Color: th.States[it.State]}}})
		}
	case "honeycomb":
		d, _ := out.Data.(HoneycombData)
		v.Hex = honeycombSVG(d, th, m.BodyW, m.BodyH-v.Font*3/2)
		v.Sub = fmt.Sprintf("%d objects · %d critical · %d warning · %d silent", len(d.IDs), d.Counts[StateCritical], d.Counts[StateWarning], d.Counts[StateNoData])
	case "events":
		d, _ := out.Data.(EventsData)
		for _, e := range d.Events {
			name := e.Message
			if e.Title != "" {
				name = e.Title + ": " + name
			}
			v.Rows = append(v.Rows, htmlRow{Name: name, Cells: []htmlCell{
				{Text: time.UnixMilli(e.TS).In(at.Location()).Format("15:04:05")}, {Text: strings.ToUpper(string(e.Severity)), Color: th.States[e.Severity]}}})
		}
	case "text":
		v.HTML = template.HTML(RenderMarkdown(spec.Config.String("markdown"))) // sanitised by goldmark
	case "clock":
		t := at
		if tz := spec.Config.String("timezone"); tz != "" {
			if loc, err := time.LoadLocation(tz); err == nil {
				t = t.In(loc)
			}
		}
		layout := "15:04"
		if spec.Config.String("format") == "12h" {
			layout = "3:04"
		}
		if spec.Config.Bool("show_seconds") {
			layout += ":05"
		}
		if spec.Config.String("format") == "12h" {
			layout += " PM"
		}
		v.Clock = t.Format(layout)
		if spec.Config.Bool("show_date") {
			v.Date = t.Format("Mon 2 Jan 2006 · MST")
		}
	case "image":
		if id := spec.Config.String("image"); id != "" {
			v.ImageURL = "/api/v1/images/" + id
		}
	default:
		return "", fmt.Errorf("widgets: no HTML for kind %q", spec.Kind)
	}
	var buf bytes.Buffer
	t, err := otherTemplates.Clone()
	if err != nil {
		return "", err
	}
	if _, err := t.New("body").Parse(`{{template "body-` + spec.Kind + `" .}}`); err != nil {
		return "", err
	}
	if err := t.ExecuteTemplate(&buf, "frame", v); err != nil {
		return "", fmt.Errorf("render %s widget %s: %w", spec.Kind, spec.ID, err)
	}
	return frameHTML(spec, th, v.State, m, template.HTML(buf.String()))
}

// sparkSVG draws values as a filled line scaled to a 100×30 box.
func sparkSVG(values []Drawn, color string) template.HTML {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, f := range values {
		if x := float64(f); !math.IsNaN(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if len(values) < 2 || math.IsInf(lo, 1) {
		return ""
	}
	if hi == lo {
		hi = lo + 1
	}
	var b strings.Builder
	n := float64(len(values) - 1)
	for i, f := range values {
		if math.IsNaN(float64(f)) {
			continue
		}
		cmd := "L"
		if b.Len() == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&b, "%s%.2f %.2f ", cmd, float64(i)/n*100, 30-(float64(f)-lo)/(hi-lo)*28-1)
	}
	return template.HTML(fmt.Sprintf(`<svg viewBox="0 0 100 30" preserveAspectRatio="none" width="100%%" height="100%%"><path d="%s" fill="none" stroke="%s" stroke-width="1.5" vector-effect="non-scaling-stroke"/></svg>`,
		b.String(), template.HTMLEscapeString(color)))
}

// HexLayout places n hexagons (pointy-top, odd rows shifted) in a w×h box:
// the largest radius that fits, and the number of columns. The front end's
// honeycomb uses the same maths.
func HexLayout(n, w, h int) (r float64, cols int) {
	if n <= 0 || w <= 0 || h <= 0 {
		return 0, 0
	}
	best, bestCols := 0.0, 1
	for c := 1; c <= n; c++ {
		rows := (n + c - 1) / c
		// Width: c hexagons of width √3·r, plus half of one for shifted rows.
		rw := float64(w) / (math.Sqrt(3) * (float64(c) + 0.5))
		// Height: 2r for the first row, 1.5r for each further one.
		rh := float64(h) / (2 + 1.5*float64(rows-1))
		if r := math.Min(rw, rh); r > best {
			best, bestCols = r, c
		}
	}
	return best, bestCols
}

// honeycombSVG draws the hexagons of d in a w×h box.
func honeycombSVG(d HoneycombData, th Theme, w, h int) template.HTML {
	n := len(d.IDs)
	r, cols := HexLayout(n, w, h)
	if n == 0 || r <= 0 {
		return template.HTML(`<div style="color:` + template.HTMLEscapeString(th.Muted) + `">No objects.</div>`)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg width="%d" height="%d" viewBox="0 0 %d %d">`, w, h, w, h)
	hw := math.Sqrt(3) * r
	gap := math.Max(0.5, r*0.08)
	colors := []string{th.States[StateOK], th.States[StateWarning], th.States[StateCritical], th.States[StateNoData]}
	for i := 0; i < n; i++ {
		row, col := i/cols, i%cols
		cx := hw/2 + float64(col)*hw
		if row%2 == 1 {
			cx += hw / 2
		}
		cy := r + float64(row)*1.5*r
		rr := r - gap
		var pts strings.Builder
		for k := 0; k < 6; k++ {
			a := math.Pi/180*(60*float64(k)) - math.Pi/2
			fmt.Fprintf(&pts, "%.1f,%.1f ", cx+rr*math.Cos(a), cy+rr*math.Sin(a))
		}
		s := 0
		if i < len(d.States) && int(d.States[i]) < len(colors) {
			s = int(d.States[i])
		}
		fmt.Fprintf(&b, `<polygon points="%s" fill="%s"><title>%s</title></polygon>`, pts.String(), colors[s], template.HTMLEscapeString(d.IDs[i]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
