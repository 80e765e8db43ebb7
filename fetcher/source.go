package fetcher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/internal/redact"
	"github.com/tributary-feeds/tributary/store"
)

// permanentAfter is how many fetches in a row must be permanently
// redirected (301/308) to the same working feed before the source's
// effective URL follows.
const permanentAfter = 3

// fetchRun is what fetchSource needs of the fetch that runs it.
type fetchRun struct {
	caller   context.Context // the caller's: when it ends, enrichment stops early
	freeSlot func()          // gives back the [fetch] concurrency slot
}

// fetchSource runs one fetch of src: request, parse, normalise, enrich,
// store. Its state is kept whatever happens, with the articles when there
// are any, and always says when the source is fetched next and why. The
// fetch's concurrency slot is given back once the feed is parsed:
// enrichment runs in its own pool, within [fetch] enrich_budget.
func (f *Fetcher) fetchSource(ctx context.Context, cfg *config.Config, src config.Source, run fetchRun) Outcome {
	start := time.Now()
	o := Outcome{Source: src.Name}
	state, err := f.state(ctx, src.Name)
	if err != nil {
		o.Result, o.Err = ResultError, err
		return o
	}
	state.Name = src.Name
	if state.URL != src.URL { // the config moved the source: forget the old URL's state
		state = store.SourceState{Name: src.Name, URL: src.URL}
	}
	if !state.TitlePlain {
		state.Title, state.TitlePlain = article.PlainText(state.Title), true
	}
	state.LastAttempt = start.UTC()
	spec := src.EffectiveSchedule(cfg.Fetch)
	sched, err := config.ParseSchedule(spec)
	if err != nil { // config validation makes this unreachable
		o.Result, o.Err = ResultError, err
		return o
	}
	off := offset(src.Name, window(sched, cfg.Fetch.Jitter.Duration))

	f.stMu.Lock()
	h := f.hints[src.Name]
	f.stMu.Unlock()
	// An adaptive source runs every interval its feed's dates give (known
	// from its last parse since start): back-off starts from it too.
	adaptive, why := config.IsAdaptive(spec), "schedule"
	adapt := func(now time.Time) {
		if adaptive {
			var d time.Duration
			d, why = h.posting.interval(now, cfg.Fetch.MinInterval.Duration, cfg.Fetch.MaxInterval.Duration)
			sched = cron.Every(d)
		}
	}
	adapt(start)

	fail := func(err error, retry time.Duration) Outcome {
		o.Result, o.Err = ResultError, err
		o.Duration = time.Since(start)
		state.Error = errString(err)
		state.Failures++
		now := time.Now()
		if state.Gone {
			state.NextAttempt, state.NextReason = time.Time{}, "410 Gone: no longer polled (fetch it by name, or change its url, to resume)"
		} else {
			state.NextAttempt, state.NextReason = nextAfterFailure(sched, now, off, state.Failures, retry, state.Status, cfg.Fetch.MaxBackoff.Duration)
		}
		o.Failures, o.Gone = state.Failures, state.Gone
		f.saveState(state)
		return o
	}

	// Pages still owed are enriched on a fetch that parses: when one is
	// due, the feed is asked for whole and parsed even if unchanged.
	// So is an adaptive source's feed whose dates are not known since start
	// (a 304 would leave its rhythm unmeasured).
	owed := pagesDue(cfg, src, state, f.now()) || (adaptive && !h.posting.known)
	reparse := f.reparseDue(src.Name) // the rules changed
	etag, lastMod := state.ETag, state.LastModified
	if owed || reparse {
		etag, lastMod = "", ""
	}
	if etag != "" || lastMod != "" {
		f.log.Debug("conditional GET", "source", src.Name, "etag", etag, "last_modified", lastMod)
	}
	resp, err := f.get(ctx, request{
		URL:          state.FeedURL(),
		UserAgent:    userAgent(cfg, src),
		Accept:       acceptFeeds,
		ETag:         etag,
		LastModified: lastMod,
		Timeout:      cfg.Fetch.Timeout.Duration,
		MaxBody:      int64(cfg.Fetch.MaxBodySize),
		Source:       src.Name,
		Trusted:      src.URL,
	})
	if resp != nil {
		o.Status = resp.Status
		o.Bytes = int64(len(resp.Body))
		state.Status = resp.Status
	} else {
		state.Status = 0
	}
	if err != nil {
		var retry time.Duration
		switch o.Status {
		case http.StatusGone:
			state.Gone = true
			f.log.Warn("source is gone (410): no longer polled", "source", src.Name, "url", redact.LogURL(state.FeedURL()))
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			retry = retryAfter(resp.Header, time.Now())
		}
		return fail(err, retry)
	}
	state.Gone = false

	h.MaxAge = maxAge(resp.Header)

	succeed := func() {
		now := time.Now()
		f.noteRedirect(&state, resp)
		state.LastSuccess = now.UTC()
		state.Error = ""
		state.Failures = 0
		if v := resp.Header.Get("ETag"); v != "" || resp.Status != http.StatusNotModified {
			state.ETag = v
		}
		if v := resp.Header.Get("Last-Modified"); v != "" || resp.Status != http.StatusNotModified {
			state.LastModified = v
		}
		adapt(now)
		state.NextAttempt, state.NextReason = nextAfterSuccess(sched, now, off, h, cfg.Fetch.MaxInterval.Duration, why)
	}

	sum := sha256.Sum256(resp.Body)
	hash := hex.EncodeToString(sum[:])
	if resp.Status == http.StatusNotModified || (state.BodyHash != "" && hash == state.BodyHash && !owed && !reparse) {
		o.NotModified, o.Result = true, ResultUnchanged
		if resp.Status == http.StatusNotModified {
			f.log.Debug("not modified (304): nothing parsed", "source", src.Name)
		} else {
			f.log.Debug("body unchanged (same SHA-256): nothing parsed", "source", src.Name, "status", resp.Status)
		}
		succeed()
		f.stMu.Lock()
		f.hints[src.Name] = h
		f.stMu.Unlock()
		f.saveState(state)
		o.Duration = time.Since(start)
		return o
	}

	t := f.cpuTurn(ctx)
	p, err := f.parseDocument(t, resp.Body, resp.Header.Get("Content-Type"), resp.URL, cfg.Fetch.MaxItems)
	if err != nil {
		t.done()
		return fail(err, 0)
	}
	h.hints = p.Hints
	state.ItemsTotal, state.ItemsCut = p.Total, p.Total-len(p.Feed.Items)
	if state.ItemsCut > 0 {
		f.log.Warn("feed cut to max_items", "source", src.Name, "items", p.Total, "kept", len(p.Feed.Items))
	}

	// Relative links resolve against the feed URL: its credentials must not
	// follow them into published articles.
	rs := f.rulesOf(cfg)
	asrc := article.Source{Name: src.Name, FeedURL: redact.PublicURL(resp.URL), Rates: rs.rates}
	arts := make([]article.Article, 0, len(p.Feed.Items))
	extras := make([]article.RawExtras, 0, len(p.Feed.Items))
	for i, it := range p.Feed.Items {
		if i%yieldEvery == 0 {
			t.yield()
		}
		arts = append(arts, article.FromItem(asrc, p.Feed, it, p.Extras[i]))
		extras = append(extras, p.Extras[i])
	}
	if adaptive {
		// The feed's own rhythm: every item it lists, rules or not.
		h.posting = measurePosting(arts, time.Now())
	}
	f.stMu.Lock()
	f.hints[src.Name] = h
	f.stMu.Unlock()
	// Rules drop articles before their pages are fetched, and dropped
	// articles are never stored; they are applied again once pages have
	// filled in bylines and read times.
	rules := rs.forSource(src)
	var dropped int
	arts, extras, dropped = applyRules(beforePages(rules, src), src.Tags, arts, extras)
	t.done()
	// Other sources may be fetched while this one's pages are: enrichment
	// has its own pool.
	run.freeSlot()
	if src.Enrich || src.CountComments {
		// Pages get the budget; what it leaves is stored unenriched (and
		// owed), and the write below never goes short.
		ectx, cancel := context.WithTimeout(run.caller, cfg.Fetch.EnrichBudget.Duration)
		attempts, failures := state.EnrichAttempts, state.EnrichFailures
		f.enrich(ectx, cfg, src, arts, extras, &state)
		cancel()
		o.EnrichAttempts, o.EnrichFailures = state.EnrichAttempts-attempts, state.EnrichFailures-failures
		var more int
		arts, _, more = applyRules(rules, src.Tags, arts, nil)
		dropped += more
	} else {
		state.Unenriched = nil
	}
	o.Dropped = dropped
	state.Title, state.TitlePlain = article.PlainText(p.Feed.Title), true // "Blog &#8211; InfluxData": decoded here, once
	state.Link = p.Feed.Link
	state.BodyHash = hash
	succeed()
	ch, err := f.apply(context.WithoutCancel(ctx), state, arts)
	if err != nil {
		state.BodyHash = "" // nothing was stored: parse it again next time
		state.ETag, state.LastModified = "", ""
		return fail(err, 0)
	}
	if reparse {
		f.doneReparse(src.Name)
	}
	o.New, o.Updated = ch.New, ch.Updated
	switch {
	case ch.New > 0:
		o.Result = ResultNew
	case ch.Updated > 0:
		o.Result = ResultUpdated
	default:
		o.Result = ResultUnchanged
	}
	o.Duration = time.Since(start)
	return o
}

// noteRedirect follows permanent redirects: the same target seen
// permanentAfter times in a row becomes the source's effective URL.
// Temporary redirects never move it (and break the streak).
func (f *Fetcher) noteRedirect(state *store.SourceState, resp *response) {
	target := resp.Permanent
	if target == "" || target == state.FeedURL() {
		state.RedirectURL, state.RedirectCount = "", 0
		return
	}
	if state.RedirectURL == target {
		state.RedirectCount++
	} else {
		state.RedirectURL, state.RedirectCount = target, 1
	}
	if state.RedirectCount >= permanentAfter {
		f.log.Warn("source moved permanently: fetching its new URL from now on",
			"source", state.Name, "from", redact.LogURL(state.FeedURL()), "to", redact.LogURL(target), "sightings", state.RedirectCount)
		state.EffectiveURL = target
		if target == state.URL {
			state.EffectiveURL = ""
		}
		state.RedirectURL, state.RedirectCount = "", 0
	}
}
