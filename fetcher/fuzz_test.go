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
	} {
		f.Add([]byte(s), "application/xml")
	}
	fe := New(testConfig(), nil, nil)
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		if len(body) > 1<<16 {
			return
		}
		fe.parseDocument(&turn{}, body, ctype, "http://example.com/feed", 1000)
		if out, _, err := toUTF8(body, ctype); err == nil && !utf8.Valid(out) {
			t.Errorf("toUTF8 gave invalid UTF-8 for %q", body)
		}
	})
}
