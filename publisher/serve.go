package publisher

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

var (
	varyAE   = []string{"Accept-Encoding"}
	gzipName = []string{"gzip"}
)

// cached returns the entry for k, rendering it on a miss. A hit costs a
// version read and a map lookup. Concurrent misses of one key render once
// (the others wait for that render); while the store changes under a fetch
// pass, requests that find a render of k already under way are answered at
// once with the newest entry rendered before it, when there is one: whole
// earlier bytes under their own ETag, never new validators on old bytes.
func (p *Publisher) cached(ctx context.Context, s state, k cacheKey, render func() ([]byte, string, error)) (*entry, error) {
	return p.cachedMaybeStale(ctx, s, k, true, render)
}

// cachedFresh is cached without the earlier entry: the caller gets a render
// of the store as it is now or later (WebSub pings compare ETags with it).
func (p *Publisher) cachedFresh(ctx context.Context, s state, k cacheKey, render func() ([]byte, string, error)) (*entry, error) {
	return p.cachedMaybeStale(ctx, s, k, false, render)
}

// flight is one render under way.
type flight struct {
	done    chan struct{}
	version uint64
	gen     uint64
	e       *entry
	err     error
}

func (p *Publisher) cachedMaybeStale(ctx context.Context, s state, k cacheKey, stale bool, render func() ([]byte, string, error)) (*entry, error) {
	for {
		v := p.st.Version()
		if e := p.cache.get(k, v, s.gen); e != nil {
			p.hits.Add(1)
			return e, nil
		}
		if p.testHookMiss != nil {
			p.testHookMiss()
		}
		p.flightMu.Lock()
		if f := p.flights[k]; f != nil {
			var old *entry
			if stale {
				old = p.cache.newest(k, s.gen)
			}
			p.flightMu.Unlock()
			if old != nil {
				p.hits.Add(1)
				return old, nil
			}
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if f.err == nil && f.gen == s.gen && f.version >= v {
				p.hits.Add(1)
				return f.e, nil
			}
			continue // a render of an older version, or one that failed: look again
		}
		// Look again under flightMu: a render of k may have written the
		// cache and ended its flight since the miss above (renderFlight puts
		// before it deletes the flight, so this sees either).
		if e := p.cache.get(k, v, s.gen); e != nil {
			p.flightMu.Unlock()
			p.hits.Add(1)
			return e, nil
		}
		f := &flight{done: make(chan struct{}), version: v, gen: s.gen}
		if p.flights == nil {
			p.flights = map[cacheKey]*flight{}
		}
		p.flights[k] = f
		p.flightMu.Unlock()

		p.misses.Add(1)
		p.renderFlight(ctx, k, f, s.gen, render)
		return f.e, f.err
	}
}

// renderFlight runs f's render and ends the flight whatever happens (a
// panic, which net/http recovers, included), so that no later request waits
// for it for ever.
func (p *Publisher) renderFlight(ctx context.Context, k cacheKey, f *flight, gen uint64, render func() ([]byte, string, error)) {
	f.err = errors.New("render did not finish")
	defer func() {
		p.flightMu.Lock()
		delete(p.flights, k)
		p.flightMu.Unlock()
		close(f.done)
	}()
	if err := p.renderSlot(ctx); err != nil {
		f.err = err
		return
	}
	defer func() { <-p.renderSlots }()
	if err := p.gate.Enter(ctx); err != nil {
		f.err = err
		return
	}
	body, ct, err := render()
	p.gate.Leave()
	if err != nil {
		f.err = err
		return
	}
	f.e = newEntry(body, ct)
	p.cache.put(k, f.version, gen, f.e, p.now())
	f.err = nil
}

// writeHold is the longest a body's write keeps its place at the gate (see
// GiveWay): a write that takes longer waits on its client, not on a core,
// and a reader that does not read must not keep the others waiting.
const writeHold = 2 * time.Millisecond

// renderWait is how long a render waits for a slot before its request is
// answered 503: misses of many keys at once queue for the slots instead of
// all rendering at once.
const renderWait = 10 * time.Second

// errBusy is a render that found no slot within renderWait.
var errBusy = errors.New("too many renders under way")

// renderSlot takes one of the renderSlots (max(2, GOMAXPROCS): renders are
// CPU work), so that a flood of misses of distinct keys costs bounded CPU
// and memory; the caller gives it back.
func (p *Publisher) renderSlot(ctx context.Context) error {
	select {
	case p.renderSlots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(p.renderWait)
	defer t.Stop()
	select {
	case p.renderSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return errBusy
	}
}

// renderFailed answers a request whose render failed: 503 with Retry-After
// when the renders were all busy, nothing when the client has gone, else
// 500 (what failed is logged, not shown).
func (p *Publisher) renderFailed(w http.ResponseWriter, r *http.Request, what string, err error, args ...any) {
	switch {
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", "5")
		http.Error(w, "busy: try again shortly", http.StatusServiceUnavailable)
	case r.Context().Err() != nil:
		// the client is gone: nobody to answer
	default:
		p.log.Error("render "+what, append(args, "error", err)...)
		http.Error(w, "could not render the "+what, http.StatusInternalServerError)
	}
}

// write answers r with e: 304 when the client's validators match, else the
// plain or gzipped bytes (no body for HEAD).
func (p *Publisher) write(w http.ResponseWriter, r *http.Request, s state, e *entry) {
	h := w.Header()
	h["Vary"] = varyAE
	h["Cache-Control"] = s.cacheControl
	h["Last-Modified"] = e.lastModH
	gz := acceptsGzip(r.Header["Accept-Encoding"])
	if gz {
		h["Etag"] = e.etagGzH
	} else {
		h["Etag"] = e.etagH
	}
	if notModified(r, e) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = e.contentType
	body := e.body
	if gz {
		var n []string
		body, n = e.gzipped()
		h["Content-Encoding"] = gzipName
		h["Content-Length"] = n
	} else {
		h["Content-Length"] = e.lenH
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		leave, err := p.gate.EnterFor(r.Context(), writeHold)
		if err != nil {
			return // the client is gone
		}
		w.Write(body)
		leave()
	}
}

// notModified applies RFC 9110's conditional GET: If-None-Match when sent
// (either encoding's ETag matches), else If-Modified-Since.
func notModified(r *http.Request, e *entry) bool {
	if inm := r.Header["If-None-Match"]; len(inm) > 0 {
		for _, line := range inm {
			for t := range strings.SplitSeq(line, ",") {
				t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
				if t == "*" || t == e.etag || t == e.etagGz {
					return true
				}
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !e.lastMod.After(t)
	}
	return false
}

// acceptsGzip reports whether Accept-Encoding allows gzip (q > 0).
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			name = strings.TrimSpace(name)
			if !strings.EqualFold(name, "gzip") && !strings.EqualFold(name, "x-gzip") && name != "*" {
				continue
			}
			if qualityZero(params) {
				if name == "*" {
					continue
				}
				return false
			}
			return true
		}
	}
	return false
}

// qualityZero reports whether an Accept-Encoding entry's parameters say q=0.
func qualityZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.TrimSpace(k) == "q" {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q == 0
		}
	}
	return false
}

// baseURL is [server].base_url, else the URL the request came to.
func baseURL(base string, r *http.Request) string {
	if base != "" {
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		return base
	}
	scheme := "http"
	if r != nil && r.TLS != nil {
		scheme = "https"
	}
	host := "localhost"
	if r != nil && r.Host != "" {
		host = r.Host
	}
	return scheme + "://" + host + "/"
}
