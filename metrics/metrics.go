// Package metrics is Tributary's Prometheus registry: what the fetcher did,
// what the store holds and what readers asked the publisher for, served at
// GET /metrics.
//
// It imports none of Tributary's packages: the binary feeds it plain values
// (from fetcher.Observe, store.Stats and publisher.CacheStats), so each side
// can change without the other.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Tributary's collectors in their own registry (not the
// global default one, so tests and several instances never collide).
type Metrics struct {
	reg *prometheus.Registry

	fetches      *prometheus.CounterVec
	duration     prometheus.Histogram
	bytes        *prometheus.CounterVec
	notModified  *prometheus.CounterVec
	feedRequests *prometheus.CounterVec
	enrich       *prometheus.CounterVec
	enrichFailed *prometheus.CounterVec
}

// Options are the read-outs that are computed when scraped.
type Options struct {
	// Store reports the number of stored articles and the store file's size.
	Store func() (articles int, fileBytes int64, err error)
	// Cache reports the publisher's render cache hits and misses since start.
	Cache func() (hits, misses uint64)
	// CacheUsage reports the bytes the render cache holds and the entries
	// it has evicted since start.
	CacheUsage func() (bytes int64, evictions uint64)
	// Connections reports the client connections open now and how many
	// idle ones were closed to make room under [server].max_connections.
	Connections func() (open int, evicted uint64)
}

// New registers every Tributary metric, plus the Go runtime and process
// collectors, in a fresh registry.
func New(opt Options) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_fetches_total",
			Help: "Fetches of a source, by outcome (new, updated, unchanged, error).",
		}, []string{"source", "outcome"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "tributary_fetch_duration_seconds",
			Help:    "Time one fetch of a source took, request to stored.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_fetch_bytes_total",
			Help: "Feed body bytes received, after decompression, by source.",
		}, []string{"source"}),
		notModified: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_fetch_not_modified_total",
			Help: "Fetches answered 304 Not Modified (or with an unchanged body), by source.",
		}, []string{"source"}),
		feedRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_feed_requests_total",
			Help: "Requests for a published feed, by format (atom, rss, json) and HTTP status.",
		}, []string{"format", "status"}),
		enrich: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_enrich_attempts_total",
			Help: "Article pages and comment feeds fetched to enrich a source's articles, by source.",
		}, []string{"source"}),
		enrichFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_enrich_failures_total",
			Help: "Article pages and comment feeds that could not be fetched or read, by source.",
		}, []string{"source"}),
	}
	m.reg.MustRegister(m.fetches, m.duration, m.bytes, m.notModified, m.feedRequests, m.enrich, m.enrichFailed,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if opt.Store != nil {
		m.reg.MustRegister(&storeCollector{read: opt.Store})
	}
	if opt.Cache != nil {
		m.reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "tributary_render_cache_hits_total",
				Help: "Feed requests served from the publisher's render cache.",
			}, func() float64 { h, _ := opt.Cache(); return float64(h) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "tributary_render_cache_misses_total",
				Help: "Feed requests the publisher had to render.",
			}, func() float64 { _, m := opt.Cache(); return float64(m) }),
		)
	}
	if opt.CacheUsage != nil {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "tributary_render_cache_bytes",
				Help: "Bytes the publisher's render cache holds (plain and gzipped bodies), at most [server].render_cache_size.",
			}, func() float64 { b, _ := opt.CacheUsage(); return float64(b) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "tributary_render_cache_evictions_total",
				Help: "Rendered responses dropped from the render cache to keep it within its size.",
			}, func() float64 { _, e := opt.CacheUsage(); return float64(e) }),
		)
	}
	if opt.Connections != nil {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "tributary_http_connections",
				Help: "Client connections open now (at most [server].max_connections).",
			}, func() float64 { n, _ := opt.Connections(); return float64(n) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "tributary_http_connections_evicted_total",
				Help: "Idle client connections closed to make room for new ones at [server].max_connections.",
			}, func() float64 { _, e := opt.Connections(); return float64(e) }),
		)
	}
	return m
}

// Fetch is what one fetch did, in the metrics' terms.
type Fetch struct {
	Source      string
	Outcome     string // new, updated, unchanged, error
	Duration    time.Duration
	Bytes       int64
	NotModified bool
	// EnrichAttempts and EnrichFailures are the article pages and comment
	// feeds the fetch fetched, and those that failed.
	EnrichAttempts, EnrichFailures int
}

// ObserveFetch counts one fetch.
func (m *Metrics) ObserveFetch(f Fetch) {
	m.fetches.WithLabelValues(f.Source, f.Outcome).Inc()
	m.duration.Observe(f.Duration.Seconds())
	m.bytes.WithLabelValues(f.Source).Add(float64(f.Bytes))
	if f.NotModified {
		m.notModified.WithLabelValues(f.Source).Inc()
	}
	if f.EnrichAttempts > 0 {
		m.enrich.WithLabelValues(f.Source).Add(float64(f.EnrichAttempts))
		m.enrichFailed.WithLabelValues(f.Source).Add(float64(f.EnrichFailures))
	}
}

// Handler serves the registry in the Prometheus text (or OpenMetrics) format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry itself, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// countRequest counts one feed request.
func (m *Metrics) countRequest(format string, status int) {
	m.feedRequests.WithLabelValues(format, strconv.Itoa(status)).Inc()
}

// Forget drops the per-source series of sources no longer configured, so
// that a reload removing a source removes it from /metrics too.
func (m *Metrics) Forget(sources ...string) {
	for _, s := range sources {
		m.fetches.DeletePartialMatch(prometheus.Labels{"source": s})
		m.bytes.DeleteLabelValues(s)
		m.notModified.DeleteLabelValues(s)
		m.enrich.DeleteLabelValues(s)
		m.enrichFailed.DeleteLabelValues(s)
	}
}
