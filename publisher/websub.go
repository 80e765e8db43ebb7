package publisher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tributary-feeds/tributary/internal/redact"
)

// Run pings [feed].websub_hub whenever a feed's first page changes, until
// ctx ends. The publisher cannot see fetches (fetcher and publisher meet
// only in the store, and on a shared database the fetch may be another
// daemon's), so it watches the store (Store.Watch) and the configuration,
// renders each feed (through the cache, which the next reader then uses)
// and pings for those whose bytes changed. Rounds are at least settle
// apart, so that a fetch pass's many commits make few rounds. A failed ping
// is retried on the next change, or after a back-off.
func (p *Publisher) Run(ctx context.Context) error {
	changed := make(chan struct{}, 1)
	var watching sync.WaitGroup
	defer watching.Wait()
	pinged := map[string]string{} // feed URL → ETag the hub was told of
	var lastVersion, lastGen uint64
	first := true
	var retryAt time.Time
	backoff := 5 * time.Second
	for {
		s := p.state()
		v := p.st.Version()
		due := !retryAt.IsZero() && !time.Now().Before(retryAt)
		round := time.Now()
		if first || v != lastVersion || s.gen != lastGen || due {
			failed := p.pingChanged(ctx, s, pinged, first)
			if first {
				// Watch from the version the baseline read: a commit
				// since then is a change.
				watching.Add(1)
				go func() {
					defer watching.Done()
					p.watchStore(ctx, v, changed)
				}()
			}
			first, lastVersion, lastGen = false, v, s.gen
			retryAt = time.Time{}
			if failed {
				retryAt = time.Now().Add(backoff)
				backoff = min(backoff*2, 10*time.Minute)
			} else {
				backoff = 5 * time.Second
			}
		}
		if !p.waitForChange(ctx, changed, retryAt, round) {
			return nil
		}
	}
}

// waitForChange waits for word of a store change, a reload or the retry
// time, then until settle after round began; false when ctx ends first.
func (p *Publisher) waitForChange(ctx context.Context, changed <-chan struct{}, retryAt time.Time, round time.Time) bool {
	var retry <-chan time.Time
	if !retryAt.IsZero() {
		t := time.NewTimer(time.Until(retryAt))
		defer t.Stop()
		retry = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-changed:
	case <-p.reloaded:
	case <-retry:
	}
	settle := time.NewTimer(time.Until(round.Add(p.settle)))
	defer settle.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-settle.C:
		return true
	}
}

// watchStore tells changed (without blocking: one word stands for any
// number of changes) of every commit that changes the store's version from
// since, until ctx ends.
func (p *Publisher) watchStore(ctx context.Context, since uint64, changed chan<- struct{}) {
	for {
		v, err := p.st.Watch(ctx, since)
		if ctx.Err() != nil {
			return
		}
		if err != nil { // a backend's contract is to retry on its own: be safe anyway
			p.log.Error("websub: watch the store", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(p.settle):
			}
			continue
		}
		since = v
		select {
		case changed <- struct{}{}:
		default:
		}
	}
}

// pingChanged renders every feed's first page and pings the hub for each
// whose news changed since the last ping (see newsTag); with baseline it
// only records them. It reports whether a ping failed.
func (p *Publisher) pingChanged(ctx context.Context, s state, pinged map[string]string, baseline bool) (failed bool) {
	hub := s.cfg.Feed.WebSubHub
	if hub == "" {
		return false
	}
	base := baseURL(s.cfg.Server.BaseURL, nil)
	if s.cfg.Server.BaseURL == "" {
		base = listenBase(s)
	}
	for _, sub := range allSubfeeds(s) {
		for _, f := range formats {
			k := cacheKey{kind: "feed", name: sub.path, ext: f.ext, base: base}
			// Rendered through the cache, which the readers the hub
			// tells then use.
			if _, err := p.cachedFresh(ctx, s, k, func() ([]byte, string, error) {
				b, err := p.renderFeed(ctx, s, sub, f, k)
				return b, f.contentType, err
			}); err != nil {
				p.log.Error("websub: render feed", "feed", sub.path, "format", f.ext, "error", err)
				continue
			}
			tag, err := p.newsTag(ctx, s, sub, f, k)
			if err != nil {
				p.log.Error("websub: render feed", "feed", sub.path, "format", f.ext, "error", err)
				continue
			}
			u := base + sub.path + "." + f.ext
			if pinged[u] == tag {
				continue
			}
			if !baseline {
				if err := p.publish(ctx, hub, u); err != nil {
					p.log.Warn("websub: ping hub", "hub", redact.LogURL(hub), "feed", u, "error", redact.Text(err.Error()))
					failed = true
					continue
				}
				p.log.Info("websub: pinged hub", "hub", redact.LogURL(hub), "feed", u)
			}
			pinged[u] = tag
		}
	}
	return failed
}

// newsTag is a hash of one feed page as rendered without comment counts: a
// count refresh alone changes the feed's bytes (thr:total, slash:comments,
// comment_count), and polling readers see it, but it is not news worth
// making every subscriber of the hub fetch the feed again. The next ping
// for a real change carries the new counts.
func (p *Publisher) newsTag(ctx context.Context, s state, sub subfeed, f format, k cacheKey) (string, error) {
	d, err := p.feedDocument(ctx, s, sub, f, k)
	if err != nil {
		return "", err
	}
	for i := range d.Articles {
		d.Articles[i].Comments = nil
	}
	b, err := f.render(d)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// allSubfeeds is the merged feed, every group and every tag.
func allSubfeeds(s state) []subfeed {
	subs := []subfeed{{path: "feed"}}
	for _, g := range s.cfg.Groups {
		subs = append(subs, groupSubfeed(s.cfg, g))
	}
	seen := map[string]bool{}
	for _, src := range s.cfg.Sources {
		for _, t := range src.Tags {
			if !seen[t] {
				seen[t] = true
				sub, _ := tagFeed(s.cfg, t)
				subs = append(subs, sub)
			}
		}
	}
	return subs
}

// publish tells the hub that topic changed (WebSub section 7 as hubs take
// it: hub.mode=publish, hub.url=topic).
func (p *Publisher) publish(ctx context.Context, hub, topic string) error {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.ping.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("hub answered %s", resp.Status)
	}
	return nil
}
