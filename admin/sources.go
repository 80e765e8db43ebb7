package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// Report is the body of GET /api/sources and of `tributary status --json`.
type Report struct {
	GeneratedAt time.Time      `json:"generated_at"`
	Failing     int            `json:"failing"` // sources whose last fetch failed
	Sources     []SourceStatus `json:"sources"` // in config order
}

// SourceStatus is what one configured source is doing. Times are null when
// they have not happened (or are not known).
type SourceStatus struct {
	Name          string     `json:"name"`
	URL           string     `json:"url"` // fetched URL: the effective one after a permanent redirect
	ConfiguredURL string     `json:"configured_url"`
	Schedule      string     `json:"schedule"`
	LastAttempt   *time.Time `json:"last_attempt"`
	LastSuccess   *time.Time `json:"last_success"`
	LastError     string     `json:"last_error,omitempty"`
	HTTPStatus    int        `json:"http_status,omitempty"`
	Failures      int        `json:"consecutive_failures"`
	NextFetch     *time.Time `json:"next_fetch"`
	NextReason    string     `json:"next_reason,omitempty"`
	Articles      int        `json:"articles"`
	NewestArticle *time.Time `json:"newest_article"`
	Gone          bool       `json:"gone,omitempty"` // answered 410: no longer polled
	// ItemsTotal is how many items the feed listed when last parsed;
	// ItemsCut how many of them, the oldest, [fetch].max_items left out.
	ItemsTotal int  `json:"items_total,omitempty"`
	ItemsCut   int  `json:"items_cut,omitempty"`
	Failing    bool `json:"failing"`
}

// BuildReport joins cfg's sources with what st remembers of them.
func BuildReport(ctx context.Context, cfg *config.Config, st *store.Store, now time.Time) (Report, error) {
	states, err := st.Sources(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("source status: %w", err)
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("source status: %w", err)
	}
	byName := make(map[string]store.SourceState, len(states))
	for _, s := range states {
		byName[s.Name] = s
	}
	r := Report{GeneratedAt: now.UTC(), Sources: make([]SourceStatus, 0, len(cfg.Sources))}
	for _, src := range cfg.Sources {
		s := SourceStatus{
			Name:          src.Name,
			URL:           src.URL,
			ConfiguredURL: src.URL,
			Schedule:      src.EffectiveSchedule(cfg.Fetch),
		}
		if state, ok := byName[src.Name]; ok && state.URL == src.URL {
			s.URL = state.FeedURL()
			s.LastAttempt = timePtr(state.LastAttempt)
			s.LastSuccess = timePtr(state.LastSuccess)
			s.LastError = state.Error
			s.HTTPStatus = state.Status
			s.Failures = state.Failures
			s.Gone = state.Gone
			s.ItemsTotal, s.ItemsCut = state.ItemsTotal, state.ItemsCut
			s.NextFetch, s.NextReason = timePtr(state.NextAttempt), state.NextReason
			if s.NextFetch == nil && !state.LastAttempt.IsZero() && !state.Gone {
				// The fetcher did not say: estimate from the schedule.
				if sched, err := config.ParseSchedule(s.Schedule); err == nil {
					s.NextFetch, s.NextReason = timePtr(sched.Next(state.LastAttempt)), "estimated from schedule"
				}
			}
		}
		if s.LastAttempt == nil {
			s.NextReason = "not fetched yet"
		}
		if ss, ok := stats.Sources[src.Name]; ok {
			s.Articles = ss.Articles
			s.NewestArticle = timePtr(ss.Newest)
		}
		s.Failing = s.Failures > 0 || s.LastError != "" || s.Gone
		if s.Failing {
			r.Failing++
		}
		r.Sources = append(r.Sources, s)
	}
	return r, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (a *Admin) serveSources(w http.ResponseWriter, r *http.Request) {
	rep, err := BuildReport(r.Context(), a.config(), a.st, a.now())
	if err != nil {
		a.log.Error("admin: sources", "error", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(rep)
}
