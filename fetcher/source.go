package fetcher

import (
	"context"
	"fmt"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// fetchSource runs one fetch of src: request, parse, normalise, store. Its
// state is stored whatever happens, with the articles when there are any.
func (f *Fetcher) fetchSource(ctx context.Context, cfg *config.Config, src config.Source) Outcome {
	start := time.Now()
	o := Outcome{Source: src.Name}
	state, _, err := f.st.Source(ctx, src.Name)
	if err != nil {
		o.Result, o.Err = ResultError, err
		return o
	}
	state.Name = src.Name
	if state.URL != src.URL { // the config moved the source: forget the old URL's state
		state = store.SourceState{Name: src.Name, URL: src.URL}
	}
	state.LastAttempt = start.UTC()

	fail := func(err error) Outcome {
		o.Result, o.Err = ResultError, fmt.Errorf("fetch %s: %w", src.Name, err)
		o.Duration = time.Since(start)
		state.Error = err.Error()
		state.Failures++
		if serr := f.st.SaveStates(ctx, state); serr != nil {
			f.log.Error("save state", "source", src.Name, "error", serr)
		}
		return o
	}

	resp, err := f.get(ctx, cfg, src, state.FeedURL())
	if resp != nil {
		o.Status = resp.Status
		o.Bytes = int64(len(resp.Body))
		state.Status = resp.Status
	}
	if err != nil {
		return fail(err)
	}
	feed, err := parseFeed(resp.Body)
	if err != nil {
		return fail(err)
	}
	asrc := article.Source{Name: src.Name, FeedURL: resp.URL}
	arts := make([]article.Article, 0, len(feed.Items))
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		arts = append(arts, article.FromItem(asrc, feed, it, article.RawExtras{}))
	}
	state.Title = feed.Title
	state.Link = feed.Link
	state.LastSuccess = time.Now().UTC()
	state.Error = ""
	state.Failures = 0
	ch, err := f.st.Apply(ctx, src.Name, state, arts)
	if err != nil {
		return fail(err)
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
