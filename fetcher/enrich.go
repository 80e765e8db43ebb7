package fetcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sync"

	"golang.org/x/net/html/charset"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// enrichWorkers bounds one source's page fetches in flight; the per-host
// limit applies on top.
const enrichWorkers = 4

// enrich fetches, through the guarded client, each new article's page (for
// sources with enrich) and each article's comment feed (with
// count_comments). A failure leaves the feed's own fields and counts in
// state.EnrichFailures.
func (f *Fetcher) enrich(ctx context.Context, cfg *config.Config, src config.Source, arts []article.Article, extras []article.RawExtras, state *store.SourceState) {
	ids := make([]string, len(arts))
	for i := range arts {
		ids[i] = arts[i].ID
	}
	var isOld map[string]bool
	if src.Enrich {
		var err error
		if isOld, err = f.st.Existing(ctx, ids); err != nil {
			f.log.Error("enrich: look up articles", "source", src.Name, "error", err)
			src.Enrich = false
		}
	}
	// Articles the feed brings again keep what their page (or comment feed)
	// gave before: the page is fetched once, and the store would otherwise
	// overwrite it with the feed's own fields.
	if src.Enrich || src.CountComments {
		if prev, err := f.st.Articles(ctx, ids); err != nil {
			f.log.Error("enrich: read stored articles", "source", src.Name, "error", err)
		} else {
			for i := range arts {
				if p, ok := prev[arts[i].ID]; ok {
					arts[i].KeepEnrichment(&p, src.FullText)
				}
			}
		}
	}
	var mu sync.Mutex
	failed := func(what string, a *article.Article, err error) {
		f.log.Warn("enrich: "+what, "source", src.Name, "article", a.Link, "error", err)
		mu.Lock()
		state.EnrichFailures++
		mu.Unlock()
	}
	sem := make(chan struct{}, enrichWorkers)
	var wg sync.WaitGroup
	for i := range arts {
		a := &arts[i]
		page := src.Enrich && !isOld[a.ID] && a.Link != ""
		comments := extras[i].CommentRSS
		if !src.CountComments {
			comments = ""
		}
		if !page && comments == "" {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() { // one goroutine per article: its fields have one writer
			defer func() { <-sem }()
			if page {
				if err := f.enrichPage(ctx, cfg, src, a); err != nil {
					failed("page", a, err)
				}
			}
			if comments != "" {
				if err := f.countComments(ctx, cfg, src, a, comments); err != nil {
					failed("comment feed", a, err)
				}
			}
		})
	}
	wg.Wait()
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
		Client:    f.pageClient,
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
	b.Enrich(page, final, article.EnrichOptions{FullText: src.FullText})
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
		Client:    f.pageClient,
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
