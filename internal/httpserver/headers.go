package httpserver

import "net/http"

// Header values every response starts with, built once (handlers replace,
// never append to, them).
var (
	nosniff   = []string{"nosniff"}
	noContent = []string{"default-src 'none'; frame-ancestors 'none'"}
	deny      = []string{"DENY"}
)

// Secure gives every response X-Content-Type-Options: nosniff, a
// Content-Security-Policy that lets the document load nothing and be framed
// by no one (a handler serving HTML replaces it with its own), and
// X-Frame-Options: DENY for browsers without CSP. It refuses, with 400 and
// the connection closed, any request with a Transfer-Encoding: none of the
// endpoints takes a request body, and a chunked body sent with a
// Content-Length is how a request is smuggled past a proxy that reads the
// other framing (net/http would serve the bytes after the chunks as a
// second request).
func Secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["Content-Security-Policy"] = noContent
		h["X-Frame-Options"] = deny
		if len(r.TransferEncoding) > 0 {
			h.Set("Connection", "close")
			http.Error(w, "request bodies with a Transfer-Encoding are not accepted", http.StatusBadRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}
