package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/internal/redact"
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
	// Article pages and comment feeds fetched to enrich the source's
	// articles, those that failed, and the last failure.
	EnrichAttempts  int    `json:"enrich_attempts"`
	EnrichFailures  int    `json:"enrich_failures"`
	LastEnrichError string `json:"last_enrich_error,omitempty"`
}

// BuildReport joins cfg's sources with what st remembers of them.
func BuildReport(ctx context.Context, cfg *config.Config, st Store, now time.Time) (Report, error) {
	byName, err := statesByName(ctx, st)
	if err != nil {
		return Report{}, err
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("source status: %w", err)
	}
	r := Report{GeneratedAt: now.UTC(), Sources: make([]SourceStatus, 0, len(cfg.Sources))}
	for _, src := range cfg.Sources {
		// URLs and errors are shown as logs show them: no userinfo,
		// secret parameters REDACTED.
		s := SourceStatus{
			Name:          src.Name,
			URL:           redact.LogURL(src.URL),
			ConfiguredURL: redact.LogURL(src.URL),
			Schedule:      src.EffectiveSchedule(cfg.Fetch),
		}
		if state, ok := byName[src.Name]; ok && state.URL == src.URL {
			s.URL = redact.LogURL(state.FeedURL())
			s.LastAttempt = timePtr(state.LastAttempt)
			s.LastSuccess = timePtr(state.LastSuccess)
			s.LastError = redact.Text(state.Error)
			s.HTTPStatus = state.Status
			s.Failures = state.Failures
			s.Gone = state.Gone
			s.Failing = state.Failing()
			s.EnrichAttempts, s.EnrichFailures, s.LastEnrichError = state.EnrichAttempts, state.EnrichFailures, state.LastEnrichError
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
		if s.Failing {
			r.Failing++
		}
		r.Sources = append(r.Sources, s)
	}
	return r, nil
}

// CountFailing is how many of cfg's sources are failing (as the report's
// top-level failing counts them) and how many there are, reading only the
// sources' states: cheap enough for every view of the HTML page.
func CountFailing(ctx context.Context, cfg *config.Config, st States) (failing, total int, err error) {
	byName, err := statesByName(ctx, st)
	if err != nil {
		return 0, 0, err
	}
	for _, src := range cfg.Sources {
		if state, ok := byName[src.Name]; ok && state.URL == src.URL && state.Failing() {
			failing++
		}
	}
	return failing, len(cfg.Sources), nil
}

// statesByName is every stored source state, by source name.
func statesByName(ctx context.Context, st States) (map[string]store.SourceState, error) {
	states, err := st.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("source status: %w", err)
	}
	byName := make(map[string]store.SourceState, len(states))
	for _, s := range states {
		byName[s.Name] = s
	}
	return byName, nil
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
