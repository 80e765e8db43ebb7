package fetcher

import (
	"fmt"
	"slices"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
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
