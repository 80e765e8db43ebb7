package fetcher

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseDocument: no input makes the parsing pipeline panic, and what
// charset conversion returns is UTF-8. Seeds run as an ordinary test.
func FuzzParseDocument(f *testing.F) {
	for _, s := range []string{
		"",
		"\xEF\xBB\xBF<rss version=\"2.0\"><channel><title>é</title></channel></rss>",
		"\xFF\xFE<\x00r\x00s\x00s\x00>\x00",
		`<?xml version="1.0" encoding="koi8-r"?><rss version="2.0"><channel><item><title>` + "\xF0\xD2" + `</title></item></channel></rss>`,
		`<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" href="x"></head></html>`,
		`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1"}]}`,
		`{"a":1}`, `[1,2]`,
		`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"><entry><link rel="replies" thr:count="x"/></entry></feed>`,
		"<rss><channel><item><title>Caf\xE9</title>",
		`<rss version="2.0"><channel><title>t</title><item><title>1</title></item><x/><item><title>2</title><pubDate>Mon, 02 Jan 2026 10:00:00 GMT</pubDate></item><item/><item><title>3</title></item></channel><!-- <item> --></rss>`,
		`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel><item><title>1</title></item><item><title>2</title></item><item><title>3</title></item></rdf:RDF>`,
		`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1"},{"id":"2","date_published":"2026-01-02T00:00:00Z"},{"id":"3"}]}`,
	} {
		f.Add([]byte(s), "application/xml")
	}
	fe := New(testConfig(), nil, nil)
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		if len(body) > 1<<16 {
			return
		}
		// Two items at most: documents of three are parsed in chunks.
		fe.parseDocument(&turn{}, body, ctype, "http://example.com/feed", 2)
		if out, _, err := toUTF8(body, ctype); err == nil && !utf8.Valid(out) {
			t.Errorf("toUTF8 gave invalid UTF-8 for %q", body)
		}
	})
}
