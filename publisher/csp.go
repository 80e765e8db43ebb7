package publisher

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// pageCSP is the page's Content-Security-Policy: no script of any kind,
// nothing loaded, no framing; only the page's own <style> element, by its
// hash, so that no injected style could apply either.
var pageCSP = []string{"default-src 'none'; style-src '" + styleHash() + "'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"}

// styleHash is the CSP hash source of templates/page.html's <style>
// element, which holds no template action (the page must render it byte for
// byte as written).
func styleHash() string {
	b, err := templatesFS.ReadFile("templates/page.html")
	if err != nil {
		panic(err)
	}
	_, after, _ := strings.Cut(string(b), "<style>")
	css, _, ok := strings.Cut(after, "</style>")
	if !ok || strings.Contains(css, "{{") {
		panic("templates/page.html: want one <style> element without template actions")
	}
	sum := sha256.Sum256([]byte(css))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
