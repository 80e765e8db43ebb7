package article

import (
	"testing"
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
