package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/admin"
)

// TestAdaptiveScheduleEndToEnd: the real binary with schedule = "adaptive"
// and a loopback feed posting every 2 hours plans its next fetch an hour
// after the first, and status says why; `check` accepts the config.
func TestAdaptiveScheduleEndToEnd(t *testing.T) {
	newest := time.Now().Add(-10 * time.Minute)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Every two hours</title><link>http://example.com/</link>`)
		for i := range 6 {
			fmt.Fprintf(&b, `<item><title>Post %d</title><link>http://example.com/%d</link><guid>p%d</guid><pubDate>%s</pubDate></item>`,
				i, i, i, newest.Add(-time.Duration(i)*2*time.Hour).UTC().Format(http.TimeFormat))
		}
		b.WriteString(`</channel></rss>`)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(b.String()))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store.db"
[fetch]
schedule = "@every 30m"
jitter = "0s"
[[source]]
name = "twohourly"
url = "%s/feed.xml"
schedule = "adaptive"
`, addr, srv.URL))
	if out, code := runCLI(t, "check", "--config", cfgPath); code != 0 {
		t.Fatalf("check: exit %d\n%s", code, out)
	}
	d := startDaemon(t, cfgPath, addr)
	var r admin.Report
	waitFor(t, "the source fetched", func() bool {
		out, code := runCLI(t, "status", "--config", cfgPath, "--json")
		r = admin.Report{}
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
			t.Fatalf("status --json: exit %d, %v\n%s", code, err, out)
		}
		return r.Sources[0].LastSuccess != nil
	}, d.stderr)
	s := r.Sources[0]
	want := "adaptive: every 1h (half the median gap of the last 6 dated items)"
	if s.Schedule != "adaptive" || s.NextFetch == nil || s.NextReason != want {
		t.Fatalf("status: schedule %q, next %v (%q), want adaptive, %q", s.Schedule, s.NextFetch, s.NextReason, want)
	}
	if d := s.NextFetch.Sub(*s.LastSuccess); d < time.Hour-time.Minute || d > time.Hour+time.Minute {
		t.Errorf("next fetch %v after the last success, want ~1h", d)
	}
	out, _ := runCLI(t, "status", "--config", cfgPath)
	if !strings.Contains(out, "adaptive: every 1h") {
		t.Errorf("status table does not say adaptive:\n%s", out)
	}
}
