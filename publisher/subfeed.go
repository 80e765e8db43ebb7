package publisher

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// subfeed is what one feed holds: all articles (path "feed"), a group's
// ("g/NAME") or a tag's ("t/TAG").
type subfeed struct {
	path  string
	title string
	// none is true when the sub-feed names sources of which none exist: an
	// empty Filter.Sources would mean all of them.
	none   bool
	filter store.Filter
}

// serveSub serves /g/NAME.EXT and /t/TAG.EXT.
func (p *Publisher) serveSub(w http.ResponseWriter, r *http.Request, kind string) {
	file := r.PathValue("file")
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		http.NotFound(w, r)
		return
	}
	name, ext := file[:i], file[i+1:]
	f, ok := formatByExt(ext)
	if !ok {
		http.NotFound(w, r)
		return
	}
	cfg := p.config()
	var sub subfeed
	switch kind {
	case "g":
		sub, ok = groupFeed(cfg, name)
	case "t":
		sub, ok = tagFeed(cfg, name)
	}
	if !ok {
		http.Error(w, fmt.Sprintf("no %s named %q", map[string]string{"g": "group", "t": "tag"}[kind], name), http.StatusNotFound)
		return
	}
	p.serveFeed(w, r, sub, f)
}

// groupFeed is the [[group]] named name.
func groupFeed(cfg *config.Config, name string) (subfeed, bool) {
	for _, g := range cfg.Groups {
		if g.Name == name {
			return groupSubfeed(cfg, g), true
		}
	}
	return subfeed{}, false
}

