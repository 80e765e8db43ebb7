package metrics

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads the metrics endpoint back as a real scraper would.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// value is the value of the family's metric whose labels are all in want.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.Label {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func TestMetricsCountWhatTheyAreTold(t *testing.T) {
	m := New(Options{
		Store:       func() (int, int64, error) { return 42, 65536, nil },
		Cache:       func() (uint64, uint64) { return 7, 3 },
		CacheUsage:  func() (int64, uint64) { return 123456, 9 },
		Connections: func() (int, uint64) { return 5, 11 },
	})
	m.ObserveFetch(Fetch{Source: "river", Outcome: "new", Duration: 20 * time.Millisecond, Bytes: 1000})
	m.ObserveFetch(Fetch{Source: "river", Outcome: "unchanged", Duration: 5 * time.Millisecond, NotModified: true})
	m.ObserveFetch(Fetch{Source: "delta", Outcome: "error", Duration: time.Second, Bytes: 10})
	m.ObserveFetch(Fetch{Source: "estuary", Outcome: "new", EnrichAttempts: 5, EnrichFailures: 2})
	m.ObserveFetch(Fetch{Source: "estuary", Outcome: "new", EnrichAttempts: 3})

	feeds := m.FeedRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/g/missing.rss":
			http.NotFound(w, r)
		case "/feed.json":
			w.WriteHeader(http.StatusNotModified)
		default:
			w.Write([]byte("ok"))
		}
	}))
	for _, p := range []string{"/feed.atom", "/feed.atom", "/feed.json", "/g/tech.rss", "/g/missing.rss", "/healthz", "/"} {
		feeds.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}

	fams := scrape(t, m.Handler())
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"tributary_fetches_total", []string{"source", "river", "outcome", "new"}, 1},
		{"tributary_fetches_total", []string{"source", "river", "outcome", "unchanged"}, 1},
		{"tributary_fetches_total", []string{"source", "delta", "outcome", "error"}, 1},
		{"tributary_fetch_duration_seconds", nil, 5},
		{"tributary_enrich_attempts_total", []string{"source", "estuary"}, 8},
		{"tributary_enrich_failures_total", []string{"source", "estuary"}, 2},
		{"tributary_fetch_bytes_total", []string{"source", "river"}, 1000},
		{"tributary_fetch_bytes_total", []string{"source", "delta"}, 10},
		{"tributary_fetch_not_modified_total", []string{"source", "river"}, 1},
		{"tributary_articles_stored", nil, 42},
		{"tributary_store_file_bytes", nil, 65536},
		{"tributary_render_cache_hits_total", nil, 7},
		{"tributary_render_cache_misses_total", nil, 3},
		{"tributary_render_cache_bytes", nil, 123456},
		{"tributary_render_cache_evictions_total", nil, 9},
		{"tributary_http_connections", nil, 5},
		{"tributary_http_connections_evicted_total", nil, 11},
		{"tributary_feed_requests_total", []string{"format", "atom", "status", "200"}, 2},
		{"tributary_feed_requests_total", []string{"format", "json", "status", "304"}, 1},
		{"tributary_feed_requests_total", []string{"format", "rss", "status", "200"}, 1},
		{"tributary_feed_requests_total", []string{"format", "rss", "status", "404"}, 1},
	} {
		got, ok := value(fams, c.name, c.labels...)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if n := len(fams["tributary_feed_requests_total"].GetMetric()); n != 4 {
		t.Errorf("feed requests counted under %d label sets, want 4 (non-feed paths are not counted)", n)
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("%s missing: Go and process collectors not registered", name)
		}
	}
}

func TestForgetDropsARemovedSource(t *testing.T) {
	m := New(Options{})
	m.ObserveFetch(Fetch{Source: "river", Outcome: "new", Bytes: 5, NotModified: true})
	m.ObserveFetch(Fetch{Source: "river", Outcome: "error", EnrichAttempts: 2, EnrichFailures: 1})
	m.ObserveFetch(Fetch{Source: "delta", Outcome: "new", Bytes: 7})
	m.Forget("river")
	fams := scrape(t, m.Handler())
	for _, name := range []string{"tributary_fetches_total", "tributary_fetch_bytes_total", "tributary_fetch_not_modified_total", "tributary_enrich_attempts_total", "tributary_enrich_failures_total"} {
		if _, ok := value(fams, name, "source", "river"); ok {
			t.Errorf("%s still has river after Forget", name)
		}
	}
	if v, _ := value(fams, "tributary_fetch_bytes_total", "source", "delta"); v != 7 {
		t.Errorf("delta's bytes %v after forgetting river", v)
	}
}

func TestStoreErrorFailsTheScrapeLoudly(t *testing.T) {
	m := New(Options{Store: func() (int, int64, error) { return 0, 0, errors.New("store closed") }})
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("scrape with a failing store: %s, want 500", resp.Status)
	}
}

func TestFeedFormat(t *testing.T) {
	for path, want := range map[string]string{
		"/feed.atom": "atom", "/feed.rss": "rss", "/feed.json": "json",
		"/g/tech.atom": "atom", "/g/a-b.json": "json",
		"/feed.xml": "", "/g/x/y.rss": "", "/": "", "/healthz": "", "/feed": "", "/metrics": "",
	} {
		if got := feedFormat(path); got != want {
			t.Errorf("feedFormat(%q) = %q, want %q", path, got, want)
		}
	}
}
