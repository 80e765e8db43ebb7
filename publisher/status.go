package publisher

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"github.com/tributary-feeds/tributary/admin"
)

// The status strip tells the operator, on the HTML page, that sources are
// failing ("3 of 12 sources failing — see status"). Anonymous readers never
// see it unless [feed].show_status is set. The strip is spliced into a copy
// of the cached page and served uncached (private, no-store): the cached
// bytes every other reader gets never hold it.

var stripTemplate = template.Must(template.New("strip").Parse(
	`<p class="status-strip" role="status" style="margin:0 0 1rem;padding:.5rem .75rem;border:1px solid #c00;border-radius:.25rem;color:#900;background:#fee">` +
		`{{.Failing}} of {{.Total}} {{if eq .Total 1}}source{{else}}sources{{end}} failing — <a href="{{.Href}}">see status</a></p>` + "\n"))

// bodyStart is where the strip goes: first thing in the page's body.
func bodyStart(page []byte) int {
	i := bytes.Index(page, []byte("<body"))
	if i < 0 {
		return -1
	}
	j := bytes.IndexByte(page[i:], '>')
	if j < 0 {
		return -1
	}
	i += j + 1
	if i < len(page) && page[i] == '\n' {
		i++
	}
	return i
}

// writeWithStrip answers r with the page e plus the status strip when r
// may see it and some source is failing; it reports whether it answered.
func (p *Publisher) writeWithStrip(w http.ResponseWriter, r *http.Request, s state, base string, e *entry) bool {
	if !s.cfg.Feed.ShowStatus && !admin.Authorized(r, s.cfg.Server.AdminToken) {
		return false
	}
	failing, total, err := admin.CountFailing(r.Context(), s.cfg, p.st)
	if err != nil {
		p.log.Error("status strip", "error", err)
		return false
	}
	if failing == 0 {
		return false
	}
	var strip bytes.Buffer
	stripTemplate.Execute(&strip, struct {
		Failing, Total int
		Href           string
	}{failing, total, base + "api/sources"})
	i := bodyStart(e.body)
	if i < 0 {
		p.log.Error("status strip: the page has no <body>")
		return false
	}
	page := make([]byte, 0, len(e.body)+strip.Len())
	page = append(append(append(page, e.body[:i]...), strip.Bytes()...), e.body[i:]...)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Vary", "Accept-Encoding, Authorization")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(page)
	}
	return true
}
