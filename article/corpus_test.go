package article

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/tributary-feeds/tributary/internal/testenv"
)

// squash lower-cases s and drops its white space, for comparing bylines.
func squash(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), "")
}

// TestCorpusBylines runs page extraction over every page of the shared
// corpus and checks that at least 90% of the bylines match readability's
// expected ones (ours, case- and space-insensitive, contained in theirs),
// leaving out the pages not-a-name.txt lists.
func TestCorpusBylines(t *testing.T) {
	dir := testenv.Corpus(t, "pages")
	skip := map[string]bool{}
	if b, err := os.ReadFile(filepath.Join(dir, "not-a-name.txt")); err == nil {
		for _, l := range strings.Fields(string(b)) {
			skip[l] = true
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	total, good := 0, 0
	for _, e := range entries {
		if !e.IsDir() || skip[e.Name()] {
			continue
		}
		page, err := os.ReadFile(filepath.Join(dir, e.Name(), "source.html"))
		if err != nil {
			t.Fatalf("page %s: %v", e.Name(), err)
		}
		var want struct{ Byline *string }
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "expected-metadata.json"))
		if err != nil {
			t.Fatalf("page %s: %v", e.Name(), err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("page %s: expected-metadata.json: %v", e.Name(), err)
		}
		if want.Byline == nil || *want.Byline == "" {
			continue
		}
		total++
		p := ExtractPage(page, &url.URL{Scheme: "https", Host: "example.com", Path: "/" + e.Name()})
		ours := strings.Join(p.Authors, ", ")
		if ours != "" && strings.Contains(squash(*want.Byline), squash(ours)) {
			good++
			t.Logf("ok   %-28s %-14s %q", e.Name(), p.AuthorFrom, ours)
		} else {
			t.Logf("MISS %-28s %-14s %q, want %q", e.Name(), p.AuthorFrom, ours, *want.Byline)
		}
	}
	if total == 0 {
		t.Fatal("no pages with an expected byline")
	}
	share := float64(good) / float64(total)
	t.Logf("bylines matched: %d of %d (%.1f%%)", good, total, 100*share)
	if share < 0.90 {
		t.Errorf("byline share %.1f%% (%d of %d) is below 90%%", 100*share, good, total)
	}
}

// TestCorpusComments checks every comment page gives exactly its expected
// count (null: unknown), traps included.
func TestCorpusComments(t *testing.T) {
	dir := testenv.Corpus(t, "comment-pages")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join(dir, e.Name(), "source.html"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name(), "metadata.json"))
			if err != nil {
				t.Fatal(err)
			}
			var meta struct {
				URL      string `json:"url"`
				Expected *int   `json:"expected_comment_count"`
			}
			if err := json.Unmarshal(b, &meta); err != nil {
				t.Fatalf("metadata.json: %v", err)
			}
			u, _ := url.Parse(meta.URL)
			p := ExtractPage(page, u)
			switch {
			case meta.Expected == nil && p.Comments != nil:
				t.Errorf("comments = %d (%s), want unknown", *p.Comments, p.CommentsFrom)
			case meta.Expected != nil && p.Comments == nil:
				t.Errorf("comments unknown, want %d", *meta.Expected)
			case meta.Expected != nil && *p.Comments != *meta.Expected:
				t.Errorf("comments = %d (%s), want %d", *p.Comments, p.CommentsFrom, *meta.Expected)
			default:
				t.Logf("comments %v from %q", fmtCount(p.Comments), p.CommentsFrom)
			}
		})
		n++
	}
	if n == 0 {
		t.Fatal("no comment pages")
	}
}

func fmtCount(n *int) any {
	if n == nil {
		return "unknown"
	}
	return *n
}

