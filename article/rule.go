package article

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field is an article field a rule's condition tests.
type Field int

// The fields rules match on.
const (
	FieldTitle   Field = iota // the title
	FieldAuthor               // each author of the byline
	FieldContent              // the summary's and the content's text
	FieldURL                  // the link
	FieldSource               // the [[source]] name
	FieldTags                 // each of the source's tags and the item's categories
)

// Fields names the fields as [[rule]] match keys do, in order.
var Fields = []string{"title", "author", "content", "url", "source", "tags"}

func (f Field) String() string {
	if int(f) < len(Fields) {
		return Fields[f]
	}
	return fmt.Sprintf("field(%d)", int(f))
}

// Cond is one field's condition: the field holds one of its words (or
// matches one of its expressions).
//
// Plain words ignore case. In title, author and content a word (or a phrase
// of several) matches whole: "AI" matches "AI and you" and "the AI." but not
// "said" or "AIDS". In url it matches anywhere ("/sponsored/"); in source and
// tags it must equal the whole name or tag. Expressions are Go RE2 syntax,
// unanchored and case-sensitive unless they say (?i).
type Cond struct {
	Field Field
	words []string // lowered
	res   []*regexp.Regexp
}

// NewCond compiles a condition; with regex, each pattern is an expression.
func NewCond(f Field, patterns []string, regex bool) (Cond, error) {
	c := Cond{Field: f}
	for _, p := range patterns {
		if regex {
			re, err := regexp.Compile(p)
			if err != nil {
				return Cond{}, fmt.Errorf("invalid regex %q: %v", p, err)
			}
			c.res = append(c.res, re)
			continue
		}
		if w := strings.ToLower(strings.TrimSpace(p)); w != "" {
			c.words = append(c.words, w)
		}
	}
	if len(c.words) == 0 && len(c.res) == 0 {
		return Cond{}, fmt.Errorf("no words to match")
	}
	return c, nil
}

// Rule is one [[rule]], compiled: conditions that must all hold, and what to
// do with an article that meets them. Which sources a rule applies to is the
// caller's choice (see ApplyRules).
type Rule struct {
	Name  string // recorded in Article.From["rule"]
	Conds []Cond
	// MinReadTime and MaxReadTime, when positive, bound the article's shown
	// read time (ShownReadTime), in minutes; an article with none meets no
	// bound.
	MinReadTime, MaxReadTime int

	Drop      bool   // a matching article is not stored
	KeepOnly  bool   // an article that does not match is not stored
	Tag       string // added to a matching article's Categories
	SetAuthor string // replaces a matching article's byline
}

// ruleView is what rules read of one article, worked out once: rules match
// the article as its source gave it, never as an earlier rule rewrote it.
type ruleView struct {
	a       *Article
	tags    []string
	content *string
}

func (v *ruleView) values(f Field) []string {
	switch f {
	case FieldTitle:
		return []string{v.a.Title}
	case FieldAuthor:
		return v.a.Authors
	case FieldContent:
		if v.content == nil {
			s := SanitizedText(v.a.Summary) + "\n" + SanitizedText(v.a.Content)
			v.content = &s
		}
		return []string{*v.content}
	case FieldURL:
		return []string{v.a.Link}
	case FieldSource:
		return []string{v.a.Source}
	case FieldTags:
		return v.tags
	}
	return nil
}

func (c *Cond) match(v *ruleView) bool {
	for _, s := range v.values(c.Field) {
		for _, re := range c.res {
			if re.MatchString(s) {
				return true
			}
		}
		if len(c.words) == 0 {
			continue
		}
		low := strings.ToLower(s)
		for _, w := range c.words {
			switch c.Field {
			case FieldURL:
				if strings.Contains(low, w) {
					return true
				}
			case FieldSource, FieldTags:
				if low == w {
					return true
				}
			default:
				if containsWord(low, w) {
					return true
				}
			}
		}
	}
	return false
}

// containsWord reports whether w occurs in s with no letter or digit just
// before or after it.
func containsWord(s, w string) bool {
	for from := 0; from <= len(s)-len(w); {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return false
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(w):])
		if !wordRune(before) && !wordRune(after) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		from = i + size
	}
	return false
}

func wordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

