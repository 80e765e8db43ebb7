package article

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
