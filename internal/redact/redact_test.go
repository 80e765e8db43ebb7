package redact

import (
	"net/url"
	"strings"
	"testing"
)

func TestSecretName(t *testing.T) {
	secret := []string{"token", "TOKEN", "access_token", "feed_token", "private_token", "authtoken", "csrfToken",
		"key", "apikey", "api_key", "api-key", "apiKey", "APIKEY", "secret", "client_secret", "clientSecret",
		"password", "passwd", "pass", "pwd", "userPassword", "auth", "auth_key", "Authorization", "sig",
		"signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "oauth_signature",
		"session", "sessionid", "sid", "jwt", "hmac", "otp"}
	public := []string{"author", "page", "keyword", "keywords", "monkey", "format", "cat", "tag", "q", "id",
		"lang", "passage", "authors", "sort", "limit", "type", "feed", "category", "code", "private"}
	for _, n := range secret {
		if !SecretName(n) {
			t.Errorf("SecretName(%q) = false, want true", n)
		}
	}
	for _, n := range public {
		if SecretName(n) {
			t.Errorf("SecretName(%q) = true, want false", n)
		}
	}
}

func TestURLs(t *testing.T) {
	for _, tc := range []struct{ in, public, log string }{
		{"https://example.com/feed.xml", "https://example.com/feed.xml", "https://example.com/feed.xml"},
		{"https://user:pass@example.com/feed", "https://example.com/feed", "https://example.com/feed"},
		{"https://user@example.com/feed", "https://example.com/feed", "https://example.com/feed"},
		{"https://u:p@example.com/feed?token=abc123&page=2", "https://example.com/feed?page=2", "https://example.com/feed?token=REDACTED&page=2"},
		{"https://example.com/feed?page=2&api_key=k&b=%20x&sig=s", "https://example.com/feed?page=2&b=%20x", "https://example.com/feed?page=2&api_key=REDACTED&b=%20x&sig=REDACTED"},
		{"https://example.com/feed?token=a&token=b", "https://example.com/feed", "https://example.com/feed?token=REDACTED&token=REDACTED"},
		{"https://example.com/feed?token", "https://example.com/feed", "https://example.com/feed?token"},
		{"https://example.com/feed?author=jane&keyword=go", "https://example.com/feed?author=jane&keyword=go", "https://example.com/feed?author=jane&keyword=go"},
		{"https://example.com/feed?to%6Ben=x", "https://example.com/feed", "https://example.com/feed?to%6Ben=REDACTED"},
		{"https://example.com/cb#access_token=abc&state=1", "https://example.com/cb#state=1", "https://example.com/cb#access_token=REDACTED&state=1"},
		{"https://example.com/page#section-2", "https://example.com/page#section-2", "https://example.com/page#section-2"},
		{"https://example.com/feed?a=1;token=x;b=2", "https://example.com/feed?a=1;b=2", "https://example.com/feed?a=1;token=REDACTED;b=2"},
		{"https://example.com/feed?token=x&a=1", "https://example.com/feed?a=1", "https://example.com/feed?token=REDACTED&a=1"},
		{"https://example.com/feed?a=1&token=x", "https://example.com/feed?a=1", "https://example.com/feed?a=1&token=REDACTED"},
		{"https://example.com/feed?a=&&b=2", "https://example.com/feed?a=&&b=2", "https://example.com/feed?a=&&b=2"},
		{"http://u:p@[::1]:8080/f?key=1", "http://[::1]:8080/f", "http://[::1]:8080/f?key=REDACTED"},
		{"https://user:p@ss@exa mple.com/f?token=x", "https://exa mple.com/f?", "https://exa mple.com/f?token=REDACTED"},
		{"https://u:p@exa mple.com/f?token=x", "https://exa mple.com/f?", "https://exa mple.com/f?token=REDACTED"},
	} {
		if got := PublicURL(tc.in); got != tc.public {
			t.Errorf("PublicURL(%q) = %q, want %q", tc.in, got, tc.public)
		}
		if got := LogURL(tc.in); got != tc.log {
			t.Errorf("LogURL(%q) = %q, want %q", tc.in, got, tc.log)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`fetch private: GET https://u:p@example.com/feed?token=abc: 401 Unauthorized`, `fetch private: GET https://example.com/feed?token=REDACTED: 401 Unauthorized`},
		{`Get "https://user:hunter2@example.com/feed?token=abc&x=1": dial tcp 127.0.0.1:1: connect: connection refused`, `Get "https://example.com/feed?token=REDACTED&x=1": dial tcp 127.0.0.1:1: connect: connection refused`},
		{`not a feed: an HTML page; it advertises https://example.com/a.xml?key=k, https://example.com/b.xml.`, `not a feed: an HTML page; it advertises https://example.com/a.xml?key=REDACTED, https://example.com/b.xml.`},
		{`no url here: 404`, `no url here: 404`},
	} {
		got := Text(tc.in)
		if got != tc.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		for _, leak := range []string{"hunter2", "u:p@", "abc"} {
			if strings.Contains(got, leak) {
				t.Errorf("Text(%q) = %q leaks %q", tc.in, got, leak)
			}
		}
	}
}

// FuzzURLs: whatever the input, neither form of a URL that parses holds
// userinfo or a secret parameter's value.
func FuzzURLs(f *testing.F) {
	for _, s := range []string{
		"https://user:pass@example.com/feed?token=abc&page=2#access_token=x",
		"http://u@h/?a=1;api_key=2&&sig",
		"https://exa mple.com/%zz?token=x",
		"mailto:me@example.com?subject=hi",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, keep := range []bool{false, true} {
			out := rewrite(in, keep)
			u, err := url.Parse(out)
			if err != nil {
				continue
			}
			if u.User != nil {
				t.Fatalf("rewrite(%q, %v) = %q keeps userinfo", in, keep, out)
			}
			for _, p := range strings.FieldsFunc(u.RawQuery, func(r rune) bool { return r == '&' || r == ';' }) {
				k, v, _ := strings.Cut(p, "=")
				name, err := url.QueryUnescape(k)
				if err != nil {
					name = k
				}
				if SecretName(name) && (!keep || v != "" && v != Redacted) {
					t.Fatalf("rewrite(%q, %v) = %q keeps %q", in, keep, out, p)
				}
			}
		}
	})
}