// TestCorpusAuthors serves every page of the author-pages corpus through the
// enrichment path (Enrich on an article the feed gave no byline, with the
// page's URL) and scores the byline as SOURCES.md says: right when its words
// are all among the gold's, or the gold's all among ours. It prints every
// miss and the score. The goal is 90% right and at most 3% wrong names (an
// empty byline is a miss, but a wrong one is worse); until it is reached the
// test holds the ground gained: it fails below authorsFloor right or above
// authorsCeiling wrong.
func TestCorpusAuthors(t *testing.T) {
	dir := testenv.Corpus(t, "author-pages")
	b, err := os.ReadFile(filepath.Join(dir, "authors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gold map[string]struct{ URL, Author string }
	if err := json.Unmarshal(b, &gold); err != nil {
		t.Fatalf("authors.json: %v", err)
	}
	names := make([]string, 0, len(gold))
	for name := range gold {
		names = append(names, name)
	}
	slices.Sort(names)
	if raceDetector {
		// Under -race, a fixed sixteenth of the pages (CI's run); the full set
		// without it (go test -run TestCorpusAuthors -v).
		var sample []string
		for i, n := range names {
			if i%authorsSample == 0 {
				sample = append(sample, n)
			}
		}
		names = sample
	}
	type result struct{ ours, from string }
	results := make([]result, len(names))
	var wg sync.WaitGroup
	work := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range work {
				g := gold[names[i]]
				page, err := os.ReadFile(filepath.Join(dir, names[i]))
				if err != nil {
					t.Errorf("page %s: %v", names[i], err)
					continue
				}
				u, err := url.Parse(g.URL)
				if err != nil {
					t.Errorf("page %s: url %q: %v", names[i], g.URL, err)
					continue
				}
				a := Article{Link: g.URL}
				a.Enrich(page, u, EnrichOptions{})
				results[i] = result{strings.Join(a.Authors, ", "), a.From["author"]}
			}
		})
	}
	for i := range names {
		work <- i
	}
	close(work)
	wg.Wait()
	right, wrong, empty := 0, 0, 0
	for i, name := range names {
		g, r := gold[name], results[i]
		switch {
		case r.ours == "":
			empty++
			t.Logf("EMPTY %-52s want %q", name, g.Author)
		case sameWords(r.ours, g.Author):
			right++
		default:
			wrong++
			t.Logf("WRONG %-52s %-14s %q, want %q", name, r.from, r.ours, g.Author)
		}
	}
	total := len(names)
	if total == 0 {
		t.Fatal("no author pages")
	}
	rs, ws := float64(right)/float64(total), float64(wrong)/float64(total)
	t.Logf("authors: %d of %d right (%.1f%%), %d wrong (%.1f%%), %d empty", right, total, 100*rs, wrong, 100*ws, empty)
	t.Logf("goal: %.0f%% right, at most %.0f%% wrong", 100*authorsGoal, 100*authorsWrongGoal)
	floor := authorsFloor
	if raceDetector {
		floor = authorsSampleFloor
	}
	if rs < floor {
		t.Errorf("right %.1f%% (%d of %d) is below %.0f%%", 100*rs, right, total, 100*floor)
	}
	if ws > authorsCeiling {
		t.Errorf("wrong %.1f%% (%d of %d) is above %.0f%%", 100*ws, wrong, total, 100*authorsCeiling)
	}
}

// The author-pages score: the goal, and the ground held meanwhile
// (measured 82.4% right, 2.9% wrong on all 245 pages, from 80.0% and 4.9%
// before the second round and 64.9% and 16.3% before the issue; the sample
// run under -race measured 93.8% right, none wrong).
const (
	authorsGoal, authorsWrongGoal = 0.90, 0.03
	authorsFloor, authorsCeiling  = 0.82, 0.03
	authorsSample                 = 16   // under -race, every sixteenth page
	authorsSampleFloor            = 0.85 // right, in that sample
)

// sameWords reports whether the words of a are all among b's, or b's all
// among a's (case-insensitive; punctuation separates words).
func sameWords(a, b string) bool {
	wa, wb := nameWords(a), nameWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	return subset(wa, wb) || subset(wb, wa)
}

func nameWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		out[w] = true
	}
	return out
}

func subset(a, b map[string]bool) bool {
	for w := range a {
		if !b[w] {
			return false
		}
	}
	return true
}
