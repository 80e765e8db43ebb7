package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SourceState is what the store remembers of one source between fetches.
type SourceState struct {
	Name         string `json:"name"`
	URL          string `json:"url"`                     // as configured
	EffectiveURL string `json:"effective_url,omitempty"` // after permanent redirects
	Title        string `json:"title,omitempty"`         // the feed's own title, plain text (entities decoded)
	// TitlePlain is set once Title has been decoded: titles stored by
	// versions that kept them as the feed wrote them are decoded once, at
	// their next fetch, and never again.
	TitlePlain bool   `json:"title_plain,omitempty"`
	Link       string `json:"link,omitempty"` // the feed's home page

	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	BodyHash     string `json:"body_hash,omitempty"`

	LastAttempt time.Time `json:"last_attempt"`
	LastSuccess time.Time `json:"last_success"`
	Status      int       `json:"status,omitempty"` // last HTTP status
	Error       string    `json:"error,omitempty"`  // last error, empty after a success
	Failures    int       `json:"failures,omitempty"`
	NextAttempt time.Time `json:"next_attempt"`
	NextReason  string    `json:"next_reason,omitempty"`
	Gone        bool      `json:"gone,omitempty"` // 410: no longer polled

	// RedirectURL is a permanent redirect target seen RedirectCount times in a row.
	RedirectURL   string `json:"redirect_url,omitempty"`
	RedirectCount int    `json:"redirect_count,omitempty"`

	// Enrichment, counted since the source was first fetched: article
	// pages and comment feeds fetched, those that failed, and the last
	// failure's error (naming the article).
	EnrichAttempts  int    `json:"enrich_attempts,omitempty"`
	EnrichFailures  int    `json:"enrich_failures,omitempty"`
	LastEnrichError string `json:"last_enrich_error,omitempty"`
	// Unenriched are the listed articles whose page is still owed (the
	// fetch's enrichment budget ran out, or the page failed or was
	// refused), by article id.
	Unenriched map[string]EnrichRetry `json:"unenriched,omitempty"`

	// ItemsTotal is how many items the feed listed when last parsed, and
	// ItemsCut how many of them, the oldest, [fetch].max_items left out.
	ItemsTotal int `json:"items_total,omitempty"`
	ItemsCut   int `json:"items_cut,omitempty"`
}

// EnrichRetry is when an article's page is tried again.
type EnrichRetry struct {
	Attempts int       `json:"attempts,omitempty"` // failures so far; a budget running out is none
	Next     time.Time `json:"next"`               // not tried before then
	Refused  bool      `json:"refused,omitempty"`  // its address was private: tried at once when allow_private is on
}

// Failing reports whether the source's last fetch failed or the feed is gone.
func (st SourceState) Failing() bool {
	return st.Failures > 0 || st.Error != "" || st.Gone
}

// FeedURL is the URL to fetch: the effective one when a redirect moved it.
func (st SourceState) FeedURL() string {
	if st.EffectiveURL != "" {
		return st.EffectiveURL
	}
	return st.URL
}

// Sources returns every source's stored state, in name order.
func (s *Store) Sources(ctx context.Context) ([]SourceState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []SourceState
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			st, err := decodeState(v)
			if err != nil {
				return fmt.Errorf("source %s: %w", k, err)
			}
			out = append(out, st)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	return out, nil
}

// Source returns one source's stored state; ok is false when it has none.
func (s *Store) Source(ctx context.Context, name string) (st SourceState, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return st, false, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSources).Get([]byte(name))
		if v == nil {
			return nil
		}
		ok = true
		var err error
		st, err = decodeState(v)
		return err
	})
	if err != nil {
		return st, false, fmt.Errorf("read source %s: %w", name, err)
	}
	return st, ok, nil
}

// SaveStates stores the states of sources that brought no articles (a 304,
// an error), all in one transaction.
func (s *Store) SaveStates(ctx context.Context, states ...SourceState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	shown := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		shown = false
		for _, st := range states {
			changed, err := putState(tx, st)
			if err != nil {
				return fmt.Errorf("source %q: %w", st.Name, err)
			}
			shown = shown || changed
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save source states: %w", err)
	}
	if shown {
		s.version.Add(1)
	}
	return nil
}

// putState stores st and reports whether a field the feeds show (title,
// home page, feed URL) changed, which must change the store's Version.
func putState(tx *bolt.Tx, st SourceState) (shown bool, err error) {
	if st.Name == "" {
		return false, fmt.Errorf("source state without a name")
	}
	if err := checkSourceName(st.Name); err != nil {
		return false, err
	}
	b := tx.Bucket(bucketSources)
	var prev SourceState
	if old := b.Get([]byte(st.Name)); old != nil {
		if p, err := decodeState(old); err == nil {
			prev = p
		} // else unreadable: overwrite it, and call it a change
	}
	shown = prev.Title != st.Title || prev.Link != st.Link || prev.FeedURL() != st.FeedURL()
	return shown, b.Put([]byte(st.Name), encodeState(&st))
}
