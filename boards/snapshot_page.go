package boards

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/flexboard/flexboard/widgets"
)

// A snapshot page is rendered by the server from the frozen data: chart
// widgets through the same go-echarts code as the live widgets, the others
// through Go templates (widgets.WidgetHTML). No websocket, nothing fetched
// from elsewhere: the page loads only the server's own copy of ECharts.

var snapshotPage = template.Must(template.New("snapshot").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="{{.Theme}}">
<title>{{.Name}} · snapshot {{.AtUTC}} · Flexboard</title>
<style nonce="{{.Nonce}}">
html,body{margin:0;height:100%;background:{{.Background}};color:{{.Text}};font:14px/1.4 system-ui,sans-serif;overflow:hidden}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.4em 1.2em;padding:.55em 1em;background:{{.Surface}};border-bottom:1px solid {{.Grid}}}
header h1{font-size:1.15em;margin:0}
header .badge{font-weight:700;font-size:.8em;letter-spacing:.06em;text-transform:uppercase;padding:.15em .6em;border-radius:1em;background:{{.Warning}};color:{{.OnWarning}}}
header .muted{color:{{.Muted}}}
#viewport{position:absolute;left:0;right:0;bottom:0;overflow:hidden}
#stage{position:absolute;left:0;top:0;width:{{.W}}px;height:{{.H}}px;transform-origin:0 0;background:{{.Background}}}
#stage>.cell{position:absolute;overflow:hidden}
.fb-md h1,.fb-md h2,.fb-md h3{margin:.2em 0}.fb-md p{margin:.3em 0}.fb-md a{color:inherit}
body.png header{display:none}body.png #viewport{top:0!important}
</style></head>
<body{{if .PNG}} class="png"{{end}} data-snapshot="{{.ID}}" data-widgets="{{len .Cells}}">
<header><h1>{{.Name}}</h1><span class="badge">snapshot, not live</span>
<span title="{{.AtUTC}}">frozen at <time datetime="{{.AtISO}}">{{.AtServer}}</time></span>
{{if .Note}}<span class="muted">“{{.Note}}”</span>{{end}}<span class="muted">{{len .Cells}} widgets · variant {{.Variant}}</span></header>
<div id="viewport"><div id="stage">
{{range .Cells}}<div class="cell" data-widget="{{.ID}}" style="left:{{.X}}px;top:{{.Y}}px;width:{{.W}}px;height:{{.H}}px">{{.HTML}}</div>
{{end}}</div></div>
<script nonce="{{.Nonce}}">
(function(){var v=document.getElementById("viewport"),s=document.getElementById("stage"),h=document.querySelector("header"),png=document.body.classList.contains("png");
function fit(){var top=png?0:h.getBoundingClientRect().height;v.style.top=top+"px";if(png){s.style.transform="none";return}
var w=window.innerWidth,ht=window.innerHeight-top,k=Math.min(w/{{.W}},ht/{{.H}});
s.style.transform="translate("+((w-{{.W}}*k)/2)+"px,"+((ht-{{.H}}*k)/2)+"px) scale("+k+")"}
fit();window.addEventListener("resize",fit)})();
</script></body></html>`))

type snapshotCell struct {
	ID         string
	X, Y, W, H int
	HTML       template.HTML
}

// SnapshotPage renders a snapshot as a complete HTML page, and the nonce its
// inline scripts and styles carry (the page's CSP allows only those). With
// png the page is the bare canvas at its design size, for screenshots.
func SnapshotPage(s *Snapshot, kinds *widgets.Registry, loc *time.Location, png bool) ([]byte, string, error) {
	b := &Board{ID: s.Board, Revision: s.Revision, Content: *s.Content}
	r, err := Render(b, s.Variant, "", kinds)
	if err != nil {
		return nil, "", fmt.Errorf("snapshot %s: %w", s.ID, err)
	}
	nb := make([]byte, 16)
	rand.Read(nb)
	nonce := base64.RawStdEncoding.EncodeToString(nb)
	if loc == nil {
		loc = time.UTC
	}
	th := r.Palette
	v := map[string]any{
		"ID": s.ID, "Name": s.BoardName, "Note": s.Note, "Variant": r.Variant, "Theme": r.Theme, "PNG": png, "Nonce": nonce,
		"AtUTC": s.At.UTC().Format("2006-01-02 15:04:05 MST"), "AtISO": s.At.UTC().Format(time.RFC3339),
		"AtServer": s.At.In(loc).Format("Mon 2 Jan 2006, 15:04:05 MST (-07:00)"),
		"W":        r.Canvas.Width, "H": r.Canvas.Height,
		"Background": template.CSS(r.Background), "Surface": template.CSS(th.Surface), "Text": template.CSS(th.Text),
		"Muted": template.CSS(th.Muted), "Grid": template.CSS(th.Grid),
		"Warning": template.CSS(th.States[widgets.StateWarning]), "OnWarning": template.CSS(th.OnState[widgets.StateWarning]),
	}
	var cells []snapshotCell
	for _, rw := range r.Widgets {
		raw, ok := s.Data[rw.ID]
		if !ok {
			raw = json.RawMessage(`{"state":"ok","data":null}`)
			if k := kinds.Lookup(rw.Kind); k != nil && k.Shape != nil {
				raw = json.RawMessage(`{"state":"nodata","data":null}`)
			}
		}
		out, err := widgets.DecodeOutput(rw.Kind, raw)
		if err != nil {
			return nil, "", fmt.Errorf("snapshot %s widget %s: %w", s.ID, rw.ID, err)
		}
		h, err := widgets.WidgetHTML(*rw.Spec, th, out, s.At.In(loc), widgets.DefaultAssetsHost)
		if err != nil {
			return nil, "", fmt.Errorf("snapshot %s widget %s: %w", s.ID, rw.ID, err)
		}
		cells = append(cells, snapshotCell{ID: rw.ID, X: rw.Rect.X, Y: rw.Rect.Y, W: rw.Rect.W, H: rw.Rect.H,
			HTML: template.HTML(strings.ReplaceAll(string(h), "<script", `<script nonce="`+nonce+`"`))})
	}
	v["Cells"] = cells
	var buf bytes.Buffer
	if err := snapshotPage.Execute(&buf, v); err != nil {
		return nil, "", fmt.Errorf("snapshot %s: %w", s.ID, err)
	}
	return buf.Bytes(), nonce, nil
}
