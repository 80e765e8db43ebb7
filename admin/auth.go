package admin

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// guard lets a request through when it may use the admin endpoints: with
// [server].admin_token set, only when it bears that token; without, only
// when it comes from a loopback address.
func (a *Admin) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := a.config().Server.AdminToken
		if token != "" {
			if !bearer(r, token) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="tributary admin"`)
				http.Error(w, "admin endpoints need the admin token: Authorization: Bearer TOKEN", http.StatusUnauthorized)
				return
			}
		} else if !fromLoopback(r) {
			http.Error(w, "admin endpoints answer only on loopback unless [server].admin_token is set", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearer reports whether r carries "Authorization: Bearer token", comparing
// in constant time.
func bearer(r *http.Request, token string) bool {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := strings.TrimSpace(h[len(prefix):])
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// fromLoopback reports whether the request's peer is a loopback address.
// Behind a reverse proxy on the same host every request looks local: set
// admin_token there.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
