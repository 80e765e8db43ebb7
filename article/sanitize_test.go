package article

import (
	"net/url"
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	base, _ := url.Parse("https://example.com/posts/1")
	for _, tc := range []struct {
		name, in string
		want     []string // substrings that must be there
		not      []string // substrings that must not
	}{
		{"script", `<p>hi</p><script>alert(1)</script>`, []string{"<p>hi</p>"}, []string{"script", "alert"}},
		{"style", `<style>p{}</style><p style="color:red">x</p>`, []string{"<p>x</p>"}, []string{"style", "color"}},
		{"iframe and object", `<iframe src="https://evil.example/"></iframe><object data="x"></object><embed src="y">`, nil, []string{"iframe", "object", "embed"}},
		{"event handlers", `<img src="a.png" onerror="alert(1)"><p onclick="x()">p</p>`, []string{`src="https://example.com/posts/a.png"`}, []string{"onerror", "onclick", "alert"}},
		{"javascript url", `<a href="javascript:alert(1)">x</a><a href="JaVaScRiPt:alert(1)">y</a>`, nil, []string{"javascript", "JaVaScRiPt"}},
		{"data url on a link", `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, nil, []string{"data:"}},
		{"data url on an image", `<img src="data:image/png;base64,iVBORw0KGgo=">`, []string{`src="data:image/png;base64,iVBORw0KGgo="`}, nil},
		{"javascript in img srcset", `<img src="/a.png" srcset="javascript:alert(1) 1x, /b.png 2x">`, []string{"https://example.com/b.png 2x"}, []string{"javascript"}},
		{"javascript in source srcset and src", `<picture><source srcset="javascript:alert(1)" src="JavaScript:alert(2)" type="image/webp"><img src="/a.png"></picture>`, []string{`type="image/webp"`}, []string{"avascript", "alert"}},
		{"obfuscated javascript in srcset", `<img srcset="&#106;avascript:alert(1) 1x, &#x20;vbscript:x 2x">`, nil, []string{"avascript", "vbscript"}},
		{"data url in srcset", `<img srcset="data:image/png;base64,iVBORw0KGgo= 1x">`, nil, []string{"data:"}},
		{"svg data url on a link", `<a href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">x</a>`, nil, []string{"data:"}},
		{"png data url on a link", `<a href="data:image/png;base64,iVBORw0KGgo=">x</a>`, nil, []string{"data:"}},
		{"svg data url on an image", `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`, nil, []string{"data:"}},
		{"vbscript link", `<a href="vbscript:msgbox(1)">x</a><a href="VBScript:msgbox(1)">y</a>`, nil, []string{"vbscript", "VBScript"}},
		{"entity-encoded javascript", `<a href="&#106;avascript:alert(1)">x</a><a href="&#x6A;avascript&#x3A;alert(1)">y</a>`, nil, []string{"avascript", "alert"}},
		{"javascript in cite", `<blockquote cite="javascript:alert(1)">q</blockquote><q cite="javascript:alert(2)">r</q>`, []string{"<blockquote>q</blockquote>"}, []string{"javascript"}},
		{"mailto on an image", `<img src="mailto:a@example.com">`, nil, []string{"mailto"}},
		{"mailto on a link", `<a href="mailto:a@example.com">m</a>`, []string{`href="mailto:a@example.com"`}, nil},
		{"webp data url on an image", `<img src="data:image/webp;base64,UklGRg==">`, []string{`src="data:image/webp;base64,UklGRg=="`}, nil},
		{"links get noreferrer", `<a href="https://other.example/">x</a>`, []string{`href="https://other.example/"`, "noreferrer"}, nil},
		{"relative links made absolute", `<a href="/about">a</a><img src="../i.png" srcset="s.png 1x, /l.png 2x">`, []string{`href="https://example.com/about"`, `src="https://example.com/i.png"`, "https://example.com/posts/s.png 1x", "https://example.com/l.png 2x"}, nil},
		{"fragment links stay", `<a href="#note1">1</a>`, []string{`href="#note1"`}, nil},
		{"kept structure", `<h2>H</h2><ul><li>l</li></ul><ol><li>o</li></ol><blockquote>q</blockquote><pre><code>c</code></pre><table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table><figure><img src="/f.png" alt="f"><figcaption>cap</figcaption></figure>`,
			[]string{"<h2>H</h2>", "<ul><li>l</li></ul>", "<ol>", "<blockquote>q</blockquote>", "<pre><code>c</code></pre>", "<table>", "<th>h</th>", "<td>d</td>", "<figure>", "<figcaption>cap</figcaption>", `alt="f"`}, nil},
		{"form", `<form action="/x"><input name="q"><button>go</button></form>`, nil, []string{"form", "input", "button"}},
		{"control characters and invalid utf-8", "<p>a\x00b\x1bc\xffd</p>", []string{"<p>abcd</p>"}, nil},
		{"unparseable url", `<a href="http://[::1">x</a>`, nil, []string{"[::1"}},
		{"empty", "   ", nil, []string{"<"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Sanitize(tc.in, base)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("Sanitize(%q) = %q, lacks %q", tc.in, got, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("Sanitize(%q) = %q, keeps %q", tc.in, got, n)
				}
			}
		})
	}
	if got := Sanitize(`<a href="/x">x</a>`, nil); !strings.Contains(got, `href="/x"`) {
		t.Errorf("no base: %q", got)
	}
}

func TestHasBadControlMatchesIsBadControl(t *testing.T) {
	for _, s := range []string{"", "plain", "tab\tnl\ncr\r", "bell\a", "del\x7f", "c1\u0085", "nc\ufdd0", "nc\uffff", "ok é ü 中", "\u200b", "x\x00"} {
		if got, want := hasBadControl(s), strings.IndexFunc(s, isBadControl) >= 0; got != want {
			t.Errorf("hasBadControl(%q) = %v, want %v", s, got, want)
		}
	}
	for r := rune(0); r < 0x30000; r++ {
		s := "a" + string(r)
		if got, want := hasBadControl(s), strings.IndexFunc(s, isBadControl) >= 0; got != want {
			t.Fatalf("hasBadControl(%U) = %v, want %v", r, got, want)
		}
	}
}

// Plain text takes a shortcut past the parser and the policy: it must give
// what they give.
func TestSanitizePlainTextShortcut(t *testing.T) {
	base, _ := url.Parse("https://example.com/posts/1")
	for _, in := range []string{
		"Summary of article 3: the first lines of the post, as feeds give them.",
		`quotes "double" and 'single' > greater`,
		"  spaced\tout\nlines  ",
		"unicode é ü 中文 — “curly”",
		"x>y, a/b, =c, `tick`",
		"",
		"   ",
	} {
		slow := strings.TrimSpace(CleanText(policy().Sanitize(scanHTML(CleanText(in), base, true, false).html)))
		if got := Sanitize(in, base); got != slow {
			t.Errorf("Sanitize(%q) = %q, the parser and policy give %q", in, got, slow)
		}
	}
}
