package config

import (
	"os"
	"strings"
	"testing"
)

const ruleSources = `
[[source]]
name = "guardian"
url = "https://guardian.example/feed"
tags = ["news"]
`

func TestParseRules(t *testing.T) {
	cfg, err := Parse("f.toml", []byte(ruleSources+`
[feed]
words_per_minute = 200

[[rule]]
sources = ["guardian"]
match = { author = ["Guardian staff", "agencies"] }
set_author = "The Guardian"

[[rule]]
name = "no-quizzes"
tags = ["news"]
match = { title = ['^Quiz\b'], url = ['/quiz/'] }
regex = true
drop = true

[[rule]]
min_read_time = 10
tag = "longread"
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Feed.WordsPerMinute != 200 || cfg.Feed.CJKCharactersPerMinute != 500 {
		t.Errorf("rates = %d, %d", cfg.Feed.WordsPerMinute, cfg.Feed.CJKCharactersPerMinute)
	}
	if len(cfg.Rules) != 3 {
		t.Fatalf("rules = %+v", cfg.Rules)
	}
	r := cfg.Rules[0]
	if r.RuleName(0) != "rule[0]" || cfg.Rules[1].RuleName(1) != "no-quizzes" || r.SetAuthor != "The Guardian" {
		t.Errorf("rule 0 = %+v", r)
	}
	if f := cfg.Rules[1].Match.Fields(); len(f) != 2 || f[0].Key != "title" || f[1].Key != "url" || !cfg.Rules[1].Regex {
		t.Errorf("rule 1 match = %+v", f)
	}
}

func TestParseRuleProblems(t *testing.T) {
	tests := []struct {
		name string
		toml string
		want []string
	}{
		{"bad regex", "[[rule]]\nmatch = { title = ['(unclosed'] }\nregex = true\ndrop = true\n",
			[]string{"f.toml:7: rule[0].match.title: invalid regex \"(unclosed\": error parsing regexp: missing closing ): `(unclosed`"}},
		{"unknown field", "[[rule]]\nmatch = { body = ['x'] }\ndrop = true\n", []string{
			"f.toml:6: rule[0]: needs a match table", // go-toml names an inline table's key without the table
			"f.toml:7: rule.body: unknown key",
		}},
		{"no action", "[[rule]]\nmatch = { title = ['x'] }\n", []string{"f.toml:6: rule[0]: needs an action"}},
		{"no condition", "[[rule]]\ndrop = true\n", []string{"f.toml:6: rule[0]: needs a match table or a read-time bound"}},
		{"drop and tag", "[[rule]]\nmatch = { title = ['x'] }\ndrop = true\ntag = \"t\"\n", []string{"f.toml:9: rule[0].tag: tag cannot go with drop"}},
		{"unknown source and tag", "[[rule]]\nsources = ['nope']\ntags = ['sport']\nmatch = { title = ['x'] }\ndrop = true\n", []string{
			"f.toml:7: rule[0].sources: no source is named \"nope\"",
			"f.toml:8: rule[0].tags: no source has the tag \"sport\"",
		}},
		{"empty word", "[[rule]]\nmatch = { title = [' '] }\ndrop = true\n", []string{"f.toml:7: rule[0].match.title: an empty word matches nothing"}},
		{"no words", "[[rule]]\nmatch = { title = [] }\ndrop = true\n", []string{"f.toml:7: rule[0].match.title: lists no words"}},
		{"read times", "[[rule]]\nmin_read_time = 9\nmax_read_time = 3\ndrop = true\n", []string{"f.toml:8: rule[0].max_read_time: max_read_time 3 is below min_read_time 9"}},
		{"duplicate names", "[[rule]]\nname = \"a\"\nmin_read_time = 1\ndrop = true\n[[rule]]\nname = \"a\"\nmin_read_time = 1\ndrop = true\n", []string{"f.toml:11: rule[1].name: \"a\" is already the name of the rule at line 6"}},
		{"words not a list", "[[rule]]\nmatch = { title = 'x' }\ndrop = true\n", []string{"f.toml:7: rule[0].match.title: must be an array of strings"}},
		{"rates", "[feed]\nwords_per_minute = 0\ncjk_characters_per_minute = -1\n", []string{
			"f.toml:7: feed.words_per_minute: must be at least 1, got 0",
			"f.toml:8: feed.cjk_characters_per_minute: must be at least 1, got -1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantProblems(t, ruleSources+tt.toml, tt.want) })
	}
}

// The README's worked example of rules is a valid configuration.
func TestReadmeRuleExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n### Rules\n")
	if !ok {
		t.Fatal("README has no Rules section")
	}
	_, block, ok := strings.Cut(section, "```toml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("the Rules section has no toml example")
	}
	cfg, err := Parse("README.md", []byte(block))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) != 3 || cfg.Rules[0].Name != "guardian-desk" || !cfg.Rules[0].Regex {
		t.Errorf("rules = %+v", cfg.Rules)
	}
}
