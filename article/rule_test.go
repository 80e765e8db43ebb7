package article

import (
	"reflect"
	"slices"
	"testing"
)

func mustCond(t *testing.T, f Field, regex bool, words ...string) Cond {
	t.Helper()
	c, err := NewCond(f, words, regex)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestContainsWord(t *testing.T) {
	for _, tt := range []struct {
		s, w string
		want bool
	}{
		{"ai and you", "ai", true},
		{"the ai.", "ai", true},
		{"said", "ai", false},
		{"aids and ai", "ai", true},
		{"guardian staff and agencies", "guardian staff", true},
		{"guardian staffer", "guardian staff", false},
		{"é-ai", "ai", true},
		{"", "ai", false},
	} {
		if got := containsWord(tt.s, tt.w); got != tt.want {
			t.Errorf("containsWord(%q, %q) = %v", tt.s, tt.w, got)
		}
	}
}

func TestRuleConditions(t *testing.T) {
	a := Article{
		Source: "guardian", Title: "Quiz: the week in AI", Link: "https://g.example/quiz/1",
		Authors: []string{"Guardian staff"}, Content: "<p>Questions about models</p>", Categories: []string{"Tech"},
		ReadTime: 4,
	}
	tests := []struct {
		name string
		r    Rule
		want bool
	}{
		{"title word, any case", Rule{Conds: []Cond{mustCond(t, FieldTitle, false, "ai")}}, true},
		{"title part of a word", Rule{Conds: []Cond{mustCond(t, FieldTitle, false, "wee")}}, false},
		{"author phrase", Rule{Conds: []Cond{mustCond(t, FieldAuthor, false, "guardian staff")}}, true},
		{"content", Rule{Conds: []Cond{mustCond(t, FieldContent, false, "models")}}, true},
		{"url substring", Rule{Conds: []Cond{mustCond(t, FieldURL, false, "/QUIZ/")}}, true},
		{"source whole", Rule{Conds: []Cond{mustCond(t, FieldSource, false, "guard")}}, false},
		{"source", Rule{Conds: []Cond{mustCond(t, FieldSource, false, "Guardian")}}, true},
		{"category as tag", Rule{Conds: []Cond{mustCond(t, FieldTags, false, "tech")}}, true},
		{"source tag", Rule{Conds: []Cond{mustCond(t, FieldTags, false, "news")}}, true},
		{"regex", Rule{Conds: []Cond{mustCond(t, FieldTitle, true, `^Quiz\b`)}}, true},
		{"regex is case-sensitive", Rule{Conds: []Cond{mustCond(t, FieldTitle, true, `^quiz`)}}, false},
		{"regex (?i)", Rule{Conds: []Cond{mustCond(t, FieldTitle, true, `(?i)^quiz`)}}, true},
		{"every field must hold", Rule{Conds: []Cond{mustCond(t, FieldTitle, false, "ai"), mustCond(t, FieldAuthor, false, "jane")}}, false},
		{"any word of a field", Rule{Conds: []Cond{mustCond(t, FieldAuthor, false, "jane", "staff")}}, true},
		{"read time in bounds", Rule{MinReadTime: 3, MaxReadTime: 5}, true},
		{"read time under", Rule{MinReadTime: 5}, false},
		{"read time over", Rule{MaxReadTime: 3}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := ruleView{a: &a, tags: append([]string{"news"}, a.Categories...)}
			if got := tt.r.matches(&v); got != tt.want {
				t.Errorf("matches = %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := NewCond(FieldTitle, []string{"(x"}, true); err == nil {
		t.Error("a bad regex compiled")
	}
	if _, err := NewCond(FieldTitle, []string{" "}, false); err == nil {
		t.Error("a condition with no words compiled")
	}
	b := a
	b.ReadTime = 0
	if (&Rule{MaxReadTime: 30}).matches(&ruleView{a: &b}) {
		t.Error("an article with no read time met a read-time bound")
	}
}

func TestApplyRules(t *testing.T) {
	staff := mustCond(t, FieldAuthor, false, "guardian staff")
	quiz := mustCond(t, FieldTitle, false, "quiz")
	rules := []Rule{
		{Name: "desk", Conds: []Cond{staff}, SetAuthor: "The Guardian"},
		{Name: "quiz", Conds: []Cond{quiz}, Drop: true},
		{Name: "long", MinReadTime: 10, Tag: "longread"},
	}
	orig := Article{Title: "A long read", Authors: []string{"Guardian staff"}, ReadTime: 12,
		Categories: []string{"World"}, From: map[string]string{"author": "dc:creator"}}
	a := orig
	a.From = map[string]string{"author": "dc:creator"}
	if !ApplyRules(&a, rules, nil) {
		t.Fatal("dropped")
	}
	if !reflect.DeepEqual(a.Authors, []string{"The Guardian"}) || a.From["author"] != "rule" ||
		!reflect.DeepEqual(a.Categories, []string{"World", "longread"}) || a.From[FromRule] != "desk, long" {
		t.Fatalf("applied: %+v", a)
	}
	// Again, with the same rules: the same result, nothing doubled.
	b := a
	b.From = clone(a.From)
	ApplyRules(&b, rules, nil)
	if !reflect.DeepEqual(b, a) {
		t.Errorf("applying twice:\n%+v\n%+v", b, a)
	}
	// Rules changed: the stored article comes back to what the source gave.
	ApplyRules(&b, rules[1:2], nil)
	if !reflect.DeepEqual(b.Authors, orig.Authors) || b.From["author"] != "dc:creator" ||
		!reflect.DeepEqual(b.Categories, orig.Categories) || b.From[FromRule] != "" || len(b.From) != 1 {
		t.Errorf("undone: %+v", b)
	}
	// An article with no byline of its own gets it back empty.
	c := Article{Title: "x", Authors: nil}
	ApplyRules(&c, []Rule{{Name: "any", Conds: []Cond{mustCond(t, FieldTitle, false, "x")}, SetAuthor: "Desk"}}, nil)
	UndoRules(&c)
	if c.Authors != nil || len(c.From) != 0 {
		t.Errorf("undone: %+v", c)
	}
	// drop and keep_only.
	q := Article{Title: "Quiz of the week"}
	if ApplyRules(&q, rules, nil) {
		t.Error("a quiz was kept")
	}
	keep := []Rule{{Name: "only-long", MinReadTime: 10, KeepOnly: true}}
	if ApplyRules(&Article{ReadTime: 2}, keep, nil) || !ApplyRules(&Article{ReadTime: 20}, keep, nil) {
		t.Error("keep_only kept the wrong ones")
	}
	// A tag the article already has is not added (nor taken away later).
	d := Article{Categories: []string{"longread"}, ReadTime: 11}
	ApplyRules(&d, rules, nil)
	UndoRules(&d)
	if !slices.Equal(d.Categories, []string{"longread"}) {
		t.Errorf("categories = %v", d.Categories)
	}
}

func clone(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestReadRates(t *testing.T) {
	text := words(530)
	if got := ReadMinutes(text); got != 2 {
		t.Errorf("default = %d", got)
	}
	if got := (ReadRates{WordsPerMinute: 100}).Minutes(text); got != 6 {
		t.Errorf("100 wpm = %d", got)
	}
	cjk := ""
	for range 600 {
		cjk += "字"
	}
	if got := (ReadRates{CJKCharsPerMinute: 200}).Minutes(cjk); got != 3 {
		t.Errorf("200 cpm = %d", got)
	}
}
