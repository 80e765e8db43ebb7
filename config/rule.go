package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// validateRules checks the [[rule]] tables; sources maps source names to
// their index.
func (c *Config) validateRules(pos positions, sources map[string]int) Problems {
	var p Problems
	bad := func(key, format string, args ...any) {
		p = append(p, Problem{File: c.File, Line: pos.line(key), Key: displayKey(key), Msg: fmt.Sprintf(format, args...)})
	}
	if c.Feed.WordsPerMinute < 1 {
		bad("feed.words_per_minute", "must be at least 1, got %d", c.Feed.WordsPerMinute)
	}
	if c.Feed.CJKCharactersPerMinute < 1 {
		bad("feed.cjk_characters_per_minute", "must be at least 1, got %d", c.Feed.CJKCharactersPerMinute)
	}
	tags := map[string]bool{}
	for _, s := range c.Sources {
		for _, t := range s.Tags {
			tags[t] = true
		}
	}
	names := map[string]int{}
	for i, r := range c.Rules {
		key := func(k string) string { return fmt.Sprintf("rule.%d.%s", i, k) }
		if r.Name != "" {
			if strings.TrimSpace(r.Name) != r.Name || strings.Contains(r.Name, ",") {
				bad(key("name"), "%q: no commas and no spaces around it", r.Name)
			} else if j, dup := names[r.Name]; dup {
				bad(key("name"), "%q is already the name of the rule at line %d", r.Name, pos.line(fmt.Sprintf("rule.%d", j)))
			}
			names[r.Name] = i
		}
		for _, s := range r.Sources {
			if _, ok := sources[s]; !ok {
				bad(key("sources"), "no source is named %q", s)
			}
		}
		for _, t := range r.Tags {
			if !tags[t] {
				bad(key("tags"), "no source has the tag %q", t)
			}
		}
		fields := r.Match.Fields()
		for _, f := range fields {
			mk := key("match." + f.Key)
			if len(f.Words) == 0 {
				bad(mk, "lists no words")
			}
			for _, w := range f.Words {
				if strings.TrimSpace(w) == "" {
					bad(mk, "an empty word matches nothing")
					continue
				}
				if r.Regex {
					if _, err := regexp.Compile(w); err != nil {
						bad(mk, "invalid regex %q: %v", w, err)
					}
				}
			}
		}
		if r.Regex && len(fields) == 0 {
			bad(key("regex"), "regex = true needs a match table")
		}
		if r.MinReadTime < 0 || r.MaxReadTime < 0 {
			bad(key("min_read_time"), "read times must not be negative")
		}
		if r.MaxReadTime > 0 && r.MinReadTime > r.MaxReadTime {
			bad(key("max_read_time"), "max_read_time %d is below min_read_time %d", r.MaxReadTime, r.MinReadTime)
		}
		if len(fields) == 0 && r.MinReadTime <= 0 && r.MaxReadTime <= 0 {
			bad(fmt.Sprintf("rule.%d", i), "needs a match table or a read-time bound (min_read_time, max_read_time)")
		}
		if r.Tag != "" && strings.TrimSpace(r.Tag) == "" {
			bad(key("tag"), "must not be blank")
		}
		if r.SetAuthor != "" && strings.TrimSpace(r.SetAuthor) == "" {
			bad(key("set_author"), "must not be blank")
		}
		var acts []string
		for _, a := range []struct {
			name string
			on   bool
		}{{"drop", r.Drop}, {"keep_only", r.KeepOnly}, {"tag", r.Tag != ""}, {"set_author", r.SetAuthor != ""}} {
			if a.on {
				acts = append(acts, a.name)
			}
		}
		switch {
		case len(acts) == 0:
			bad(fmt.Sprintf("rule.%d", i), "needs an action: drop = true, keep_only = true, tag = \"…\" or set_author = \"…\"")
		case len(acts) > 1 && (slices.Contains(acts, "drop") || slices.Contains(acts, "keep_only")):
			bad(key(acts[1]), "%s cannot go with %s: a rule either filters (drop, keep_only) or changes (tag, set_author)", acts[1], acts[0])
		}
	}
	return p
}
