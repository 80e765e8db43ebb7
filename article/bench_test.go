package article

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tributary-feeds/tributary/internal/testenv"
)

func BenchmarkFromItem(b *testing.B) {
	f := parseFeed(b, string(readFixture(b, "wordpress.xml")))
	b.ReportAllocs()
	for b.Loop() {
		FromItem(testSrc, f, f.Items[0], RawExtras{})
	}
}

func BenchmarkExtractPage(b *testing.B) {
	page := readFixture(b, "summary-only-page.html")
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		ExtractPage(page, pageURL)
	}
}

// BenchmarkExtractCorpusPages is the enrichment cost of a real page: every
// page of the readability corpus, one after another (skipped without the
// corpus). Compare runs of the same binary's parent commit for ratios.
func BenchmarkExtractCorpusPages(b *testing.B) {
	dir := testenv.Corpus(b, "pages")
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var pages [][]byte
	size := 0
	for _, e := range entries {
		if p, err := os.ReadFile(filepath.Join(dir, e.Name(), "source.html")); err == nil {
			pages = append(pages, p)
			size += len(p)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pages {
			ExtractPage(p, pageURL)
		}
	}
}
