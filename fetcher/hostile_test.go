package fetcher

import (
	"bytes"
	"compress/gzip"
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

// hostileMux serves every kind of bad answer a feed URL can give.
// gzipBomb is 64 MiB of zeros in ~64 KB: one gzip member of 1 MiB of
// zeros, repeated (a multi-member stream is one valid gzip body).
var gzipBomb = sync.OnceValue(func() []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), 64)
})

func hostileMux(t *testing.T) *http.ServeMux {
	bomb := bytes.NewBuffer(gzipBomb())

	mux := http.NewServeMux()
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(rssFeed("http://example.com", "a", "b")))
	})
	mux.HandleFunc("/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		for _, c := range []byte(rssFeed("http://example.com", "a")) {
			if _, err := w.Write([]byte{c}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Second):
			}
		}
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>`))
		chunk := bytes.Repeat([]byte("a"), 32<<10)
		for range 4096 { // 128 MiB at most
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop2", http.StatusFound)
	})
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7200")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	mux.HandleFunc("/503", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(3*time.Hour).UTC().Format(http.TimeFormat))
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) })
	mux.HandleFunc("/404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/410", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("/malformed", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>unclosed`))
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html><head><title>Blog</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" href="https://blog.example/atom.xml">
<link rel="stylesheet" href="/s.css"></head><body>hi</body></html>`))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok","data":[1,2,3]}`))
	})
	mux.HandleFunc("/laughs", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">`)
		prev := "lol"
		for i := 1; i <= 9; i++ {
			name := "lol" + string(rune('0'+i))
			b.WriteString(`<!ENTITY ` + name + ` "` + strings.Repeat("&"+prev+";", 10) + `">`)
			prev = name
		}
		b.WriteString(`]><rss version="2.0"><channel><title>&lol9;</title><item><title>x</title><guid>x</guid></item></channel></rss>`)
		w.Write([]byte(b.String()))
	})
	mux.HandleFunc("/deep", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0" xmlns:x="urn:x"><channel><title>d</title><item><title>x</title>`))
		w.Write(bytes.Repeat([]byte("<x:a>"), 20000))
		w.Write(bytes.Repeat([]byte("</x:a>"), 20000))
		w.Write([]byte(`</item></channel></rss>`))
	})
	return mux
}

// TestHostileServers fetches one source per kind of bad server, together
// with a good one: each bad one fails with a clear error, the good one is
// fetched meanwhile, nothing hangs and nothing panics.
func TestHostileServers(t *testing.T) {
	cnt := newCounter()
	srv := serve(t, cnt.wrap(hostileMux(t)))
	tests := []struct {
		name, path string
		want       string // in the error; "" = success
	}{
		{"good", "/good", ""},
		{"drip", "/drip", "timed out"},
		{"endless", "/endless", "larger than max_body_size"},
		{"bomb", "/bomb", "larger than max_body_size"},
		{"loop", "/loop", "stopped after 10 redirects"},
		{"r429", "/429", "429"},
		{"r503", "/503", "503"},
		{"r500", "/500", "500 Internal Server Error"},
		{"r404", "/404", "404 Not Found"},
		{"r410", "/410", "410 Gone"},
		{"malformed", "/malformed", "parse"},
		{"html", "/html", "not a feed: an HTML page; it advertises " + srv.URL + "/feed.xml, https://blog.example/atom.xml"},
		{"empty", "/empty", "empty document"},
		{"json", "/json", "not a feed: a JSON document that is not a JSON Feed"},
		{"laughs", "/laughs", ""}, // DTD entities are not expanded: harmless
		{"deep", "/deep", "nested deeper than 256"},
	}
	cfg := testConfig()
	for _, tc := range tests {
		cfg.Sources = append(cfg.Sources, src(tc.name, srv.URL+tc.path))
	}
	cfg.Fetch.Concurrency = len(tests)
	st := newStore(t)
	f := New(cfg, st, nil)
	start := time.Now()
	outs := byName(f.Once(context.Background()))
	t.Logf("pass took %v", time.Since(start))
	t.Cleanup(func() { t.Logf("test took %v", time.Since(start)) })
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the pass took %v", d)
	}
	for _, tc := range tests {
		o := outs[tc.name]
		t.Logf("%-10s %v (%v)", tc.name, o, o.Duration.Round(time.Millisecond))
		if tc.want == "" {
			if o.Result == ResultError {
				t.Errorf("%s: %v", tc.name, o.Err)
			}
			continue
		}
		if o.Err == nil || !strings.Contains(o.Err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to say %q", tc.name, o.Err, tc.want)
			continue
		}
		// The line names the source once: "NAME: error: WHY".
		if line := o.String(); !strings.HasPrefix(line, tc.name+": error: ") || strings.Contains(line, "fetch "+tc.name) {
			t.Errorf("%s: line %q: want %q, naming the source once", tc.name, line, tc.name+": error: WHY")
		}
		s := stateOf(t, st, tc.name)
		if s.Failures != 1 || s.Error == "" || s.LastAttempt.IsZero() || s.NextReason == "" {
			t.Errorf("%s: state %+v", tc.name, s)
		}
	}
	if g := outs["good"]; g.New != 2 || g.Duration > 2*time.Second {
		t.Errorf("good source: %v in %v", g, g.Duration)
	}

	// Retry-After, in seconds and as a date, is honoured; 410 stops polling.
	now := time.Now()
	for name, want := range map[string]time.Duration{"r429": 2 * time.Hour, "r503": 3 * time.Hour} {
		s := stateOf(t, st, name)
		if d := s.NextAttempt.Sub(now); d < want-time.Minute || d > want+time.Minute || !strings.Contains(s.NextReason, "Retry-After") {
			t.Errorf("%s: next attempt in %v (%s), want ~%v after Retry-After", name, d, s.NextReason, want)
		}
	}
	if s := stateOf(t, st, "r410"); !s.Gone || !s.NextAttempt.IsZero() || !strings.Contains(s.NextReason, "410") {
		t.Errorf("410: state %+v", s)
	}
	if s := stateOf(t, st, "r500"); !s.NextAttempt.After(now) || !strings.Contains(s.NextReason, "back-off") {
		t.Errorf("500: next %v (%s)", s.NextAttempt, s.NextReason)
	}
	if n := cnt.get("/loop"); n > 6 {
		t.Errorf("redirect loop: %d requests to /loop", n)
	}
}

