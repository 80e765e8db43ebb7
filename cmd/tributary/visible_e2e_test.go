package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// flakyServer serves testdata/feeds/rss2.xml at /flaky once up is set, and
// 503 until then.
func flakyServer(t *testing.T) (*httptest.Server, *atomic.Bool) {
	t.Helper()
	feed, err := os.ReadFile("testdata/feeds/rss2.xml")
	if err != nil {
		t.Fatal(err)
	}
	var up atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	t.Cleanup(srv.Close)
	return srv, &up
}

func sourceStatus(t *testing.T, addr, name string) (failures int, reason string, ok bool) {
	t.Helper()
	for _, s := range sourcesReport(t, addr, "").Sources {
		if s.Name == name {
			return s.Failures, s.NextReason, s.LastAttempt != nil
		}
	}
	t.Fatalf("no source %s in /api/sources", name)
	return 0, "", false
}

// TestFetchThroughTheDaemon: with the daemon running (it holds the store),
// `tributary fetch NAME` asks it to fetch now and prints the same lines,
// with the same exit codes, as the standalone command; a fetch that
// succeeds ends the source's back-off at once. A failed fetch logs at WARN,
// so --log-level warn shows it, and a success does not.
func TestFetchThroughTheDaemon(t *testing.T) {
	feeds := newFeedServer(t)
	flaky, up := flakyServer(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store.db"
[fetch]
schedule = "@every 1h"
jitter = "0s"
[[source]]
name = "river"
url = "%s/rss2.xml"
[[source]]
name = "flaky"
url = "%s/flaky"
`, addr, feeds.URL, flaky.URL))
	d := startDaemon(t, cfgPath, addr, "--log-level", "warn")
	waitFor(t, "both sources fetched once", func() bool {
		_, _, river := sourceStatus(t, addr, "river")
		_, _, flaky := sourceStatus(t, addr, "flaky")
		return river && flaky
	}, d.stderr)
	if f, reason, _ := sourceStatus(t, addr, "flaky"); f != 1 || !strings.HasPrefix(reason, "back-off after 1 failure") {
		t.Errorf("flaky after its first fetch: %d failures, next %q; want 1, a back-off after 1 failure (singular)", f, reason)
	}
	waitFor(t, "the failed fetch's WARN line", func() bool {
		return strings.Contains(d.stderr.String(), "level=WARN msg=fetch source=flaky outcome=error status=503")
	}, d.stderr)

	// The operator (loopback, no admin_token) sees the failing source on /.
	if _, page := get(t, "http://"+addr+"/"); !strings.Contains(string(page), "1 of 2 sources failing — <a href=") {
		t.Errorf("the HTML page shows the operator no status strip:\n%s", page)
	}

	out, code := runCLI(t, "fetch", "--config", cfgPath, "river", "flaky")
	if code != 1 {
		t.Errorf("fetch with a failing source through the daemon: exit %d, want 1\n%s", code, out)
	}
	errLine := fmt.Sprintf("flaky: error: GET %s/flaky: 503 Service Unavailable", flaky.URL)
	for _, want := range []string{"asking it to fetch", "\nriver: unchanged\n", "\n" + errLine + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("fetch output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "locked") || strings.Contains(out, "fetch flaky") {
		t.Errorf("fetch output:\n%s", out)
	}
	if f, reason, _ := sourceStatus(t, addr, "flaky"); f != 2 || !strings.HasPrefix(reason, "back-off after 2 consecutive failures") {
		t.Errorf("flaky after a second failure: %d failures, next %q", f, reason)
	}

	up.Store(true)
	out, code = runCLI(t, "fetch", "--config", cfgPath, "flaky")
	if code != 0 || !strings.Contains(out, "\nflaky: new (4 new, 0 updated)\n") {
		t.Errorf("fetch of the recovered source: exit %d\n%s", code, out)
	}
	if f, reason, _ := sourceStatus(t, addr, "flaky"); f != 0 || reason != "schedule" {
		t.Errorf("flaky after fetch-now succeeded: %d failures, next %q; want 0 and the schedule (back-off over)", f, reason)
	}
	if _, page := get(t, "http://"+addr+"/"); strings.Contains(string(page), "failing") {
		t.Errorf("the status strip stays once no source fails")
	}
	out, code = runCLI(t, "fetch", "--config", cfgPath, "nosuch")
	if code != 1 || !strings.Contains(out, "\nnosuch: error: no such source in the config\n") {
		t.Errorf("fetch of an unknown source through the daemon: exit %d\n%s", code, out)
	}
	d.stop(t)
	logs := d.stderr.String()
	if strings.Contains(logs, "level=INFO") {
		t.Errorf("--log-level warn logged INFO lines:\n%s", logs)
	}

	// The daemon gone, the same command fetches by itself: same lines.
	out, code = runCLI(t, "fetch", "--config", cfgPath, "river", "flaky")
	if code != 0 || strings.Contains(out, "asking") || out != "river: unchanged\nflaky: unchanged\n" {
		t.Errorf("standalone fetch: exit %d\n%s", code, out)
	}
	// --log-level info adds the daemon's line per fetch, on stderr.
	out, _ = runCLI(t, "fetch", "--config", cfgPath, "--log-level", "info", "river")
	if !strings.Contains(out, "level=INFO msg=fetch source=river outcome=unchanged") {
		t.Errorf("fetch --log-level info logs no fetch line:\n%s", out)
	}
}

// TestReloadRemovingTheToken: `tributary reload` applies a file that
// removes admin_token (the CLI, reading the new file, sends none), and one
// that changes it.
func TestReloadRemovingTheToken(t *testing.T) {
	feeds := newFeedServer(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	write := func(token string) string {
		return writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
admin_token = %q
[store]
path = "store.db"
[[source]]
name = "river"
url = "%s/rss2.xml"
`, addr, token, feeds.URL))
	}
	cfgPath := write("old-secret")
	d := startDaemon(t, cfgPath, addr)
	sourcesReport(t, addr, "old-secret")

	write("new-secret")
	if out, code := runCLI(t, "reload", "--config", cfgPath); code != 0 {
		t.Fatalf("reload changing the token: exit %d\n%s\n%s", code, out, d.stderr)
	}
	sourcesReport(t, addr, "new-secret")

	write("")
	if out, code := runCLI(t, "reload", "--config", cfgPath); code != 0 {
		t.Fatalf("reload removing the token: exit %d\n%s\n%s", code, out, d.stderr)
	}
	sourcesReport(t, addr, "")
	// "401 Unauthorized" as client.go words a refusal: a bare "401" may
	// be part of the random port in the output.
	if out, code := runCLI(t, "status", "--config", cfgPath); code != 0 || strings.Contains(out, "401 Unauthorized") {
		t.Errorf("status after the token was removed: exit %d\n%s", code, out)
	}
	d.stop(t)
}

