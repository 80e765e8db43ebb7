package article

import (
	"strings"
	"testing"
)

func TestSafeURL(t *testing.T) {
	const png = "data:image/png;base64,iVBORw0KGgo="
	for _, tc := range []struct {
		in               string
		web, link, image bool // allowed as URLWeb, URLLink, URLImage
	}{
		{"https://example.com/a?b=c#d", true, true, true},
		{"http://example.com/", true, true, true},
		{"HTTPS://EXAMPLE.COM/", true, true, true},
		{"/relative/path", true, true, true},
		{"//example.com/protocol-relative", true, true, true},
		{"#fragment", true, true, true},
		{"page.html?x=1&amp;y=2", true, true, true},
		{"mailto:someone@example.com", false, true, false},
		{png, false, false, true},
		{"data:image/gif;base64,R0lGODlh", false, false, true},
		{"data:image/jpeg;base64,/9j/", false, false, true},
		{"data:image/webp;base64,UklGR", false, false, true},
		{"DATA:IMAGE/PNG;base64,iVBORw0KGgo=", false, false, true},
		{"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", false, false, false},
		{"data:image/svg+xml,<svg onload=alert(1)>", false, false, false},
		{"data:text/html;base64,PHNjcmlwdD4=", false, false, false},
		{"data:,hello", false, false, false},
		{"javascript:alert(1)", false, false, false},
		{"JaVaScRiPt:alert(1)", false, false, false},
		{"  javascript:alert(1)", false, false, false},
		{"\x01\x02javascript:alert(1)", false, false, false},
		{"java\tscript:alert(1)", false, false, false},
		{"java\nscript:alert(1)", false, false, false},
		{"&#106;avascript:alert(1)", false, false, false},
		{"&#x6A;avascript&#x3A;alert(1)", false, false, false},
		{"&amp;#106;avascript:alert(1)", false, false, false},
		{"javascript&colon;alert(1)", false, false, false},
		{"vbscript:msgbox(1)", false, false, false},
		{"VBScript:msgbox(1)", false, false, false},
		{"file:///etc/passwd", false, false, false},
		{"ftp://example.com/x", false, false, false},
		{"blob:https://example.com/uuid", false, false, false},
		{"http://[::1", false, false, false}, // does not parse
		{"", false, false, false},
		{"   ", false, false, false},
	} {
		for _, k := range []struct {
			kind URLKind
			want bool
			name string
		}{{URLWeb, tc.web, "URLWeb"}, {URLLink, tc.link, "URLLink"}, {URLImage, tc.image, "URLImage"}} {
			got := SafeURL(k.kind, tc.in)
			if (got != "") != k.want {
				t.Errorf("SafeURL(%s, %q) = %q, want allowed=%v", k.name, tc.in, got, k.want)
			}
			if got != "" && got != strings.TrimSpace(tc.in) {
				t.Errorf("SafeURL(%s, %q) = %q, want it unchanged but trimmed", k.name, tc.in, got)
			}
		}
	}
}

func TestParseSrcset(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a.png 1x, b.png 2x", "a.png 1x, b.png 2x"},
		{"a.png,b.png 2x", "a.png,b.png 2x"}, // one URL, as browsers read it
		{" a.png  480w ,, b.png 800w ", "a.png 480w, b.png 800w"},
		{"data:image/png;base64,AAA= 1x, b.png 2x", "data:image/png;base64,AAA= 1x, b.png 2x"},
		{"a.png (x, y) 1x, b.png", "a.png (x, y) 1x, b.png"},
		{"", ""},
	} {
		if got := formatSrcset(parseSrcset(tc.in)); got != tc.want {
			t.Errorf("srcset %q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFilterURLs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p>plain <a href="https://x.test/">x</a></p>`, `<p>plain <a href="https://x.test/">x</a></p>`},
		{`<img src="https://x.test/a.png" srcset="javascript:alert(1) 1x, https://x.test/b.png 2x">`, `<img src="https://x.test/a.png" srcset="https://x.test/b.png 2x">`},
		{`<img srcset="javascript:alert(1)">`, `<img>`},
		{`<source srcset="javascript:alert(1) 1x" src="javascript:alert(2)" type="image/png">`, `<source type="image/png">`},
		{`<img srcset="data:image/png;base64,AAA= 1x">`, `<img>`},
		{`<a href="data:image/png;base64,AAA=">x</a>`, `<a>x</a>`},
		{`<img src="data:image/svg+xml;base64,PHN2Zz4=">`, `<img>`},
		{`<img src="data:image/png;base64,AAA=">`, `<img src="data:image/png;base64,AAA=">`},
		{`<a href="mailto:a@x.test">m</a><img src="mailto:a@x.test">`, `<a href="mailto:a@x.test">m</a><img>`},
		{`<blockquote cite="javascript:alert(1)">q</blockquote>`, `<blockquote>q</blockquote>`},
		{`<a href="&#106;avascript:alert(1)" title="t &amp; u">x</a>`, `<a title="t &amp; u">x</a>`},
		{`no tags &amp; text`, `no tags &amp; text`},
	} {
		if got := FilterURLs(tc.in); got != tc.want {
			t.Errorf("FilterURLs(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestDataURLNeedsData(t *testing.T) {
	for _, u := range []string{"data:image/png", "dAtA:imAge/png", "data:image/png;base64"} {
		if got := SafeURL(URLImage, u); got != "" {
			t.Errorf("SafeURL(URLImage, %q) = %q, want refused (no comma, no data)", u, got)
		}
	}
	if got := SafeURL(URLImage, "data:image/png;base64,AA=="); got == "" {
		t.Error("a PNG data URL refused")
	}
}

func TestSrcsetDescriptors(t *testing.T) {
	for in, want := range map[string]string{
		"a.png 1x, b.png 2x":         "a.png 1x, b.png 2x",
		"a.png 100w, b.png 1.5x":     "a.png 100w, b.png 1.5x",
		"a.png":                      "a.png",
		"0 jAvAsCript:":              "",
		"a.png javascript:x, b.png":  "b.png",
		"a.png 1x, b.png Infx":       "a.png 1x",
		"a.png 0x, b.png -1w":        "",
		"a.png 2e1w, b.png 100w 50h": "a.png 2e1w, b.png 100w 50h",
	} {
		if got := safeSrcset(in); got != want {
			t.Errorf("safeSrcset(%q) = %q, want %q", in, got, want)
		}
	}
}