func (r *Rule) matches(v *ruleView) bool {
	if r.MinReadTime > 0 || r.MaxReadTime > 0 {
		rt, _ := v.a.ShownReadTime()
		if rt <= 0 || rt < r.MinReadTime || r.MaxReadTime > 0 && rt > r.MaxReadTime {
			return false
		}
	}
	for i := range r.Conds {
		if !r.Conds[i].match(v) {
			return false
		}
	}
	return true
}

// Where ApplyRules records what it did, in Article.From.
const (
	FromRule = "rule" // the names of the rules that changed the article, ", "-joined
	// fromRuleAuthors keeps the byline (and its From["author"]) a
	// set_author replaced, as JSON, so that UndoRules can put it back.
	fromRuleAuthors = "rule_authors"
	// fromRuleTags lists, as JSON, the categories tags added.
	fromRuleTags = "rule_tags"
)

type savedByline struct {
	Authors []string `json:"authors,omitempty"`
	From    string   `json:"from,omitempty"`
}

// ApplyRules applies rules, in order, to a, an article of a source tagged
// sourceTags, and reports whether it is kept: false when a drop rule
// matches it or a keep_only rule does not. It first undoes what rules did
// to a before (UndoRules), so that applying a changed set of rules to a
// stored article gives what a fresh fetch would. Conditions test the
// article as its source gave it; tag adds to Categories and set_author
// replaces Authors (From["author"] becomes "rule"), each recorded so that
// UndoRules can take it back, and From["rule"] names the rules that acted.
func ApplyRules(a *Article, rules []Rule, sourceTags []string) bool {
	UndoRules(a)
	if len(rules) == 0 {
		return true
	}
	v := ruleView{a: a, tags: append(slices.Clone(sourceTags), a.Categories...)}
	var acted, added []string
	var author *Rule
	for i := range rules {
		r := &rules[i]
		m := r.matches(&v)
		if r.Drop && m || r.KeepOnly && !m {
			return false
		}
		if !m {
			continue
		}
		did := false
		if r.Tag != "" && !slices.Contains(a.Categories, r.Tag) && !slices.Contains(added, r.Tag) {
			added = append(added, r.Tag)
			did = true
		}
		if r.SetAuthor != "" {
			author, did = r, true
		}
		if did {
			acted = append(acted, r.Name)
		}
	}
	if len(acted) == 0 {
		return true
	}
	if a.From == nil {
		a.From = map[string]string{}
	}
	if author != nil {
		saved, _ := json.Marshal(savedByline{Authors: a.Authors, From: a.From["author"]})
		a.From[fromRuleAuthors] = string(saved)
		a.Authors, a.From["author"] = []string{author.SetAuthor}, "rule"
	}
	if len(added) > 0 {
		saved, _ := json.Marshal(added)
		a.From[fromRuleTags] = string(saved)
		a.Categories = append(slices.Clip(a.Categories), added...)
	}
	a.From[FromRule] = strings.Join(acted, ", ")
	return true
}

// UndoRules gives a back the byline and categories it had before rules
// changed them, and forgets that they did.
func UndoRules(a *Article) {
	if a.From == nil {
		return
	}
	if s, ok := a.From[fromRuleAuthors]; ok {
		var b savedByline
		if json.Unmarshal([]byte(s), &b) == nil {
			a.Authors = b.Authors
			if b.From == "" {
				delete(a.From, "author")
			} else {
				a.From["author"] = b.From
			}
		}
	}
	if s, ok := a.From[fromRuleTags]; ok {
		var added []string
		if json.Unmarshal([]byte(s), &added) == nil {
			a.Categories = slices.DeleteFunc(slices.Clone(a.Categories), func(c string) bool { return slices.Contains(added, c) })
			if len(a.Categories) == 0 {
				a.Categories = nil
			}
		}
	}
	delete(a.From, fromRuleAuthors)
	delete(a.From, fromRuleTags)
	delete(a.From, FromRule)
}

// RuleTags is the tags rules gave a (a subset of its Categories).
func RuleTags(a *Article) []string {
	s, ok := a.From[fromRuleTags]
	if !ok {
		return nil
	}
	var tags []string
	if json.Unmarshal([]byte(s), &tags) != nil {
		return nil
	}
	return tags
}
