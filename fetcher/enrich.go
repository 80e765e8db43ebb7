package fetcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/internal/redact"
	"github.com/tributary-feeds/tributary/store"
)

// enrichWorkers bounds one source's page fetches in flight, so that one
// source cannot take all of [fetch] enrich_concurrency; the per-host limit
// applies on top.
const enrichWorkers = 4

// pageRetryBase is how long a page that failed waits before it is tried
// again; the wait doubles with each failure, up to [fetch] max_backoff.
const pageRetryBase = 15 * time.Minute

// pageResult is what became of one article's page.
type pageResult int

const (
	pageNone     pageResult = iota // not wanted
	pageDone                       // enriched
	pageFailed                     // the page could not be fetched or read
	pageRefused                    // its address was private
	pageDeferred                   // the budget ran out (or the fetch was stopped) first
)

// retryDue reports whether an owed page may be tried now: its back-off has
// passed, or it was refused and private addresses are allowed since.
func retryDue(r store.EnrichRetry, now time.Time, allowPrivate bool) bool {
	return !now.Before(r.Next) || (r.Refused && allowPrivate)
}

// pagesDue reports whether any page src owes may be tried now.
func pagesDue(cfg *config.Config, src config.Source, state store.SourceState, now time.Time) bool {
	if !src.Enrich {
		return false
	}
	for _, r := range state.Unenriched {
		if retryDue(r, now, cfg.Fetch.AllowPrivate) {
			return true
		}
	}
	return false
}

// enrich fetches, through the guarded client and in enrichment's own pool
// ([fetch] enrich_concurrency), each new article's page (for sources with
// enrich) and each article's comment feed (with count_comments), until ctx
// (the budget) ends. A failure leaves the feed's own fields and counts in
// state.EnrichFailures. A page not enriched, for whatever reason, is
// recorded in state.Unenriched and tried again on a later fetch: at once
// when the budget ran out, with back-off when it failed or was refused.
func (f *Fetcher) enrich(ctx context.Context, cfg *config.Config, src config.Source, arts []article.Article, extras []article.RawExtras, state *store.SourceState) {
	now := f.now()
	ids := make([]string, len(arts))
	for i := range arts {
		ids[i] = arts[i].ID
	}
	owed := state.Unenriched // read only: the map may be shared with a state being written
	if !src.Enrich {
		owed = nil // nothing is owed to a source that no longer enriches
	}
	var isOld map[string]bool
	if src.Enrich {
		var err error
		if isOld, err = f.st.Existing(context.WithoutCancel(ctx), ids); err != nil {
			f.log.Error("enrich: look up articles", "source", src.Name, "error", err)
			src.Enrich = false // the pages owed stay owed
		}
	}
	// Articles the feed brings again keep what their page (or comment feed)
	// gave before: the page is fetched once, and the store would otherwise
	// overwrite it with the feed's own fields.
	var prev map[string]article.Article
	if src.Enrich || src.CountComments {
		var err error
		if prev, err = f.st.Articles(context.WithoutCancel(ctx), ids); err != nil {
			f.log.Error("enrich: read stored articles", "source", src.Name, "error", err)
		} else {
			for i := range arts {
				if p, ok := prev[arts[i].ID]; ok {
					article.UndoRules(&p) // the page's byline, not a rule's
					arts[i].KeepEnrichment(&p, src.FullText)
				}
			}
		}
	}
	results := make([]pageResult, len(arts))
	for i, a := range arts {
		if !src.Enrich || a.Link == "" {
			continue
		}
		r, isOwed := owed[a.ID]
		_, stored := prev[a.ID] // not a tombstone
		if !isOld[a.ID] || (isOwed && stored && retryDue(r, now, cfg.Fetch.AllowPrivate)) {
			results[i] = pageDeferred // until it is tried
		}
	}

	var mu sync.Mutex
	attempted := func() {
		mu.Lock()
		state.EnrichAttempts++
		mu.Unlock()
	}
	failed := func(what string, a *article.Article, err error) {
		f.log.Warn("enrich: "+what, "source", src.Name, "article", redact.LogURL(a.Link), "error", errString(err))
		mu.Lock()
		state.EnrichFailures++
		state.LastEnrichError = fmt.Sprintf("%s %s: %v", what, a.Link, err)
		mu.Unlock()
	}
	sem := make(chan struct{}, enrichWorkers)
	var wg sync.WaitGroup
items:
	for i := range arts {
		a := &arts[i]
		page := results[i] != pageNone
		comments := extras[i].CommentRSS
		if !src.CountComments {
			comments = ""
		}
		if f.log.Enabled(ctx, slog.LevelDebug) {
			f.log.Debug("enrich", "source", src.Name, "article", redact.LogURL(a.Link), "page", page, "why", pageWhy(src, a, isOld[a.ID]), "comment_feed", redact.LogURL(comments))
		}
		if !page && comments == "" {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break items // the rest stay deferred
		}
		wg.Go(func() { // one goroutine per article: its fields have one writer
			defer func() { <-sem }()
			if f.enriches.acquire(ctx, "", cfg.Fetch.EnrichConcurrency) != nil {
				return
			}
			defer f.enriches.release("")
			if page {
				attempted()
				err := f.enrichPage(ctx, cfg, src, a)
				var pe *PrivateAddressError
				switch {
				case err == nil:
					results[i] = pageDone
				case ctx.Err() != nil: // the budget, not the page
				case errors.As(err, &pe):
					results[i] = pageRefused
					failed("page", a, err)
				default:
					results[i] = pageFailed
					failed("page", a, err)
				}
			}
			if comments != "" && ctx.Err() == nil {
				attempted()
				if err := f.countComments(ctx, cfg, src, a, comments); err != nil && ctx.Err() == nil {
					failed("comment feed", a, err)
				}
			}
		})
	}
	wg.Wait()
	state.Unenriched = f.stillOwed(cfg, src, owed, arts, results, now)
}

