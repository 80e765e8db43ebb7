package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// fixture is a real store holding three sources in different health, and
// the config naming them (plus one never fetched).
func fixture(t *testing.T, token string) (*config.Config, *store.Store) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse(filepath.Join(t.TempDir(), "config.toml"), []byte(`
[server]
admin_token = "`+token+`"
[fetch]
schedule = "@every 30m"
[[source]]
name = "river"
url = "https://river.example/feed.xml"
[[source]]
name = "delta"
url = "https://delta.example/atom"
schedule = "@every 1h"
[[source]]
name = "estuary"
url = "https://estuary.example/feed.json"
[[source]]
name = "new-one"
url = "https://new.example/rss"
`))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	arts := func(src string, days ...int) []article.Article {
		var out []article.Article
		for _, d := range days {
			out = append(out, article.Article{ID: src + string(rune('a'+d)), Source: src, Title: "t", Published: now.AddDate(0, 0, -d)})
		}
		return out
	}
	ok := store.SourceState{Name: "river", URL: "https://river.example/feed.xml", EffectiveURL: "https://river.example/new-feed.xml",
		LastAttempt: now.Add(-10 * time.Minute), LastSuccess: now.Add(-10 * time.Minute), Status: 200,
		NextAttempt: now.Add(20 * time.Minute), NextReason: "schedule", ItemsTotal: 3000, ItemsCut: 2000,
		EnrichAttempts: 12, EnrichFailures: 2, LastEnrichError: "page https://river.example/a: GET https://river.example/a: 404 Not Found"}
	if _, err := st.Apply(ctx, "river", ok, arts("river", 1, 2, 5)); err != nil {
		t.Fatal(err)
	}
	failing := store.SourceState{Name: "delta", URL: "https://delta.example/atom",
		LastAttempt: now.Add(-5 * time.Minute), LastSuccess: now.Add(-50 * time.Hour), Status: 503,
		Error: "GET https://delta.example/atom: 503 Service Unavailable", Failures: 3,
		NextAttempt: now.Add(4 * time.Hour), NextReason: "back-off after 3 failures"}
	if _, err := st.Apply(ctx, "delta", failing, arts("delta", 3)); err != nil {
		t.Fatal(err)
	}
	// No next attempt stored: estimated from the schedule.
	est := store.SourceState{Name: "estuary", URL: "https://estuary.example/feed.json",
		LastAttempt: now.Add(-29 * time.Minute), LastSuccess: now.Add(-29 * time.Minute), Status: 304}
	if err := st.SaveStates(ctx, est); err != nil {
		t.Fatal(err)
	}
	return cfg, st
}

func TestReport(t *testing.T) {
	cfg, st := fixture(t, "")
	r, err := BuildReport(context.Background(), cfg, st, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Failing != 1 || len(r.Sources) != 4 {
		t.Fatalf("report: %d failing of %d sources, want 1 of 4", r.Failing, len(r.Sources))
	}
	river, delta, estuary, fresh := r.Sources[0], r.Sources[1], r.Sources[2], r.Sources[3]
	if river.URL != "https://river.example/new-feed.xml" || river.ConfiguredURL != "https://river.example/feed.xml" {
		t.Errorf("river URL %q (configured %q): want the effective URL", river.URL, river.ConfiguredURL)
	}
	if river.Articles != 3 || river.NewestArticle == nil || !river.NewestArticle.Equal(now.AddDate(0, 0, -1)) {
		t.Errorf("river articles %d newest %v", river.Articles, river.NewestArticle)
	}
	if !delta.Failing || delta.Failures != 3 || delta.NextReason != "back-off after 3 failures" {
		t.Errorf("delta: %+v", delta)
	}
	if estuary.NextFetch == nil || !estuary.NextFetch.Equal(now.Add(time.Minute)) || estuary.NextReason != "estimated from schedule" {
		t.Errorf("estuary next fetch %v (%s), want %v estimated", estuary.NextFetch, estuary.NextReason, now.Add(time.Minute))
	}
	if fresh.LastAttempt != nil || fresh.NextReason != "not fetched yet" || fresh.Failing {
		t.Errorf("never fetched source: %+v", fresh)
	}
	// The JSON shape scripts rely on.
	b, _ := json.Marshal(r)
	for _, key := range []string{`"name":"river"`, `"url":`, `"last_success":`, `"last_error":"GET https://delta.example/atom: 503`, `"consecutive_failures":3`, `"next_fetch":`, `"next_reason":`, `"articles":3`, `"newest_article":`, `"failing":1`, `"last_attempt":null`, `"enrich_attempts":12`, `"enrich_failures":2`, `"last_enrich_error":"page https://river.example/a: GET https://river.example/a: 404 Not Found"`, `"items_total":3000,"items_cut":2000`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON lacks %s:\n%s", key, b)
		}
	}
}