// TestGzipBombMemory checks a body expanding to 64 MiB is cut at the 1 MiB
// limit with memory to match.
func TestGzipBombMemory(t *testing.T) {
	srv := serve(t, hostileMux(t))
	cfg := testConfig(src("bomb", srv.URL+"/bomb"), src("endless", srv.URL+"/endless"))
	f := New(cfg, newStore(t), nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, o := range f.Once(context.Background()) {
		if o.Err == nil || !strings.Contains(o.Err.Error(), "max_body_size") {
			t.Errorf("%s: %v", o.Source, o.Err)
		}
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48<<20 {
		t.Errorf("allocated %d MiB for two capped bodies", alloc>>20)
	} else {
		t.Logf("allocated %.1f MiB for two bodies capped at 1 MiB", float64(alloc)/(1<<20))
	}
}

func TestFetchLogLevel(t *testing.T) {
	for _, c := range []struct {
		o    Outcome
		want slog.Level
	}{
		{Outcome{Result: ResultNew}, slog.LevelInfo},
		{Outcome{Result: ResultUnchanged}, slog.LevelInfo},
		{Outcome{Result: ResultError, Failures: 1}, slog.LevelWarn},
		{Outcome{Result: ResultError, Failures: errorAfter - 1}, slog.LevelWarn},
		{Outcome{Result: ResultError, Failures: errorAfter}, slog.LevelError},
		{Outcome{Result: ResultError, Failures: 1, Gone: true}, slog.LevelError},
	} {
		if got := c.o.level(); got != c.want {
			t.Errorf("%+v: level %v, want %v", c.o, got, c.want)
		}
	}
}

// TestDebugLines: --log-level debug shows the conditional GET sent and its
// outcome, and each article's enrichment decision.
func TestDebugLines(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte(rssFeed("http://"+r.Host, "x"))) // its page on loopback: refused at once
	}))
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := testConfig(config.Source{Name: "blog", URL: srv.URL + "/feed", Enrich: true})
	f := New(cfg, newStore(t), log)
	f.Once(context.Background())
	f.Once(context.Background())
	for _, want := range []string{
		`level=DEBUG msg=enrich source=blog article=` + srv.URL + `/page/x page=true why="new article"`,
		`level=DEBUG msg="conditional GET" source=blog etag="\"v1\""`,
		`level=DEBUG msg="not modified (304): nothing parsed" source=blog`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("debug logs lack %s:\n%s", want, logs.String())
		}
	}
}