// stillOwed is the record of pages owed after an enrichment: records of
// articles no longer listed are dropped, those not due are kept, and each
// page wanted and not enriched is owed.
func (f *Fetcher) stillOwed(cfg *config.Config, src config.Source, owed map[string]store.EnrichRetry, arts []article.Article, results []pageResult, now time.Time) map[string]store.EnrichRetry {
	next := map[string]store.EnrichRetry{}
	deferred := 0
	for i, a := range arts {
		r, isOwed := owed[a.ID]
		switch results[i] {
		case pageNone:
			if isOwed {
				next[a.ID] = r
			}
		case pageDeferred:
			r.Next = now // a later fetch tries it at once
			next[a.ID] = r
			deferred++
		case pageFailed, pageRefused:
			r.Attempts++
			wait := pageRetryBase << min(r.Attempts-1, 20)
			r.Next = now.Add(min(wait, cfg.Fetch.MaxBackoff.Duration))
			r.Refused = results[i] == pageRefused
			next[a.ID] = r
		}
	}
	if deferred > 0 {
		f.log.Info("enrich: out of time: pages left for a later fetch", "source", src.Name, "pages", deferred, "budget", cfg.Fetch.EnrichBudget.Duration)
	}
	if len(next) == 0 {
		return nil
	}
	return next
}

// pageWhy says, for the debug log, why an article's page is fetched or not.
func pageWhy(src config.Source, a *article.Article, old bool) string {
	switch {
	case !src.Enrich:
		return "enrich is off"
	case old:
		return "already stored: its page was fetched before"
	case a.Link == "":
		return "no link"
	}
	return "new article"
}

// enrichPage fetches a's page and lets the article take what it lacks from
// it. The page is handed over as UTF-8.
func (f *Fetcher) enrichPage(ctx context.Context, cfg *config.Config, src config.Source, a *article.Article) (err error) {
	pageURL, err := absURL(a.Link, a.Link)
	if err != nil {
		return err
	}
	resp, err := f.get(ctx, request{
		URL:       pageURL.String(),
		UserAgent: userAgent(cfg, src),
		Accept:    acceptPages,
		Timeout:   cfg.Fetch.Timeout.Duration,
		MaxBody:   int64(cfg.Fetch.MaxBodySize),
		Source:    src.Name,
	})
	if err != nil {
		return err
	}
	r, err := charset.NewReader(bytes.NewReader(resp.Body), resp.Header.Get("Content-Type"))
	if err != nil {
		return fmt.Errorf("page %s: charset: %w", pageURL, err)
	}
	page, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("page %s: charset: %w", pageURL, err)
	}
	final, err := url.Parse(resp.URL)
	if err != nil {
		final = pageURL
	}
	defer func() {
		if p := recover(); p != nil { // no page may take the daemon down
			err = fmt.Errorf("page %s: enrich panicked: %v", pageURL, p)
		}
	}()
	b := *a
	b.Enrich(page, final, article.EnrichOptions{FullText: src.FullText, Rates: f.rulesOf(cfg).rates})
	*a = b
	return nil
}

// countComments sets a's comment count to the number of items in its
// wfw:commentRss feed.
func (f *Fetcher) countComments(ctx context.Context, cfg *config.Config, src config.Source, a *article.Article, feedURL string) error {
	u, err := absURL(feedURL, a.Link)
	if err != nil {
		return err
	}
	resp, err := f.get(ctx, request{
		URL:       u.String(),
		UserAgent: userAgent(cfg, src),
		Accept:    acceptFeeds,
		Timeout:   cfg.Fetch.Timeout.Duration,
		MaxBody:   int64(cfg.Fetch.MaxBodySize),
		Source:    src.Name,
	})
	if err != nil {
		return err
	}
	p, err := f.parseDocument(&turn{}, resp.Body, resp.Header.Get("Content-Type"), resp.URL, cfg.Fetch.MaxItems)
	if err != nil {
		return fmt.Errorf("comment feed %s: %w", u, err)
	}
	n := p.Total // every comment, beyond max_items too
	a.Comments = &n
	if a.From == nil {
		a.From = map[string]string{}
	}
	a.From["comments"] = "wfw:commentRss"
	return nil
}

// absURL resolves ref against base and insists on http(s).
func absURL(ref, base string) (*url.URL, error) {
	b, _ := url.Parse(base)
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", ref, err)
	}
	if b != nil {
		u = b.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("not an http(s) URL: " + u.String())
	}
	return u, nil
}
