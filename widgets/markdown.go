package widgets

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// md renders markdown the way text widgets show it: CommonMark with tables,
// strikethrough and autolinks. goldmark leaves raw HTML out ("<!-- raw HTML
// omitted -->") and drops dangerous link targets (javascript:, vbscript:,
// data: other than images) unless told otherwise: we never tell it.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

// RenderMarkdown returns the sanitised HTML of a text widget's markdown.
func RenderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "<p>(this text could not be rendered)</p>"
	}
	return buf.String()
}
