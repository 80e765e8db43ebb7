package fetcher

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/store"
)

// ruleSet is a configuration's [[rule]] tables compiled, each with the
// sources it applies to.
type ruleSet struct {
	rules []scopedRule
	rates article.ReadRates
}

type scopedRule struct {
	rule    article.Rule
	sources []string // none and no tags: every source
	tags    []string
}

// compileRules compiles cfg's rules. Config validation has checked every
// expression, so an error here means a configuration that was not checked.
func compileRules(cfg *config.Config) (*ruleSet, error) {
	rs := &ruleSet{rates: article.ReadRates{
		WordsPerMinute:    cfg.Feed.WordsPerMinute,
		CJKCharsPerMinute: cfg.Feed.CJKCharactersPerMinute,
	}}
	for i, r := range cfg.Rules {
		ar := article.Rule{
			Name:        r.RuleName(i),
			MinReadTime: r.MinReadTime,
			MaxReadTime: r.MaxReadTime,
			Drop:        r.Drop,
			KeepOnly:    r.KeepOnly,
			Tag:         r.Tag,
			SetAuthor:   r.SetAuthor,
		}
		for _, mf := range r.Match.Fields() {
			field := article.Field(slices.Index(article.Fields, mf.Key))
			c, err := article.NewCond(field, mf.Words, r.Regex)
			if err != nil {
				return nil, fmt.Errorf("%s: match.%s: %w", ar.Name, mf.Key, err)
			}
			ar.Conds = append(ar.Conds, c)
		}
		rs.rules = append(rs.rules, scopedRule{rule: ar, sources: r.Sources, tags: r.Tags})
	}
	return rs, nil
}

// forSource is the rules that apply to src, in file order.
func (rs *ruleSet) forSource(src config.Source) []article.Rule {
	var out []article.Rule
	for _, r := range rs.rules {
		if len(r.sources)+len(r.tags) == 0 || slices.Contains(r.sources, src.Name) ||
			slices.ContainsFunc(r.tags, func(t string) bool { return slices.Contains(src.Tags, t) }) {
			out = append(out, r.rule)
		}
	}
	return out
}

// rulesOf is cfg's compiled rules, compiled once per configuration.
func (f *Fetcher) rulesOf(cfg *config.Config) *ruleSet {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ruleCfg == cfg && f.ruleSet != nil {
		return f.ruleSet
	}
	rs, err := compileRules(cfg)
	if err != nil {
		f.log.Error("rules not applied", "error", err)
		rs = &ruleSet{rates: article.ReadRates{WordsPerMinute: cfg.Feed.WordsPerMinute, CJKCharsPerMinute: cfg.Feed.CJKCharactersPerMinute}}
	}
	f.ruleCfg, f.ruleSet = cfg, rs
	return rs
}