func groupSubfeed(cfg *config.Config, g config.Group) subfeed {
	title := g.Title
	if title == "" {
		title = cfg.Feed.Title + ": " + g.Name
	}
	sub := subfeed{path: "g/" + g.Name, title: title}
	if len(g.Sources) > 0 || len(g.Tags) > 0 {
		names := slices.Clone(g.Sources)
		for _, s := range cfg.Sources {
			if hasAny(s.Tags, g.Tags) && !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
		sub.filter.Sources = names
		sub.filter.Tags = g.Tags // and what rules tagged so
		sub.none = len(names) == 0 && len(g.Tags) == 0
	}
	sub.filter.Include, sub.filter.Exclude = g.Include, g.Exclude
	sub.filter.MinReadTime, sub.filter.MaxReadTime = g.MinReadTime, g.MaxReadTime
	return sub
}

// tagFeed holds the sources tagged tag and the articles a [[rule]] tagged
// so; it exists while a source or a rule has the tag.
func tagFeed(cfg *config.Config, tag string) (subfeed, bool) {
	var names []string
	for _, s := range cfg.Sources {
		if slices.Contains(s.Tags, tag) {
			names = append(names, s.Name)
		}
	}
	f := store.Filter{Sources: names}
	if slices.ContainsFunc(cfg.Rules, func(r config.Rule) bool { return r.Tag == tag }) {
		f.Tags = []string{tag}
	} else if len(names) == 0 {
		return subfeed{}, false
	}
	return subfeed{path: "t/" + tag, title: cfg.Feed.Title + ": " + tag, filter: f}, true
}

func hasAny(have, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// pageCursors reads ?page=CURSOR&prev=CURSOR into k; it answers 400 and
// reports false when they are malformed or name no stored position (one
// key lookup each, so made-up cursors cost no render). prev counts only
// with page (it changes a later page's previous link); other parameters
// are ignored: only what changes the bytes enters the cache key.
func (p *Publisher) pageCursors(w http.ResponseWriter, r *http.Request, k *cacheKey) bool {
	if r.URL.RawQuery == "" {
		return true
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		http.Error(w, "invalid query", http.StatusBadRequest)
		return false
	}
	k.page = q.Get("page")
	if prev, ok := q["prev"]; ok && k.page != "" {
		k.prev = "=" + prev[0] // "=" marks the parameter as present
	}
	for _, c := range []string{k.page, strings.TrimPrefix(k.prev, "=")} {
		if err := p.st.CheckCursor(r.Context(), store.Cursor(c)); err != nil {
			if !cursorRefused(w, err) {
				p.renderFailed(w, r, "feed", err)
			}
			return false
		}
	}
	return true
}

// cursorRefused answers 400 when err is a cursor the store refused
// (malformed, or naming no stored position), and reports whether it did.
func cursorRefused(w http.ResponseWriter, err error) bool {
	if !errors.Is(err, store.ErrInvalidCursor) {
		return false
	}
	http.Error(w, "invalid page cursor: it names no stored position (start again from the first page)", http.StatusBadRequest)
	return true
}

// serveFeed serves one page of sub in format f, from the cache when it can.
func (p *Publisher) serveFeed(w http.ResponseWriter, r *http.Request, sub subfeed, f format) {
	s := p.state()
	k := cacheKey{kind: "feed", name: sub.path, ext: f.ext, base: p.base(s, r)}
	if !p.pageCursors(w, r, &k) {
		return
	}
	e, err := p.cached(r.Context(), s, k, func() ([]byte, string, error) {
		b, err := p.renderFeed(r.Context(), s, sub, f, k)
		return b, f.contentType, err
	})
	if err != nil {
		if cursorRefused(w, err) { // its article was deleted since the check
			return
		}
		p.renderFailed(w, r, "feed", err, "feed", sub.path, "format", f.ext)
		return
	}
	p.write(w, r, s, e)
}

// renderFeed renders one page of sub: [feed].max_items articles after the
// page cursor, with RFC 5005 paging links.
func (p *Publisher) renderFeed(ctx context.Context, s state, sub subfeed, f format, k cacheKey) ([]byte, error) {
	d, err := p.feedDocument(ctx, s, sub, f, k)
	if err != nil {
		return nil, err
	}
	return f.render(d)
}

// feedDocument reads what one page of sub in format f shows.
func (p *Publisher) feedDocument(ctx context.Context, s state, sub subfeed, f format, k cacheKey) (*document, error) {
	cfg := s.cfg
	var arts []article.Article
	var next store.Cursor
	if !sub.none {
		var err error
		arts, next, err = p.st.Newest(ctx, cfg.Feed.MaxItems, sub.filter, store.Cursor(k.page))
		if err != nil {
			return nil, fmt.Errorf("feed %s page %q: %w", sub.path, k.page, err)
		}
	}
	srcs, err := p.sources(ctx)
	if err != nil {
		return nil, err
	}
	for i := range arts {
		arts[i] = cleanArticle(arts[i])
	}
	title := cfg.Feed.Title
	if sub.title != "" {
		title = sub.title
	}
	first := k.base + sub.path + "." + f.ext
	d := document{
		Title:       clean(title),
		Description: clean(cfg.Feed.Description),
		Base:        k.base,
		Self:        first,
		First:       first,
		Hub:         cfg.Feed.WebSubHub,
		ID:          feedID(k.base, sub.path),
		Icon:        cfg.Feed.Icon,
		Annotate:    cfg.Feed.Annotate,
		TTL:         max(s.maxAge/60, 1),
		Articles:    arts,
		Sources:     srcs,
		Created:     p.st.Created(),
	}
	if k.page != "" {
		d.Self = first + "?page=" + k.page
		if k.prev != "" {
			d.Self += "&prev" + k.prev
			if prev := k.prev[1:]; prev == "" {
				d.Previous = first
			} else {
				d.Previous = first + "?page=" + prev
			}
		}
	}
	if next != "" {
		d.Next = first + "?page=" + string(next) + "&prev=" + k.page
	}
	d.safeLinks()
	return &d, nil
}

// sources is every stored source's state, by name, cleaned.
func (p *Publisher) sources(ctx context.Context) (map[string]store.SourceState, error) {
	states, err := p.st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]store.SourceState, len(states))
	for _, st := range states {
		m[st.Name] = cleanState(st)
	}
	return m, nil
}
