package widgets_test

import (
	"strings"
	"testing"

	"github.com/flexboard/flexboard/widgets"
)

func TestRenderMarkdown(t *testing.T) {
	cases := []struct {
		name, src    string
		want, forbid []string
	}{
		{"Basics", "# Runbook\n\n**Call** the *on-call*: [wiki](https://wiki.example/x)\n\n- a\n- b",
			[]string{"<h1>Runbook</h1>", "<strong>Call</strong>", `<a href="https://wiki.example/x">wiki</a>`, "<li>a</li>"}, nil},
		{"Table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<td>1</td>"}, nil},
		{"RawHTMLDropped", "hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick=x>block</div>",
			[]string{"hi"}, []string{"<script", "onerror", "<div", "onclick"}},
		{"JavascriptLinkDropped", "[x](javascript:alert(1)) and ![i](javascript:alert(2))",
			nil, []string{"javascript:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := widgets.RenderMarkdown(c.src)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in %s", w, got)
				}
			}
			for _, f := range c.forbid {
				if strings.Contains(strings.ToLower(got), f) {
					t.Errorf("found %q in %s", f, got)
				}
			}
		})
	}
}
