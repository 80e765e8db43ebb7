package atomcheck

import (
	"strings"
	"testing"
)

const head = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:0b8a1c4e-3a2f-8c1d-9e0f-1a2b3c4d5e6f</id><title>t</title><updated>2026-03-14T09:26:53Z</updated><link rel="self" href="http://x.test/feed.atom"/>`

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name, doc, want string // want: a part of the one problem; "" for none
	}{
		{"valid", head + `<entry><id>http://x.test/1</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><author><name>A</name></author><link href="http://x.test/1"/></entry></feed>`, ""},
		{"source author stands for the entry's", head + `<entry><id>http://x.test/1</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><link href="http://x.test/1"/><source><id>urn:x:s</id><author><name>S</name></author></source></entry></feed>`, ""},
		{"feed author stands for the entry's", strings.Replace(head, "<title>t</title>", "<title>t</title><author><name>F</name></author>", 1) + `<entry><id>http://x.test/1</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><link href="http://x.test/1"/></entry></feed>`, ""},
		{"no author", head + `<entry><id>http://x.test/1</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><link href="http://x.test/1"/><source><id>urn:x:s</id></source></entry></feed>`, "no author"},
		{"no id", head + `<entry><title>a</title><updated>2026-03-14T09:26:53Z</updated><author><name>A</name></author><link href="http://x.test/1"/></entry></feed>`, "missing id"},
		{"relative id", head + `<entry><id>1</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><author><name>A</name></author><link href="http://x.test/1"/></entry></feed>`, "not absolute"},
		{"bad uuid", head + `<entry><id>urn:uuid:1234</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><author><name>A</name></author><link href="http://x.test/1"/></entry></feed>`, "urn:uuid"},
		{"no updated", head + `<entry><id>http://x.test/1</id><title>a</title><author><name>A</name></author><link href="http://x.test/1"/></entry></feed>`, "missing updated"},
		{"RFC 1123 updated", head + `<entry><id>http://x.test/1</id><title>a</title><updated>Sat, 14 Mar 2026 09:26:53 +0000</updated><author><name>A</name></author><link href="http://x.test/1"/></entry></feed>`, "RFC 3339"},
		{"no link, no content", head + `<entry><id>http://x.test/1</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><author><name>A</name></author><summary>s</summary></entry></feed>`, "alternate"},
		{"relative link", head + `<entry><id>http://x.test/1</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><author><name>A</name></author><link href="/1"/></entry></feed>`, "not absolute"},
		{"duplicate ids", head + `<entry><id>http://x.test/1</id><title>a</title><updated>2026-03-14T09:26:53Z</updated><author><name>A</name></author><link href="http://x.test/1"/></entry><entry><id>http://x.test/1</id><title>b</title><updated>2026-03-14T09:26:53Z</updated><author><name>A</name></author><link href="http://x.test/2"/></entry></feed>`, "same id"},
		{"not Atom", `<rss><channel/></rss>`, "not an Atom feed"},
	} {
		got := Check([]byte(c.doc))
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%s: problems %q, want none", c.name, got)
		case c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want)):
			t.Errorf("%s: problems %q, want one about %q", c.name, got, c.want)
		}
	}
}