func TestStatusTable(t *testing.T) {
	cfg, st := fixture(t, "")
	r, err := BuildReport(context.Background(), cfg, st, now)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, now); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "status.golden")
	if *update {
		os.WriteFile(golden, buf.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if buf.String() != string(want) {
		t.Errorf("status table:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestAdminAccess(t *testing.T) {
	for _, c := range []struct {
		name, token, remote, auth string
		want                      int
	}{
		{"loopback v4, no token set", "", "127.0.0.1:40000", "", 200},
		{"loopback v6, no token set", "", "[::1]:40000", "", 200},
		{"remote, no token set", "", "192.0.2.7:40000", "", 403},
		{"remote with a token, none set", "", "192.0.2.7:40000", "Bearer s3cret", 403},
		{"remote, right token", "s3cret", "192.0.2.7:40000", "Bearer s3cret", 200},
		{"remote, scheme in lower case", "s3cret", "192.0.2.7:40000", "bearer s3cret", 200},
		{"remote, wrong token", "s3cret", "192.0.2.7:40000", "Bearer s3cre", 401},
		{"remote, no token", "s3cret", "192.0.2.7:40000", "", 401},
		{"remote, basic auth", "s3cret", "192.0.2.7:40000", "Basic czNjcmV0", 401},
		{"loopback needs the token once set", "s3cret", "127.0.0.1:40000", "", 401},
		{"loopback, right token", "s3cret", "127.0.0.1:40000", "Bearer s3cret", 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, st := fixture(t, c.token)
			a := New(cfg, st, func(context.Context) error { return nil }, nil)
			a.SetFetch(func(context.Context, []string) []FetchOutcome { return nil })
			h := a.Handler()
			for _, ep := range []struct{ method, path string }{{"GET", "/api/sources"}, {"GET", "/admin/backup"}, {"POST", "/admin/reload"}, {"POST", "/admin/fetch"}} {
				req := httptest.NewRequest(ep.method, ep.path, nil)
				req.RemoteAddr = c.remote
				if c.auth != "" {
					req.Header.Set("Authorization", c.auth)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != c.want {
					t.Errorf("%s %s: %d, want %d: %s", ep.method, ep.path, rec.Code, c.want, rec.Body)
				}
			}
		})
	}
}

// TestOverRealHTTP checks the loopback rule with a real listener and client.
func TestOverRealHTTP(t *testing.T) {
	cfg, st := fixture(t, "")
	srv := httptest.NewServer(New(cfg, st, nil, nil).Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/sources")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r Report
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /api/sources: %s %v", resp.Status, err)
	}
	if len(r.Sources) != 4 || r.Failing != 1 {
		t.Errorf("report over HTTP: %+v", r)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestBackupIsAStoreThatOpens(t *testing.T) {
	cfg, st := fixture(t, "")
	srv := httptest.NewServer(New(cfg, st, nil, nil).Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/admin/backup")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("backup: %s", resp.Status)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	f, _ := os.Create(path)
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
	f.Close()
	copy, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatalf("the backup does not open as a store: %v", err)
	}
	defer copy.Close()
	stats, err := copy.Stats(context.Background())
	if err != nil || stats.Articles != 4 {
		t.Errorf("backup holds %d articles (%v), want 4", stats.Articles, err)
	}
}

func TestReloadEndpoint(t *testing.T) {
	cfg, st := fixture(t, "")
	var calls int
	fail := error(nil)
	h := New(cfg, st, func(context.Context) error { calls++; return fail }, nil).Handler()
	post := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/admin/reload", nil)
		req.RemoteAddr = "127.0.0.1:1"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := post(); rec.Code != 200 || !strings.Contains(rec.Body.String(), "reloaded") {
		t.Errorf("reload: %d %s", rec.Code, rec.Body)
	}
	fail = config.Problems{{File: "/etc/tributary.toml", Line: 7, Key: "source[1].url", Msg: "missing"}}
	rec := post()
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "/etc/tributary.toml:7: source[1].url: missing") {
		t.Errorf("refused reload: %d %s", rec.Code, rec.Body)
	}
	fail = errors.New("read config: permission denied")
	if rec := post(); rec.Code != 500 {
		t.Errorf("reload failing otherwise: %d", rec.Code)
	}
	if calls != 3 {
		t.Errorf("reload called %d times, want 3", calls)
	}
	req := httptest.NewRequest("GET", "/admin/reload", nil)
	req.RemoteAddr = "127.0.0.1:1"
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /admin/reload: %d, want 405", rec.Code)
	}
}

func TestAgo(t *testing.T) {
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	for _, c := range []struct {
		t    *time.Time
		want string
	}{
		{nil, "never"},
		{at(-40 * time.Second), "40s ago"},
		{at(-90 * time.Minute), "1h ago"},
		{at(-50 * time.Hour), "2d ago"},
		{at(-10 * 24 * time.Hour), "2026-02-28"},
		{at(2 * time.Minute), "in 2m"},
	} {
		if got := ago(c.t, now); got != c.want {
			t.Errorf("ago(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// TestReloadChangingTheToken: a reload whose file changes or removes
// admin_token is accepted from loopback when it satisfies the new file's
// rule; the other endpoints keep the running token until the reload.
func TestReloadChangingTheToken(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	write := func(token string) *config.Config {
		body := "[server]\nadmin_token = \"" + token + "\"\n[[source]]\nname = \"river\"\nurl = \"https://river.example/feed.xml\"\n"
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	_, st := fixture(t, "")
	running := write("old")
	var a *Admin
	a = New(running, st, func(context.Context) error {
		cfg, err := config.Load(path)
		if err == nil {
			a.SetConfig(cfg)
		}
		return err
	}, nil)
	h := a.Handler()
	do := func(method, path, remote, token string) int {
		req := httptest.NewRequest(method, path, nil)
		req.RemoteAddr = remote
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	const lo, far = "127.0.0.1:1", "192.0.2.7:1"

	write("new") // on disk, not yet loaded
	if c := do("POST", "/admin/reload", lo, ""); c != 401 {
		t.Errorf("reload from loopback with no token, file wants one: %d, want 401", c)
	}
	if c := do("POST", "/admin/reload", far, "new"); c != 401 {
		t.Errorf("reload from afar with the file's new token: %d, want 401 (only loopback may use the file's rule)", c)
	}
	if c := do("GET", "/api/sources", lo, "new"); c != 401 {
		t.Errorf("sources with the token not yet loaded: %d, want 401", c)
	}
	if c := do("POST", "/admin/reload", lo, "new"); c != 200 {
		t.Errorf("reload from loopback with the file's new token: %d, want 200", c)
	}
	if c := do("GET", "/api/sources", lo, "new"); c != 200 {
		t.Errorf("sources with the reloaded token: %d, want 200", c)
	}

	write("") // the token removed
	if c := do("POST", "/admin/reload", far, ""); c != 401 {
		t.Errorf("reload from afar, token removed in the file: %d, want 401", c)
	}
	if c := do("POST", "/admin/reload", lo, ""); c != 200 {
		t.Errorf("reload from loopback removing the token: %d, want 200", c)
	}
	if c := do("GET", "/api/sources", lo, ""); c != 200 {
		t.Errorf("sources from loopback once the token is gone: %d, want 200", c)
	}
	if c := do("GET", "/api/sources", far, ""); c != 403 {
		t.Errorf("sources from afar once the token is gone: %d, want 403", c)
	}
}

func TestFetchEndpoint(t *testing.T) {
	cfg, st := fixture(t, "")
	a := New(cfg, st, nil, nil)
	var asked [][]string
	a.SetFetch(func(_ context.Context, names []string) []FetchOutcome {
		asked = append(asked, names)
		return []FetchOutcome{{Source: "river", Result: "new", Status: 200, New: 2}, {Source: "delta", Result: "error", Error: "GET https://delta.example/atom: 503 Service Unavailable"}}
	})
	h := a.Handler()
	post := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/admin/fetch", strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:1"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := post(`{"sources":["river","delta"]}`)
	var rep FetchReport
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); rec.Code != 200 || err != nil || len(rep.Outcomes) != 2 || rep.Outcomes[1].Error == "" {
		t.Fatalf("fetch: %d %v %s", rec.Code, err, rec.Body)
	}
	if rec := post(""); rec.Code != 200 {
		t.Errorf("fetch with an empty body (all sources): %d", rec.Code)
	}
	if len(asked) != 2 || len(asked[0]) != 2 || asked[0][0] != "river" || len(asked[1]) != 0 {
		t.Errorf("asked to fetch %q, want [river delta] then all", asked)
	}
	if rec := post(`["river"`); rec.Code != 400 {
		t.Errorf("malformed body: %d, want 400", rec.Code)
	}
	if rec := post(`{"sources":["` + strings.Repeat("x", 2<<20) + `"]}`); rec.Code != 413 {
		t.Errorf("2 MiB body: %d, want 413", rec.Code)
	}
}