// TestStartLogsAndJSONDurations: at start one INFO line says how many
// sources are due and when the first fetches happen; debug adds the
// scheduling decisions; JSON durations are seconds under "…_s" keys. A
// config with no sources is warned about by check and at start.
func TestStartLogsAndJSONDurations(t *testing.T) {
	feeds := newFeedServer(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store.db"
[fetch]
jitter = "2s"
[[source]]
name = "river"
url = "%s/rss2.xml"
[[source]]
name = "delta"
url = "%s/atom.xml"
`, addr, feeds.URL, feeds.URL))
	d := startDaemon(t, cfgPath, addr, "--log-format", "json", "--log-level", "debug")
	waitFor(t, "both fetches", func() bool { return strings.Count(d.stderr.String(), `"msg":"fetch"`) == 2 }, d.stderr)
	waitFor(t, "the next fetches scheduled", func() bool { return strings.Count(d.stderr.String(), `"msg":"schedule: next fetch"`) >= 4 }, d.stderr)
	d.stop(t)
	var start, fetches, next int
	for _, line := range strings.Split(strings.TrimSpace(d.stderr.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		for k, v := range rec {
			if _, isNum := v.(float64); isNum && (k == "duration" || k == "deadline" || k == "in") {
				t.Errorf("duration under a bare key %q (nanoseconds?): %s", k, line)
			}
		}
		switch rec["msg"] {
		case "fetching: first fetches scheduled":
			start++
			if rec["level"] != "INFO" || rec["sources"] != 2.0 || rec["due"] != 2.0 {
				t.Errorf("start line: %s", line)
			}
			if in, ok := rec["all_due_within_s"].(float64); !ok || in > 2 {
				t.Errorf("start line: all due within %v s, want ≤ 2: %s", rec["all_due_within_s"], line)
			}
		case "fetch":
			fetches++
			if s, ok := rec["duration_s"].(float64); !ok || s <= 0 || s > 60 {
				t.Errorf("fetch line: duration_s %v, want seconds: %s", rec["duration_s"], line)
			}
		case "schedule: next fetch":
			next++
			if rec["reason"] == nil || rec["at"] == nil {
				t.Errorf("schedule line lacks at or reason: %s", line)
			}
		}
	}
	if start != 1 || fetches != 2 || next < 4 {
		t.Errorf("%d start lines, %d fetch lines, %d schedule lines; want 1, 2, ≥4\n%s", start, fetches, next, d.stderr)
	}

	empty := filepath.Join(t.TempDir(), "empty.toml")
	addr2 := freeAddr(t)
	os.WriteFile(empty, []byte(fmt.Sprintf("[server]\nlisten = %q\n[store]\npath = \"s.db\"\n", addr2)), 0o644)
	out, code := runCLI(t, "check", "--config", empty)
	if code != 0 || !strings.Contains(out, "warning: "+empty+": no sources") {
		t.Errorf("check of a config without sources: exit %d\n%s", code, out)
	}
	d2 := startDaemon(t, empty, addr2)
	waitFor(t, "the no-sources warning", func() bool {
		return strings.Contains(d2.stderr.String(), "level=WARN msg=\"no sources configured")
	}, d2.stderr)
	d2.stop(t)
}

// TestConfigHints: a missing file names --config and the example; an
// unknown key suggests the nearest one.
func TestConfigHints(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.toml")
	for _, cmd := range []string{"check", "run", "fetch", "status", "reload"} {
		out, code := runCLI(t, cmd, "--config", missing)
		if code != 1 || !strings.Contains(out, "no such file") || !strings.Contains(out, "--config FILE") || !strings.Contains(out, "example") {
			t.Errorf("%s with a missing config: exit %d\n%s", cmd, code, out)
		}
	}
	bad := writeConfig(t, t.TempDir(), "[fetch]\nconcurrancy = 4\n")
	if out, code := runCLI(t, "check", "--config", bad); code != 1 || !strings.Contains(out, ":2: fetch.concurrancy: unknown key (did you mean concurrency?)") {
		t.Errorf("check with a misspelt key: exit %d\n%s", code, out)
	}
}

// TestEnrichmentFailuresShown: a source whose article pages cannot be
// fetched (on loopback, refused without allow_private) shows its
// enrichment attempts, failures and last error in `tributary status`,
// /api/sources and /metrics.
func TestEnrichmentFailuresShown(t *testing.T) {
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><link>%[1]s/</link>
<item><title>One</title><link>%[1]s/one</link><guid>one</guid></item>
<item><title>Two</title><link>%[1]s/two</link><guid>two</guid></item>
</channel></rss>`, base)
	}))
	t.Cleanup(srv.Close)
	base = srv.URL
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store.db"
[fetch]
jitter = "0s"
[[source]]
name = "blog"
url = "%s/feed"
enrich = true
`, addr, srv.URL))
	d := startDaemon(t, cfgPath, addr)
	waitFor(t, "the enriched fetch", func() bool {
		return metric(scrape(t, addr), "tributary_enrich_attempts_total", "source", "blog") == 2
	}, d.stderr)
	if f := metric(scrape(t, addr), "tributary_enrich_failures_total", "source", "blog"); f != 2 {
		t.Errorf("tributary_enrich_failures_total = %v, want 2", f)
	}
	s := sourcesReport(t, addr, "").Sources[0]
	if s.EnrichAttempts != 2 || s.EnrichFailures != 2 || !strings.Contains(s.LastEnrichError, "page "+srv.URL+"/") || !strings.Contains(s.LastEnrichError, "refused private address") {
		t.Errorf("/api/sources: enrich %d attempts, %d failures, last %q", s.EnrichAttempts, s.EnrichFailures, s.LastEnrichError)
	}
	out, code := runCLI(t, "status", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "ENRICH FAILED") || !strings.Contains(out, "2 of 2") || !strings.Contains(out, "enrich: page "+srv.URL) {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	if !strings.Contains(d.stderr.String(), `level=WARN msg="enrich: page" source=blog`) {
		t.Errorf("no WARN line for the failed page:\n%s", d.stderr)
	}
	d.stop(t)
}