// beforePages is the rules that can be applied before src's pages are
// fetched: all of them, unless src is enriched; then those that test
// neither the byline nor the read time, which a page may fill in (a
// keep_only rule on read time would otherwise drop every article whose
// feed gives only a summary). The others wait for the pass after
// enrichment.
func beforePages(rules []article.Rule, src config.Source) []article.Rule {
	if !src.Enrich {
		return rules
	}
	var out []article.Rule
	for _, r := range rules {
		if r.MinReadTime > 0 || r.MaxReadTime > 0 || slices.ContainsFunc(r.Conds, func(c article.Cond) bool { return c.Field == article.FieldAuthor }) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// applyRules applies rules to arts (and drops the same from extras, when
// given), keeping those the rules keep, in order. It returns how many went.
func applyRules(rules []article.Rule, tags []string, arts []article.Article, extras []article.RawExtras) ([]article.Article, []article.RawExtras, int) {
	if len(rules) == 0 {
		return arts, extras, 0
	}
	kept := 0
	for i := range arts {
		if !article.ApplyRules(&arts[i], rules, tags) {
			continue
		}
		arts[kept] = arts[i]
		if extras != nil {
			extras[kept] = extras[i]
		}
		kept++
	}
	dropped := len(arts) - kept
	arts = arts[:kept]
	if extras != nil {
		extras = extras[:kept]
	}
	return arts, extras, dropped
}

// ruleStore is what applying rules to stored articles needs beyond Store.
// The embedded store has it; with a backend that has not, stored articles
// keep what the old rules made of them until their source is parsed again.
type ruleStore interface {
	Newest(ctx context.Context, n int, f store.Filter, after store.Cursor) ([]article.Article, store.Cursor, error)
	Rewrite(ctx context.Context, ids []string, fn func(*article.Article) bool) (changed, deleted int, err error)
}

// Reapplied counts what ReapplyRules did to stored articles.
type Reapplied struct {
	Checked, Changed, Deleted int
}

// reapplyPage is how many articles one Rewrite transaction takes.
const reapplyPage = 500

// RulesChanged reports whether a reload from old to cfg changes what rules
// make of articles.
func RulesChanged(old, cfg *config.Config) bool {
	if !reflect.DeepEqual(old.Rules, cfg.Rules) {
		return true
	}
	// A source's tags choose the rules that apply to it.
	tags := func(c *config.Config) map[string][]string {
		m := map[string][]string{}
		for _, s := range c.Sources {
			m[s.Name] = s.Tags
		}
		return m
	}
	return len(cfg.Rules) > 0 && !reflect.DeepEqual(tags(old), tags(cfg))
}

// ReapplyRules applies cfg's [[rule]] tables to every stored article of
// cfg's sources, without fetching: bylines and tags rules set are set, those
// of rules that no longer match are given back (see article.UndoRules), and
// articles the rules now drop are deleted. Articles rules dropped before and
// keep now were never stored: each source is parsed whole on its next fetch
// (no conditional GET, no unchanged-body shortcut), which stores them.
func (f *Fetcher) ReapplyRules(ctx context.Context, cfg *config.Config) (Reapplied, error) {
	var r Reapplied
	for _, src := range cfg.Sources {
		f.markReparse(src.Name)
	}
	rst, ok := f.st.(ruleStore)
	if !ok {
		return r, errors.New("this store cannot rewrite articles: stored articles change as their sources are parsed again")
	}
	rs, err := compileRules(cfg)
	if err != nil {
		return r, err
	}
	for _, src := range cfg.Sources {
		rules := rs.forSource(src)
		var after store.Cursor
		for {
			page, next, err := rst.Newest(ctx, reapplyPage, store.Filter{Sources: []string{src.Name}}, after)
			if err != nil {
				return r, fmt.Errorf("apply rules to %s: %w", src.Name, err)
			}
			ids := make([]string, len(page))
			for i := range page {
				ids[i] = page[i].ID
			}
			changed, deleted, err := rst.Rewrite(ctx, ids, func(a *article.Article) bool {
				return article.ApplyRules(a, rules, src.Tags)
			})
			if err != nil {
				return r, fmt.Errorf("apply rules to %s: %w", src.Name, err)
			}
			r.Checked += len(ids)
			r.Changed += changed
			r.Deleted += deleted
			if next == "" {
				break
			}
			after = next
		}
	}
	return r, nil
}

// markReparse asks the next fetch of name to parse the feed whole.
func (f *Fetcher) markReparse(name string) {
	f.stMu.Lock()
	defer f.stMu.Unlock()
	if f.reparse == nil {
		f.reparse = map[string]bool{}
	}
	f.reparse[name] = true
}

// reparseDue reports whether name's next fetch must parse the feed whole;
// doneReparse clears it once one did.
func (f *Fetcher) reparseDue(name string) bool {
	f.stMu.Lock()
	defer f.stMu.Unlock()
	return f.reparse[name]
}

func (f *Fetcher) doneReparse(name string) {
	f.stMu.Lock()
	defer f.stMu.Unlock()
	delete(f.reparse, name)
}
